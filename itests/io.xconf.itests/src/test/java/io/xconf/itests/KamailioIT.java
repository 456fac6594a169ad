package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.Kamailio;
import io.xconf.itests.support.SipClient;
import io.xconf.itests.support.SipPhone;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Xconf inside a SIP platform: Kamailio (the distribution's bin/xconf-kamailio) in front as the
 * phones' registrar and proxy, Xconf without its registrar, sending through Kamailio (its outbound
 * proxy) and believing the identities Kamailio asserts, and only those. sipp plays the phones.
 */
public class KamailioIT {

  private static final String DOMAIN = "platform.example.net";
  private static final String BOB = "xcon-userid:bob@" + DOMAIN;
  private static final int RTP_MIN = 44000 + (int) (ProcessHandle.current().pid() % 20) * 100;
  private static XconfServer server;
  private static Kamailio kamailio;
  private static Conferences alice;
  private static Path work;

  @BeforeClass
  public static void startPlatform() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    Sipp.requireCommand("kamailio", "kamailio");
    work = Path.of(System.getProperty("xconf.work"), "servers", "kamailio");
    int kamailioPort = FreePorts.next();
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(RTP_MIN))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(RTP_MIN + 99))
            .withEnvironment("XCONF_SIP_DIGEST_ALGORITHMS", "MD5")
            .withEnvironment("XCONF_SIP_REGISTRAR", "false")
            .withEnvironment("XCONF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + kamailioPort + ";lr")
            .withEnvironment("XCONF_SIP_TRUSTED_PROXIES", "127.0.0.1:" + kamailioPort);
    assertEquals(0, server.userWithInput("secret\n", "add", "alice").exitCode());
    assertEquals(0, server.userWithInput("builder\n", "add", "bob").exitCode());
    server.start();
    kamailio = Kamailio.front(server, kamailioPort, true);
    alice =
        new Conferences(
            server.ccmp().withDigest("alice", "secret"), "xcon-userid:alice@" + DOMAIN, DOMAIN);
  }

  @AfterClass
  public static void stopPlatform() throws Exception {
    if (kamailio != null) {
      kamailio.close();
    }
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  private static Path scenario(String name) throws Exception {
    Path file = work.resolve("scenarios").resolve(name);
    Files.createDirectories(file.getParent());
    try (var in = KamailioIT.class.getResourceAsStream("/sipp/" + name)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /** A phone of {@code account} registering its contact at {@code contactPort} with Kamailio. */
  private static Sipp register(Path dir, int contactPort, String account, String password)
      throws Exception {
    return register(dir, kamailio.port(), contactPort, account, password);
  }

  /** The same, sent to {@code registrarPort}. */
  private static Sipp register(
      Path dir, int registrarPort, int contactPort, String account, String password)
      throws Exception {
    return Sipp.call(
        dir,
        null,
        registrarPort,
        account,
        FreePorts.next(),
        "-sf",
        scenario("register.xml").toString(),
        "-set",
        "domain",
        DOMAIN,
        "-set",
        "contact_port",
        String.valueOf(contactPort),
        "-au",
        account,
        "-ap",
        password);
  }

  /**
   * A phone calling a conference at {@code port} (Kamailio's or Xconf's own) as {@code
   * caller@fromDomain}, sending a P-Asserted-Identity of {@code claim}, answering Kamailio's
   * challenge with {@code password} when it has one; its log says "refused N" when refused.
   */
  private static Sipp callConference(
      Path dir,
      int port,
      String conference,
      String caller,
      String fromDomain,
      String claim,
      String password)
      throws Exception {
    Files.createDirectories(dir);
    Path log = dir.resolve(caller + "-" + port + "-" + System.nanoTime() + ".log");
    List<String> options =
        new ArrayList<>(
            List.of(
                "-sf",
                scenario("uac-proxied.xml").toString(),
                "-set",
                "domain",
                DOMAIN,
                "-set",
                "from_domain",
                fromDomain,
                "-set",
                "caller",
                caller,
                "-set",
                "claim",
                claim,
                "-trace_logs",
                "-log_file",
                log.toString(),
                "-trace_msg",
                "-message_file",
                log.resolveSibling(log.getFileName() + ".messages").toString()));
    if (password != null) {
      options.addAll(
          List.of(
              "-au",
              caller,
              "-ap",
              password,
              "-auth_uri",
              Conferences.idOf(conference) + "@" + DOMAIN));
    }
    return Sipp.call(
        dir,
        null,
        port,
        Conferences.idOf(conference),
        evenFreePort(),
        options.toArray(String[]::new));
  }

  private static String logOf(Sipp sipp, Path dir) throws Exception {
    StringBuilder all = new StringBuilder(sipp.log());
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        all.append('\n').append(Files.readString(file));
      }
    }
    return all.toString();
  }

  private static int evenFreePort() {
    int port = FreePorts.next();
    return port % 2 == 0 ? port : FreePorts.next() & ~1;
  }

  /** A conference that takes bob only, by a proved identity (closedAuthenticated). */
  private static String bobsConference() throws Exception {
    return alice.created(
        "<info:users><xcon:join-handling>allow</xcon:join-handling>"
            + "<xcon:user-admission-policy>closedAuthenticated</xcon:user-admission-policy>"
            + "<xcon:allowed-users-list><xcon:target uri=\""
            + BOB
            + "\" method=\"dial-in\"/></xcon:allowed-users-list></info:users>");
  }

  @Test
  public void aPhoneRegisteredAtKamailioIsDialledOutThroughIt() throws Exception {
    Path dir = work.resolve("dial-out");
    int phonePort = FreePorts.next();
    try (Sipp phone = Sipp.answer(dir, phonePort, evenFreePort())) {
      try (Sipp registration = register(dir, phonePort, "bob", "builder")) {
        assertEquals(registration.log(), 0, registration.await(30));
      }
      String conference =
          alice.created(
              "<info:users><xcon:allowed-users-list><xcon:target uri=\"sip:bob@"
                  + DOMAIN
                  + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      Await.until(
          "bob's phone connected through Kamailio",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      String deleted = alice.delete(conference);
      assertEquals(deleted, 200, CcmpHttp.responseCode(deleted));
      assertEquals(
          "the BYE reached bob's phone along the record-routed path: " + phone.log(),
          0,
          phone.await(30));
    }
  }

  @Test
  public void xconfItselfKeepsNoRegistrar() throws Exception {
    Path dir = work.resolve("no-registrar");
    try (Sipp registration = register(dir, server.sipPort(), FreePorts.next(), "bob", "builder")) {
      assertNotEquals(registration.log(), 0, registration.await(30));
      assertTrue(registration.log(), registration.log().contains("SIP/2.0 405"));
      assertFalse(registration.log(), registration.log().contains("bound expires"));
    }
  }

  @Test
  public void aPhoneKamailioAuthenticatedIsAdmittedByTheIdentityItAsserts() throws Exception {
    String conference = bobsConference();
    Path dir = work.resolve("asserted");
    try (Sipp bob =
        callConference(
            dir,
            kamailio.port(),
            conference,
            "bob",
            DOMAIN,
            // alice's address: what the phone claims is dropped, Kamailio asserts whom it proved
            "sip:alice@" + DOMAIN,
            "builder")) {
      String roster =
          Await.until(
              "bob connected in the roster",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body -> body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:user entity=\"" + BOB + "\""));
      assertFalse(
          "alice is in the roster as its organizer only: " + roster,
          roster.contains("<info:endpoint entity=\"sip:alice@"));
      assertEquals(logOf(bob, dir), 0, bob.await(30));
    }
  }

  @Test
  public void anAssertionFromAnyoneButTheTrustedProxyIsIgnored() throws Exception {
    String conference = bobsConference();
    String before = alice.retrieve(conference);
    String claim = "sip:bob@" + DOMAIN;
    record Attempt(String what, int port, String fromDomain, String password, String refusal) {}
    for (Attempt attempt :
        List.of(
            // Straight to Xconf, claiming to be bob: the header is dropped, Xconf asks who it is.
            new Attempt("to Xconf directly", server.sipPort(), DOMAIN, null, "refused 401"),
            // Through Kamailio from another domain: Kamailio strips the claim and asserts nothing.
            new Attempt(
                "through Kamailio as a stranger",
                kamailio.port(),
                "elsewhere.example",
                null,
                "refused 401"),
            // Through Kamailio as a user of the platform with a wrong password: never relayed.
            new Attempt(
                "through Kamailio with a wrong password",
                kamailio.port(),
                DOMAIN,
                "not-builder",
                "refused 407"))) {
      Path dir = work.resolve("forged").resolve(attempt.what().replace(' ', '-'));
      try (Sipp mallory =
          callConference(
              dir,
              attempt.port(),
              conference,
              "mallory",
              attempt.fromDomain(),
              claim,
              attempt.password())) {
        assertNotEquals(attempt.what(), 0, mallory.await(30));
        String log = logOf(mallory, dir);
        assertTrue(attempt.what() + ":\n" + log, log.contains(attempt.refusal()));
      }
    }
    String after = alice.retrieve(conference);
    assertFalse(after, after.contains("<info:status>connected</info:status>"));
    assertEquals(
        "no caller was written into the roster",
        before.replaceAll("<info:version>\\d+</info:version>", ""),
        after.replaceAll("<info:version>\\d+</info:version>", ""));
  }

  /**
   * linphonec registered at Kamailio with alice's account dials a conference URI of the domain: the
   * call and the conference event subscription liblinphone makes go through Kamailio, which
   * authenticates both; the roster names alice's account, and the NOTIFYs reach linphonec back
   * through Kamailio.
   */
  @Test
  public void linphonecRegisteredAtKamailioDialsInAndFollowsTheRosterThroughIt() throws Exception {
    String conference = alice.created("");
    Path dir = work.resolve("linphonec");
    try (SipPhone linphone =
        SipPhone.linphonec(dir, "alice", "secret", DOMAIN, kamailio.port(), FreePorts.next())) {
      Await.until(
          "linphonec registered at Kamailio",
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
      assertTrue(
          "the asserted identity names alice's account: " + roster,
          roster.contains("<info:user entity=\"xcon-userid:alice@" + DOMAIN + "\""));
      Await.until(
          "the full state NOTIFY, through Kamailio, in linphonec's log",
          Duration.ofSeconds(30),
          () -> linphone.file("linphone.log"),
          log -> log.contains("NOTIFY received for conference") && log.contains("to Created"));
      // Kamailio asked for the credentials (407); Xconf took its assertion and asked for none.
      for (String challenge : linphone.file("linphone.log").split("SIP/2.0 401 ", -1)) {
        String next = challenge.lines().limit(12).reduce("", (a, b) -> a + "\n" + b);
        assertFalse(
            "Xconf challenged linphonec itself:" + next,
            next.matches("(?s).*CSeq: \\d+ (INVITE|SUBSCRIBE).*"));
      }
      linphone.command("terminate");
      Await.until(
          "alice gone after her BYE",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> !body.contains("<info:status>connected</info:status>"));
    }
  }

  /**
   * Kamailio is nobody's relay: a made-up in-dialog request with a Route to Kamailio and one
   * preloaded towards another host are refused, and that host hears nothing.
   */
  @Test
  public void kamailioRelaysNothingForAStranger() throws Exception {
    try (SipClient victim = new SipClient(1);
        SipClient stranger = new SipClient(kamailio.port())) {
      String victimUri = "sip:victim@127.0.0.1:" + victim.port();
      String kamailioRoute = "<sip:127.0.0.1:" + kamailio.port() + ";lr>";
      stranger.send(
          stranger
              .request("MESSAGE", victimUri)
              .header("Route", kamailioRoute)
              .header("From", "<sip:stranger@elsewhere.example>;tag=s1")
              .header("To", "<" + victimUri + ">;tag=made-up")
              .header("Call-ID", "relay-1")
              .header("CSeq", "1 MESSAGE")
              .body("text/plain", "in a dialog that does not exist"));
      String inDialog = stranger.finalResponse("relay-1", "MESSAGE", Duration.ofSeconds(5));
      assertTrue("refused: " + inDialog, inDialog != null && SipClient.status(inDialog) >= 400);
      stranger.send(
          stranger
              .request("MESSAGE", "sip:someone@elsewhere.example")
              .header("Route", kamailioRoute + ",<sip:127.0.0.1:" + victim.port() + ";lr>")
              .header("From", "<sip:stranger@elsewhere.example>;tag=s2")
              .header("To", "<sip:someone@elsewhere.example>")
              .header("Call-ID", "relay-2")
              .header("CSeq", "1 MESSAGE")
              .body("text/plain", "along a path of my choosing"));
      String preloaded = stranger.finalResponse("relay-2", "MESSAGE", Duration.ofSeconds(5));
      assertTrue("refused: " + preloaded, preloaded != null && SipClient.status(preloaded) == 403);
      assertEquals("the victim heard nothing", null, victim.receive(Duration.ofSeconds(2)));
    }
  }
}
