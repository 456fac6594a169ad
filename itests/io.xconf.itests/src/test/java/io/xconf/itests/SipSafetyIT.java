package io.xconf.itests;

import static io.xconf.itests.support.SipClient.header;
import static io.xconf.itests.support.SipClient.status;
import static io.xconf.itests.support.SipClient.tag;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.Digest;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.SipCall;
import io.xconf.itests.support.SipClient;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The SIP side attacked as an outsider on the network would: relaying through the server, ending or
 * taking over someone's call, holding media ports, passing for someone else, replaying credentials,
 * flooding subscriptions. Each attack is refused and leaves the conferences as they were. The
 * packed distribution, over real SIP on the loopback.
 */
public class SipSafetyIT {

  private static final String DOMAIN = "safety.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final String BOB = "xcon-userid:bob@" + DOMAIN;
  private static final int RTP_MIN = 48000 + (int) (ProcessHandle.current().pid() % 10) * 100;
  private static final int RTP_MAX = RTP_MIN + 99;
  private static final int CALLS_PER_SOURCE = 10;
  private static final int SUBSCRIPTIONS_PER_SOURCE = 20;
  private static final Duration ANSWER = Duration.ofSeconds(5);

  private static XconfServer server;
  private static Conferences alice;
  private static Conferences bob;
  private static int sipPort;
  private static Path work;

