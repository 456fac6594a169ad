package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.SipPhone;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The focus with the softphones people use: linphonec (liblinphone, the field's CCMP client)
 * registering with Xconf alone, dialing in and following the roster through the conference event
 * package; baresip answering a dial-out. The server runs its default SIP settings (SHA-256 and MD5
 * Digest, the registrar on).
 */
public class SipPhonesIT {

  private static final String DOMAIN = "phones.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static XconfServer server;
  private static Conferences alice;
  private static int sipPort;
  private static Path work;

  @BeforeClass
  public static void startServer() throws Exception {
    Sipp.requireCommand("linphonec", "linphone-cli");
    Sipp.requireCommand("baresip", "baresip");
    work = Path.of(System.getProperty("xconf.work"), "servers", "phones");
    int rtp = 44000 + (int) (ProcessHandle.current().pid() % 20) * 100;
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(rtp))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(rtp + 99));
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    server.start();
    sipPort = server.sipPort();
    alice = new Conferences(server.ccmp().withDigest("alice", "secret"), ALICE, DOMAIN);
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  /**
   * linphonec registers with the focus's registrar (Digest with alice's account), dials the
   * conference, stays in it past a minute, and, being registered, subscribes to the conference
   * event package: its log shows the NOTIFYs with the roster, a sipp caller joining included.
   */
  @Test
  public void linphonecRegistersDialsInStaysPastAMinuteAndFollowsTheRoster() throws Exception {
    String conference = alice.created("");
    Path dir = work.resolve("linphonec");
    try (SipPhone linphone =
        SipPhone.linphonec(dir, "alice", "secret", DOMAIN, sipPort, FreePorts.next())) {
      Await.until(
          "linphonec registered",
          Duration.ofSeconds(30),
          () -> {
            linphone.command("status register");
            return linphone.output();
          },
          out -> out.contains("registered, identity=sip:alice@" + DOMAIN));
      linphone.command("call sip:" + Conferences.idOf(conference) + "@" + DOMAIN);
      String roster =
          Await.until(
              "alice's call connected in the roster",
              Duration.ofSeconds(30),
              () -> alice.retrieve(conference),
              body -> body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:endpoint entity=\"sip:alice@" + DOMAIN));
      long connectedAt = System.currentTimeMillis();
      Await.until(
          "the full state NOTIFY in linphonec's log",
          Duration.ofSeconds(30),
          () -> linphone.file("linphone.log"),
          log ->
              log.contains("NOTIFY received for conference")
                  && log.contains("Switching conference")
                  && log.contains("to Created"));

      // Someone else joins: linphonec gets the partial NOTIFY with the new user.
      try (Sipp other =
          Sipp.call(
              dir.resolve("sipp"),
              "uac",
              sipPort,
              Conferences.idOf(conference),
              FreePorts.next(),
              "-d",
              "3000")) {
        String withSipp =
            Await.until(
                "the second caller in the roster",
                Duration.ofSeconds(20),
                () -> alice.retrieve(conference),
                body -> body.contains("<info:endpoint entity=\"" + other.address()));
        Await.until(
            "a NOTIFY naming the second caller in linphonec's log",
            Duration.ofSeconds(20),
            () -> linphone.file("linphone.log"),
            log -> log.contains("state=\"partial\"") && log.contains(other.address()));
        assertEquals(other.log(), 0, other.await(30));
        assertTrue(withSipp, withSipp.contains(ALICE));
        // Users are named by SIP URIs liblinphone can read, not by XCON-USERIDs: it finds itself.
        String log = linphone.file("linphone.log");
        assertTrue(log.contains("sip:alice@" + DOMAIN + " requested to be added is me"));
        assertFalse(log.contains("with address sip:xcon-userid@"));
      }

      long left = 65_000 - (System.currentTimeMillis() - connectedAt);
      if (left > 0) {
        Thread.sleep(left);
      }
      assertFalse(linphone.output(), linphone.output().contains("ended"));
      String stillThere = alice.retrieve(conference);
      assertTrue(
          "alice still connected after a minute: " + stillThere,
          stillThere.contains("<info:endpoint entity=\"sip:alice@" + DOMAIN)
              && stillThere.contains("<info:status>connected</info:status>"));
      linphone.command("terminate");
      Await.until(
          "alice gone after her BYE",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> !body.contains("<info:endpoint entity=\"sip:alice@"));
    }
  }

  /** baresip as a dial-out target: called when the conference starts, BYE when it is deleted. */
  @Test
  public void baresipAnswersADialOutAndGetsByeWhenTheConferenceIsDeleted() throws Exception {
    int port = FreePorts.next();
    String target = "sip:bob@127.0.0.1:" + port;
    try (SipPhone baresip = SipPhone.baresip(work.resolve("baresip"), "bob", port)) {
      Await.until(
          "baresip ready",
          Duration.ofSeconds(20),
          baresip::output,
          out -> out.contains("baresip is ready"));
      String conference =
          alice.created(
              "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                  + target
                  + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      Await.until(
          "baresip connected in the roster",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body ->
              body.contains("<info:endpoint entity=\"" + target + "\">")
                  && body.contains("<info:status>connected</info:status>"));
      Await.until(
          "baresip's call established",
          Duration.ofSeconds(10),
          baresip::output,
          out -> out.contains("Call established"));
      assertEquals(200, CcmpHttp.responseCode(alice.delete(conference)));
      Await.until(
          "baresip's call ended by the focus's BYE",
          Duration.ofSeconds(20),
          baresip::output,
          out -> out.contains("session closed"));
    }
  }
}