  @BeforeClass
  public static void startServer() throws Exception {
    work = Path.of(System.getProperty("xconf.work"), "servers", "safety");
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(RTP_MIN))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(RTP_MAX))
            .withEnvironment("XCONF_SIP_MEDIA_TIMEOUT", "5")
            .withEnvironment("XCONF_SIP_MAX_CALLS_PER_SOURCE", String.valueOf(CALLS_PER_SOURCE))
            .withEnvironment(
                "XCONF_SIP_MAX_SUBSCRIPTIONS_PER_SOURCE", String.valueOf(SUBSCRIPTIONS_PER_SOURCE));
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    assertEquals(0, server.user("add", "bob", "builder").exitCode());
    server.start();
    sipPort = server.sipPort();
    alice = new Conferences(server.ccmp().withDigest("alice", "secret"), ALICE, DOMAIN);
    bob = new Conferences(server.ccmp().withDigest("bob", "builder"), BOB, DOMAIN);
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  // ----- relaying -----

  /**
   * Nothing addressed to another host is sent on: not a request within a made-up dialog routed
   * through the server, not a new call to a telephone number at a gateway, not a message to a user
   * of another domain, not an answer made up to look like one to a request the registrar's proxy
   * forwarded.
   */
  @Test
  public void aRequestForAForeignTargetIsNeverRelayed() throws Exception {
    try (DatagramSocket victim = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        SipClient attacker = new SipClient(sipPort)) {
      String gateway = "127.0.0.1:" + victim.getLocalPort();
      String route = "<sip:127.0.0.1:" + sipPort + ";lr>";
      String bye = "relay-bye-" + System.nanoTime();
      attacker.send(
          attacker
              .request("BYE", "sip:+4930123456@" + gateway)
              .header("Route", route)
              .header("From", "<sip:mallory@evil.example>;tag=m1")
              .header("To", "<sip:+4930123456@" + gateway + ">;tag=g1")
              .header("Call-ID", bye)
              .header("CSeq", "2 BYE"));
      assertEquals(481, status(attacker.finalResponse(bye, "BYE", ANSWER)));
      String invite = "relay-invite-" + System.nanoTime();
      attacker.send(
          attacker
              .request("INVITE", "sip:+4930123456@" + gateway)
              .header("Route", route)
              .header("From", "<sip:mallory@evil.example>;tag=m2")
              .header("To", "<sip:+4930123456@" + gateway + ">")
              .header("Call-ID", invite)
              .header("CSeq", "1 INVITE")
              .header("Contact", "<sip:mallory@127.0.0.1:" + attacker.port() + ">")
              .body("application/sdp", attacker.offer()));
      assertEquals(403, status(attacker.finalResponse(invite, "INVITE", ANSWER)));
      String message = "relay-message-" + System.nanoTime();
      attacker.send(
          attacker
              .request("MESSAGE", "sip:bob@elsewhere.example")
              .header("From", "<sip:mallory@evil.example>;tag=m3")
              .header("To", "<sip:bob@elsewhere.example>")
              .header("Call-ID", message)
              .header("CSeq", "1 MESSAGE")
              .body("text/plain", "call me"));
      assertEquals(403, status(attacker.finalResponse(message, "MESSAGE", ANSWER)));
      // An answer made up to look like one to a request the registrar's proxy forwarded: the
      // proxy's branch prefix on top, the victim in the Via below.
      attacker.send(
          "SIP/2.0 200 OK\r\n"
              + "Via: SIP/2.0/UDP 127.0.0.1:"
              + sipPort
              + ";branch=z9hG4bK-xconf-fwd-00112233445566778899aabbccddeeff\r\n"
              + "Via: SIP/2.0/UDP "
              + gateway
              + ";branch=z9hG4bKvictim\r\n"
              + "From: <sip:mallory@evil.example>;tag=m4\r\n"
              + "To: <sip:+4930123456@"
              + gateway
              + ">;tag=g4\r\n"
              + "Call-ID: relay-answer-"
              + System.nanoTime()
              + "\r\nCSeq: 1 INVITE\r\n"
              + "Content-Type: text/plain\r\n"
              + "Content-Length: 8\r\n\r\n"
              + "call me!");
      victim.setSoTimeout(1500);
      try {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        victim.receive(packet);
        throw new AssertionError("relayed: " + new String(packet.getData(), 0, packet.getLength()));
      } catch (SocketTimeoutException expected) {
        // nothing came
      }
    }
  }

  // ----- taking over calls -----

  /**
   * A call's dialog is its Call-ID and both tags: a stranger who learned the Call-ID gets 481 for
   * its BYE, and its INVITE with that Call-ID is a new call, admitted as any other (here: refused
   * by the deny list, or asked for credentials). The dialog's identifiers are shown to the
   * conference's managers only.
   */
  @Test
  public void aStrangerWhoKnowsACallIdCanNeitherEndNorTakeOverTheCall() throws Exception {
    String conference =
        alice.created(
            "<info:users><info:user entity=\""
                + BOB
                + "\"/><xcon:deny-users-list><xcon:target uri=\"*@evil.example\"/>"
                + "</xcon:deny-users-list></info:users>");
    try (SipClient caller = new SipClient(sipPort);
        SipClient stranger = new SipClient(sipPort)) {
      SipCall call = SipCall.authenticated(caller, sipUri(conference), DOMAIN, "alice", "secret");
      caller.talkTo(call.mediaPort);
      String roster =
          Await.until(
              "alice connected",
              Duration.ofSeconds(10),
              () -> alice.retrieve(conference),
              body -> body.contains("<info:status>connected</info:status>"));
      assertTrue("the manager sees the dialog: " + roster, roster.contains(call.callId));
      String seenByBob = bob.retrieve(conference);
      assertEquals(seenByBob, 200, CcmpHttp.responseCode(seenByBob));
      assertFalse("an ordinary user does not: " + seenByBob, seenByBob.contains(call.callId));
      String aliceSeenByBob =
          bob.ccmp(
              "user",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>retrieve</operation><ccmp:userRequest><userInfo"
                  + " entity=\""
                  + ALICE
                  + "\"/></ccmp:userRequest>");
      assertEquals(aliceSeenByBob, 200, CcmpHttp.responseCode(aliceSeenByBob));
      assertTrue(aliceSeenByBob, aliceSeenByBob.contains("connected"));
      assertFalse(
          "nor in the caller's user: " + aliceSeenByBob, aliceSeenByBob.contains(call.callId));

      for (String[] tags :
          List.of(
              new String[] {call.fromTag, "forged"},
              new String[] {"forged", call.toTag},
              new String[] {call.toTag, call.fromTag})) {
        stranger.send(
            stranger
                .request("BYE", sipUri(conference))
                .header("From", "<sip:alice@" + DOMAIN + ">;tag=" + tags[0])
                .header("To", "<" + sipUri(conference) + ">;tag=" + tags[1])
                .header("Call-ID", call.callId)
                .header("CSeq", "99 BYE"));
        assertEquals(481, status(stranger.finalResponse(call.callId, "BYE", ANSWER)));
      }
      stranger.send(invite(stranger, conference, call.callId, "sip:mallory@evil.example"));
      assertEquals(403, status(stranger.finalResponse(call.callId, "INVITE", ANSWER)));
      stranger.send(invite(stranger, conference, call.callId, "sip:walter@nice.example"));
      assertEquals(
          "a deny list makes everyone prove who they are",
          401,
          status(stranger.finalResponse(call.callId, "INVITE", ANSWER)));

      Thread.sleep(1000);
      assertEquals("no media reached the stranger", 0, stranger.rtpReceived());
      String after = alice.retrieve(conference);
      assertEquals(after, 2, after.split("<info:status>connected</info:status>", -1).length);
      assertTrue(after, after.contains(call.callId));
      assertTrue("alice still hears the conference", caller.rtpReceived() > 0);
      assertEquals("the call was still up for its own BYE", 200, call.hangUp());
    }
  }

  // ----- holding media -----

  /**
   * INVITEs never acknowledged: one source gets {@link #CALLS_PER_SOURCE} calls at most, no media
   * goes to the address their SDP names, and their ports come back within Timer H (32 s).
   */
  @Test
  public void unacknowledgedInvitesFromOneSourceFreeTheirPortsWithinTimerH() throws Exception {
    String conference = alice.create();
    int answered = 0;
    int refused = 0;
    try (SipClient attacker = new SipClient(sipPort)) {
      for (int i = 0; i < 3 * CALLS_PER_SOURCE; i++) {
        String callId = "unacked-" + i + "-" + System.nanoTime();
        attacker.send(invite(attacker, conference, callId, "sip:flood@nice.example"));
        int status = status(attacker.finalResponse(callId, "INVITE", ANSWER));
        if (status == 200) {
          answered++;
        } else if (status == 503) {
          refused++;
        } else {
          throw new AssertionError("INVITE " + i + " got " + status);
        }
      }
      assertEquals(CALLS_PER_SOURCE, answered);
      assertEquals(2 * CALLS_PER_SOURCE, refused);
      int held = rtpSocketsInUse();
      assertTrue("media ports held: " + held, held > 0 && held <= 2 * CALLS_PER_SOURCE);
      attacker.drain(Duration.ofSeconds(2));
      assertEquals("no media before an ACK", 0, attacker.rtpReceived());
      Await.until(
          "the ports back",
          Duration.ofSeconds(45),
          SipSafetyIT::rtpSocketsInUse,
          inUse -> inUse == 0);
    }
    Await.until(
        "the roster empty again",
        Duration.ofSeconds(10),
        () -> alice.retrieve(conference),
        body -> !body.contains("<info:endpoint"));
  }

  /**
   * A call that sends no media for the configured time (5 s here) is hung up; one on hold is not.
   */
  @Test
  public void aCallThatSendsNoMediaIsHungUpButOneOnHoldIsNot() throws Exception {
    String conference = alice.create();
    try (SipClient silent = new SipClient(sipPort);
        SipClient holding = new SipClient(sipPort)) {
      SipCall quiet = SipCall.anonymous(silent, sipUri(conference), "sip:quiet@nice.example");
      SipCall held = SipCall.anonymous(holding, sipUri(conference), "sip:held@nice.example");
      assertEquals(200, held.reinvite(holding.offer().replace("a=sendrecv", "a=inactive")));
      String bye = silent.request("BYE", Duration.ofSeconds(15));
      assertNotNull("the silent call hung up", bye);
      silent.ok(bye);
      assertEquals(quiet.callId, header(bye, "Call-ID"));
      assertNull("the held call stays", holding.request("BYE", Duration.ofSeconds(3)));
      assertEquals(200, held.hangUp());
    }
    Await.until(
        "the roster empty again",
        Duration.ofSeconds(10),
        () -> alice.retrieve(conference),
        body -> !body.contains("<info:endpoint"));
  }

  // ----- passing for someone else -----

  /**
   * A From is a claim: naming an invitee does not skip the moderator, naming a user of this domain
   * needs that user's credentials, and a denied caller under another name must prove who it is.
   */
  @Test
  public void aForgedFromGrantsNothing() throws Exception {
    String confirmed =
        alice.created(
            "<info:users><xcon:join-handling>confirm</xcon:join-handling>"
                + "<xcon:allowed-users-list><xcon:target uri=\"sip:carol@friends.example\""
                + " method=\"dial-in\"/></xcon:allowed-users-list></info:users>");
    String denying =
        alice.created(
            "<info:users><xcon:deny-users-list><xcon:target uri=\"sip:mallory@evil.example\"/>"
                + "</xcon:deny-users-list></info:users>");
    try (SipClient forger = new SipClient(sipPort)) {
      String asCarol = "forged-carol-" + System.nanoTime();
      SipClient.Message carol = invite(forger, confirmed, asCarol, "sip:carol@friends.example");
      forger.send(carol);
      assertNull(
          "carol's From does not skip the moderator",
          forger.finalResponse(asCarol, "INVITE", Duration.ofSeconds(3)));
      assertTrue(alice.retrieve(confirmed).contains("<info:status>dialing-in</info:status>"));
      forger.send(carol.cancel());
      assertEquals(487, status(forger.finalResponse(asCarol, "INVITE", ANSWER)));

      for (String[] attempt :
          List.of(
              new String[] {confirmed, "sip:alice@" + DOMAIN, "401"},
              new String[] {denying, "sip:mallory@evil.example", "403"},
              new String[] {denying, "sip:someone@nice.example", "401"})) {
        String callId = "forged-" + System.nanoTime();
        forger.send(invite(forger, attempt[0], callId, attempt[1]));
        assertEquals(
            attempt[1],
            Integer.parseInt(attempt[2]),
            status(forger.finalResponse(callId, "INVITE", ANSWER)));
      }
    }
    Await.until(
        "nobody in either roster",
        Duration.ofSeconds(10),
        () -> alice.retrieve(confirmed) + alice.retrieve(denying),
        body -> !body.contains("<info:endpoint"));
  }

  /**
   * Without trusted proxies, an asserted identity from anyone is removed as the request arrives: a
   * stranger's MESSAGE to a registered phone reaches it through the registrar's proxy without the
   * P-Asserted-Identity and P-Preferred-Identity it carried (RFC 3325: no trust domain here).
   */
  @Test
  public void anAssertedIdentityFromAStrangerNeverReachesAPhone() throws Exception {
    try (SipClient phone = new SipClient(sipPort);
        SipClient stranger = new SipClient(sipPort)) {
      registerBob(phone);
      String message = "pai-" + System.nanoTime();
      stranger.send(
          stranger
              .request("MESSAGE", "sip:bob@" + DOMAIN)
              .header("From", "<sip:mallory@evil.example>;tag=m9")
              .header("To", "<sip:bob@" + DOMAIN + ">")
              .header("Call-ID", message)
              .header("CSeq", "1 MESSAGE")
              .header("P-Asserted-Identity", "<sip:alice@" + DOMAIN + ">")
              .header("P-Preferred-Identity", "<sip:alice@" + DOMAIN + ">")
              .body("text/plain", "it is me, alice"));
      String delivered = phone.request("MESSAGE", ANSWER);
      assertTrue("the MESSAGE reached bob's phone", delivered != null);
      assertTrue(delivered, delivered.contains("it is me, alice"));
      assertEquals(delivered, "", header(delivered, "P-Asserted-Identity"));
      assertEquals(delivered, "", header(delivered, "P-Preferred-Identity"));
    }
  }

  /** bob's phone registers its address with the registrar, answering the Digest challenge. */
  private static void registerBob(SipClient phone) throws Exception {
    String registration = "register-" + System.nanoTime();
    String registrar = "sip:" + DOMAIN;
    phone.send(bobsRegister(phone, registration, 1, null));
    String challenge = phone.finalResponse(registration, "REGISTER", ANSWER);
    assertEquals(401, status(challenge));
    phone.send(
        bobsRegister(
            phone,
            registration,
            2,
            Digest.answer(
                header(challenge, "WWW-Authenticate"),
                "REGISTER",
                registrar,
                "bob",
                "builder",
                1)));
    assertEquals(200, status(phone.finalResponse(registration, "REGISTER", ANSWER)));
  }

  private static SipClient.Message bobsRegister(
      SipClient phone, String callId, int sequence, String credentials) {
    SipClient.Message register =
        phone
            .request("REGISTER", "sip:" + DOMAIN)
            .header("From", "<sip:bob@" + DOMAIN + ">;tag=r1")
            .header("To", "<sip:bob@" + DOMAIN + ">")
            .header("Call-ID", callId)
            .header("CSeq", sequence + " REGISTER")
            .header("Contact", "<sip:bob@127.0.0.1:" + phone.port() + ">")
            .header("Expires", "600");
    return credentials == null ? register : register.header("Authorization", credentials);
  }

  // ----- replaying credentials -----

  /** A captured Authorization header is good once: its replay is challenged again as stale. */
  @Test
  public void aReplayedDigestIsRefused() throws Exception {
    String authenticating =
        alice.created(
            "<info:users><xcon:join-handling>authenticate</xcon:join-handling></info:users>");
    try (SipClient phone = new SipClient(sipPort);
        SipClient replayer = new SipClient(sipPort)) {
      String registration = "register-" + System.nanoTime();
      String registrar = "sip:" + DOMAIN;
      phone.send(bobsRegister(phone, registration, 1, null));
      String challenge = phone.finalResponse(registration, "REGISTER", ANSWER);
      assertEquals(401, status(challenge));
      String credentials =
          Digest.answer(
              header(challenge, "WWW-Authenticate"), "REGISTER", registrar, "bob", "builder", 1);
      phone.send(bobsRegister(phone, registration, 2, credentials));
      assertEquals(200, status(phone.finalResponse(registration, "REGISTER", ANSWER)));
      String hijack = "register-replayed-" + System.nanoTime();
      replayer.send(
          replayer
              .request("REGISTER", registrar)
              .header("From", "<sip:bob@" + DOMAIN + ">;tag=r2")
              .header("To", "<sip:bob@" + DOMAIN + ">")
              .header("Call-ID", hijack)
              .header("CSeq", "1 REGISTER")
              .header("Contact", "<sip:bob@127.0.0.1:" + replayer.port() + ">")
              .header("Expires", "600")
              .header("Authorization", credentials));
      String replayed = replayer.finalResponse(hijack, "REGISTER", ANSWER);
      assertEquals(replayed, 401, status(replayed));
      assertTrue(replayed, header(replayed, "WWW-Authenticate").contains("stale=true"));

      SipCall call =
          SipCall.authenticated(phone, sipUri(authenticating), DOMAIN, "alice", "secret");
      assertEquals(200, call.hangUp());
      String again = "invite-replayed-" + System.nanoTime();
      replayer.send(
          invite(replayer, authenticating, again, "sip:alice@" + DOMAIN)
              .header("Authorization", call.credentials));
      String refused = replayer.finalResponse(again, "INVITE", ANSWER);
      assertEquals(refused, 401, status(refused));
      assertTrue(refused, header(refused, "WWW-Authenticate").contains("stale=true"));
    }
    Await.until(
        "nobody in the roster",
        Duration.ofSeconds(10),
        () -> alice.retrieve(authenticating),
        body -> !body.contains("<info:status>connected</info:status>"));
  }

  // ----- subscriptions -----

  /**
   * Subscriptions are their dialogs: a stranger's SUBSCRIBE with a watcher's Call-ID ends nothing
   * of the watcher's. One source gets {@link #SUBSCRIPTIONS_PER_SOURCE} at most, and a watcher that
   * is not a manager never sees the calls' dialog identifiers.
   */
  @Test
  public void subscriptionsAreTheirDialogsBoundedPerSourceAndWithoutDialogIdentifiers()
      throws Exception {
    String conference = alice.create();
    try (SipClient participant = new SipClient(sipPort);
        SipClient watcher = new SipClient(sipPort);
        SipClient attacker = new SipClient(sipPort)) {
      SipCall call = SipCall.anonymous(participant, sipUri(conference), "sip:talker@nice.example");
      participant.talkTo(call.mediaPort);
      String watching = "watch-" + System.nanoTime();
      Subscription subscription = Subscription.open(watcher, conference, watching);
      assertFalse(
          "no dialog identifiers for a watcher: " + subscription.firstNotify,
          subscription.firstNotify.contains(call.callId));
      assertTrue(subscription.firstNotify, subscription.firstNotify.contains("talker"));

      attacker.send(
          attacker
              .request("SUBSCRIBE", sipUri(conference))
              .header("From", "<sip:mallory@evil.example>;tag=stolen")
              .header("To", "<" + sipUri(conference) + ">")
              .header("Call-ID", watching)
              .header("CSeq", "7 SUBSCRIBE")
              .header("Contact", "<sip:mallory@127.0.0.1:" + attacker.port() + ">")
              .header("Event", "conference")
              .header("Expires", "0"));
      assertEquals(200, status(attacker.finalResponse(watching, "SUBSCRIBE", ANSWER)));
      rename(conference, "Renamed once");
      assertTrue(
          "the watcher still hears of changes",
          subscription.awaitNotifyContaining("Renamed once", Duration.ofSeconds(10)));

      List<Subscribed> accepted = new ArrayList<>();
      int refused = 0;
      for (int i = 0; i < 2 * SUBSCRIPTIONS_PER_SOURCE; i++) {
        String callId = "flood-" + i + "-" + System.nanoTime();
        attacker.send(subscribe(attacker, conference, callId, "f" + i, 600));
        String answer = attacker.finalResponse(callId, "SUBSCRIBE", ANSWER);
        if (status(answer) == 200) {
          accepted.add(new Subscribed(callId, "f" + i, tag(header(answer, "To"))));
        } else if (status(answer) == 503) {
          refused++;
        } else {
          throw new AssertionError("SUBSCRIBE " + i + " got " + answer);
        }
      }
      // The watcher holds one from the same address (and other tests' may still be ending).
      assertTrue(
          "from one address at most " + SUBSCRIPTIONS_PER_SOURCE + ": " + accepted.size(),
          !accepted.isEmpty() && accepted.size() < SUBSCRIPTIONS_PER_SOURCE);
      assertEquals(2 * SUBSCRIPTIONS_PER_SOURCE - accepted.size(), refused);
      rename(conference, "Renamed twice");
      assertTrue(
          "the watcher is notified through the flood",
          subscription.awaitNotifyContaining("Renamed twice", Duration.ofSeconds(10)));
      for (Subscribed flooded : accepted) {
        unsubscribe(attacker, conference, flooded);
      }
      subscription.close();
      assertEquals(200, call.hangUp());
    }
  }

  /**
   * Watchers whose Contact leads nowhere (a TCP address that never completes a connection, as a
   * phone behind NAT may name, or an attacker on purpose), more of them than the threads that send
   * NOTIFYs, hold up nobody: an honest watcher hears of a change at once.
   */
  @Test
  public void watchersThatLeadNowhereHoldUpNoOtherWatcher() throws Exception {
    String conference = alice.create();
    List<ServerSocket> tarpits = new ArrayList<>();
    List<Socket> queued = new ArrayList<>();
    try (SipClient watcher = new SipClient(sipPort);
        SipClient attacker = new SipClient(sipPort)) {
      Subscription honest = Subscription.open(watcher, conference, "honest-" + System.nanoTime());
      List<Subscribed> nowhere = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ServerSocket tarpit = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        tarpits.add(tarpit);
        fillAcceptQueue(tarpit, queued);
        String callId = "nowhere-" + i + "-" + System.nanoTime();
        attacker.send(
            subscribe(attacker, conference, callId, "n" + i, 600)
                .replace(
                    "Contact",
                    "<sip:watcher@127.0.0.1:" + tarpit.getLocalPort() + ";transport=tcp>"));
        String answer = attacker.finalResponse(callId, "SUBSCRIBE", ANSWER);
        assertEquals(answer, 200, status(answer));
        nowhere.add(new Subscribed(callId, "n" + i, tag(header(answer, "To"))));
      }
      rename(conference, "Renamed past the tarpits");
      assertTrue(
          "the honest watcher is notified at once",
          honest.awaitNotifyContaining("Renamed past the tarpits", Duration.ofSeconds(3)));
      for (Subscribed subscription : nowhere) {
        unsubscribe(attacker, conference, subscription);
      }
      honest.close();
    } finally {
      for (Socket socket : queued) {
        socket.close();
      }
      for (ServerSocket tarpit : tarpits) {
        tarpit.close();
      }
    }
  }

  /**
   * Connects to a listener that never accepts until its queue is full: from then on the kernel
   * drops connection attempts, and a connect to it waits for nothing.
   */
  private static void fillAcceptQueue(ServerSocket tarpit, List<Socket> queued) throws IOException {
    for (int i = 0; i < 8; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(tarpit.getLocalSocketAddress(), 300);
        queued.add(socket);
      } catch (SocketTimeoutException full) {
        socket.close();
        return;
      }
    }
    throw new AssertionError("the listener's queue never filled");
  }

  /** A manager watching over SIP, having proved it, sees the dialogs' identifiers. */
  @Test
  public void aManagerWatchingSeesTheDialogIdentifiers() throws Exception {
    String conference = alice.create();
    try (SipClient participant = new SipClient(sipPort);
        SipClient manager = new SipClient(sipPort)) {
      SipCall call = SipCall.anonymous(participant, sipUri(conference), "sip:talker@nice.example");
      participant.talkTo(call.mediaPort);
      String watching = "manager-" + System.nanoTime();
      manager.send(
          subscribe(manager, conference, watching, "alice", 600, "sip:alice@" + DOMAIN, 1));
      String challenge = manager.finalResponse(watching, "SUBSCRIBE", ANSWER);
      assertEquals("a From of this domain must be proved", 401, status(challenge));
      manager.send(
          subscribe(manager, conference, watching, "alice", 600, "sip:alice@" + DOMAIN, 2)
              .header(
                  "Authorization",
                  Digest.answer(
                      header(challenge, "WWW-Authenticate"),
                      "SUBSCRIBE",
                      sipUri(conference),
                      "alice",
                      "secret",
                      1)));
      assertEquals(200, status(manager.finalResponse(watching, "SUBSCRIBE", ANSWER)));
      String notify = manager.request("NOTIFY", ANSWER);
      assertNotNull(notify);
      manager.ok(notify);
      assertTrue(notify, notify.contains(call.callId));
      assertEquals(200, call.hangUp());
    }
  }

  // ----- whom the focus calls -----

  /**
   * Telephone numbers at other domains and tel: URIs are not called: the roster says why. A REFER
   * for one is refused.
   */
  @Test
  public void theDialOutPolicyRefusesNumbersAbroadAndTelUris() throws Exception {
    int uasPort = FreePorts.next();
    try (Sipp callee = Sipp.answer(work.resolve("policy"), uasPort, FreePorts.next() & ~1)) {
      String allowed = "sip:uas@127.0.0.1:" + uasPort;
      String conference =
          alice.created(
              "<info:users><info:user entity=\""
                  + ALICE
                  + "\"><xcon:allow-invite-users-dynamically>true"
                  + "</xcon:allow-invite-users-dynamically></info:user>"
                  + "<xcon:allowed-users-list>"
                  + "<xcon:target uri=\"tel:+4930123456\" method=\"dial-out\"/>"
                  + "<xcon:target uri=\"sip:+4930123457@gateway.example\" method=\"dial-out\"/>"
                  + "<xcon:target uri=\""
                  + allowed
                  + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      String roster =
          Await.until(
              "the allowed target connected, the others refused",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body ->
                  body.contains("<info:status>connected</info:status>")
                      && body.split("403 dial-out policy", -1).length == 3);
      assertTrue(roster, roster.contains("<info:endpoint entity=\"tel:+4930123456\">"));
      try (SipClient referrer = new SipClient(sipPort)) {
        String callId = "refer-" + System.nanoTime();
        SipClient.Message refer =
            referrer
                .request("REFER", sipUri(conference))
                .header("From", "<sip:alice@" + DOMAIN + ">;tag=ref")
                .header("To", "<" + sipUri(conference) + ">")
                .header("Call-ID", callId)
                .header("CSeq", "1 REFER")
                .header("Contact", "<sip:alice@127.0.0.1:" + referrer.port() + ">")
                .header("Refer-To", "<sip:+4930999999@gateway.example>");
        referrer.send(refer);
        String challenge = referrer.finalResponse(callId, "REFER", ANSWER);
        assertEquals(401, status(challenge));
        referrer.send(
            referrer
                .request("REFER", sipUri(conference))
                .header("From", "<sip:alice@" + DOMAIN + ">;tag=ref")
                .header("To", "<" + sipUri(conference) + ">")
                .header("Call-ID", callId)
                .header("CSeq", "2 REFER")
                .header("Contact", "<sip:alice@127.0.0.1:" + referrer.port() + ">")
                .header("Refer-To", "<sip:+4930999999@gateway.example>")
                .header(
                    "Authorization",
                    Digest.answer(
                        header(challenge, "WWW-Authenticate"),
                        "REFER",
                        sipUri(conference),
                        "alice",
                        "secret",
                        1)));
        String refused = referrer.finalResponse(callId, "REFER", ANSWER);
        assertEquals(refused, 403, status(refused));
      }
      assertEquals(200, CcmpHttp.responseCode(alice.delete(conference)));
      assertEquals("the callee got its BYE: " + callee.log(), 0, callee.await(30));
    }
  }

  // ----- a restart -----

  /**
   * Calls do not outlive the process that had them: after a restart the roster shows none
   * connected; callers the focus added are gone, listed users are disconnected with the reason.
   */
  @Test
  public void aRestartLeavesNoCallConnectedInTheRoster() throws Exception {
    String conference = alice.create();
    try (SipClient stranger = new SipClient(sipPort);
        SipClient owner = new SipClient(sipPort)) {
      SipCall anonymous =
          SipCall.anonymous(stranger, sipUri(conference), "sip:passerby@nice.example");
      stranger.talkTo(anonymous.mediaPort);
      SipCall organizer =
          SipCall.authenticated(owner, sipUri(conference), DOMAIN, "alice", "secret");
      owner.talkTo(organizer.mediaPort);
      Await.until(
          "both connected",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> body.split("<info:status>connected</info:status>", -1).length == 3);
      server.stop();
      server.start();
    }
    String roster =
        Await.until(
            "the lost calls out of the roster",
            Duration.ofSeconds(20),
            () -> alice.retrieve(conference),
            body -> !body.contains("<info:status>connected</info:status>"));
    assertFalse(roster, roster.contains("passerby"));
    assertTrue(roster, roster.contains("the call was lost when the focus restarted"));
    assertTrue(roster, roster.contains("<info:endpoint entity=\"sip:alice@" + DOMAIN));
  }

  // ----- helpers -----

  private static String sipUri(String conference) {
    return "sip:" + Conferences.idOf(conference) + "@" + DOMAIN;
  }

  private static SipClient.Message invite(
      SipClient client, String conference, String callId, String from) {
    return client
        .request("INVITE", sipUri(conference))
        .header("From", "<" + from + ">;tag=" + Long.toHexString(System.nanoTime()))
        .header("To", "<" + sipUri(conference) + ">")
        .header("Call-ID", callId)
        .header("CSeq", "1 INVITE")
        .header("Contact", "<sip:caller@127.0.0.1:" + client.port() + ">")
        .body("application/sdp", client.offer());
  }

  private static SipClient.Message subscribe(
      SipClient client, String conference, String callId, String tag, int expires) {
    return subscribe(client, conference, callId, tag, expires, "sip:watcher@nice.example", 1);
  }

  private static SipClient.Message subscribe(
      SipClient client,
      String conference,
      String callId,
      String tag,
      int expires,
      String from,
      int cseq) {
    return client
        .request("SUBSCRIBE", sipUri(conference))
        .header("From", "<" + from + ">;tag=" + tag)
        .header("To", "<" + sipUri(conference) + ">")
        .header("Call-ID", callId)
        .header("CSeq", cseq + " SUBSCRIBE")
        .header("Contact", "<sip:watcher@127.0.0.1:" + client.port() + ">")
        .header("Event", "conference")
        .header("Expires", String.valueOf(expires));
  }

  /** A subscription of the helpers' watcher, by its dialog. */
  private record Subscribed(String callId, String fromTag, String toTag) {}

  /** Ends a subscription within its dialog ({@code Expires: 0}). */
  private static void unsubscribe(SipClient client, String conference, Subscribed subscription)
      throws IOException {
    client.send(
        client
            .request("SUBSCRIBE", sipUri(conference))
            .header("From", "<sip:watcher@nice.example>;tag=" + subscription.fromTag())
            .header("To", "<" + sipUri(conference) + ">;tag=" + subscription.toTag())
            .header("Call-ID", subscription.callId())
            .header("CSeq", "2 SUBSCRIBE")
            .header("Event", "conference")
            .header("Expires", "0"));
  }

  private static void rename(String conference, String name) throws Exception {
    String updated =
        alice.ccmp(
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                + conference
                + "\"><info:conference-description><info:display-text>"
                + name
                + "</info:display-text></info:conference-description></confInfo>"
                + "</ccmp:confRequest>");
    assertEquals(updated, 200, CcmpHttp.responseCode(updated));
  }

  /** UDP sockets bound in the mixer's RTP port range, as the kernel lists them. */
  private static int rtpSocketsInUse() throws IOException {
    int count = 0;
    for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 2 || !fields[1].contains(":")) {
          continue;
        }
        int port = Integer.parseInt(fields[1].substring(fields[1].lastIndexOf(':') + 1), 16);
        if (port >= RTP_MIN && port <= RTP_MAX) {
          count++;
        }
      }
    }
    return count;
  }

  /** A watcher's subscription: SUBSCRIBE, 200, the first NOTIFY; NOTIFYs answered. */
  private static final class Subscription implements AutoCloseable {
    final SipClient client;
    final String conference;
    final String callId;
    String toTag;
    String firstNotify;

    private Subscription(SipClient client, String conference, String callId) {
      this.client = client;
      this.conference = conference;
      this.callId = callId;
    }

    static Subscription open(SipClient client, String conference, String callId) throws Exception {
      Subscription subscription = new Subscription(client, conference, callId);
      client.send(subscribe(client, conference, callId, "w1", 600));
      String ok = client.finalResponse(callId, "SUBSCRIBE", ANSWER);
      assertEquals(ok, 200, status(ok));
      subscription.toTag = tag(header(ok, "To"));
      subscription.firstNotify = client.request("NOTIFY", ANSWER);
      assertNotNull("the first NOTIFY", subscription.firstNotify);
      client.ok(subscription.firstNotify);
      return subscription;
    }

    /** Whether a NOTIFY of this subscription carrying {@code text} comes in time. */
    boolean awaitNotifyContaining(String text, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String notify = client.request("NOTIFY", Duration.ofNanos(deadline - System.nanoTime()));
        if (notify == null) {
          return false;
        }
        client.ok(notify);
        if (callId.equals(header(notify, "Call-ID")) && notify.contains(text)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      unsubscribe(client, conference, new Subscribed(callId, "w1", toTag));
    }
  }
}
