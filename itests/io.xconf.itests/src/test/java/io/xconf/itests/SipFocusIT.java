package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.RtpCapture;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.TlsPeer;
import io.xconf.itests.support.XconfSchemasCheck;
import io.xconf.itests.support.XconfServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The SIP focus of the packed distribution with real SIP peers: sipp callers dial conference URIs;
 * what they send and get back is checked on the wire with tshark.
 */
public class SipFocusIT {

  private static final String DOMAIN = "focus.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final int RTP_MIN = 46000 + (int) (ProcessHandle.current().pid() % 20) * 100;
  private static XconfServer server;
  private static Conferences alice;
  private static int sipPort;
  private static Path work;
  private static int tlsPort;
  private static Path tlsCertificate;
  private static Path peerCertificate;
  private static Path peerKey;

  @BeforeClass
  public static void startServer() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    Sipp.requireCommand("tshark", "tshark");
    work = Path.of(System.getProperty("xconf.work"), "servers", "focus");
    Path keyStore = tlsKeyStore(work.resolve("tls"));
    tlsPort = FreePorts.next();
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(RTP_MIN))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(RTP_MIN + 99))
            // Low enough for the flood test to meet it, high enough for every other test here.
            .withEnvironment("XCONF_SIP_MAX_NEW_PER_SECOND", "20")
            // sipp answers MD5 challenges only, and gives up on a SHA-256 one listed first.
            .withEnvironment("XCONF_SIP_DIGEST_ALGORITHMS", "MD5")
            .withEnvironment("XCONF_SIP_TLS_PORT", String.valueOf(tlsPort))
            .withEnvironment("XCONF_SIP_TLS_KEYSTORE", keyStore.toString())
            .withEnvironment("XCONF_SIP_TLS_KEYSTORE_PASSWORD", "tls-secret")
            .withEnvironment(
                "XCONF_SIP_TLS_TRUSTSTORE", keyStore.resolveSibling("trust.p12").toString())
            .withEnvironment("XCONF_SIP_TLS_TRUSTSTORE_PASSWORD", "trust-secret");
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    assertEquals(0, server.user("add", "bob", "builder").exitCode());
    server.start();
    sipPort = server.sipPort();
    alice = new Conferences(server.ccmp().withDigest("alice", "secret"), ALICE, DOMAIN);
  }

  /** A key and certificate for 127.0.0.1 made with the JDK's keytool; its PEM beside. */
  private static Path tlsKeyStore(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path keyStore = dir.resolve("focus.p12");
    Files.deleteIfExists(keyStore);
    tlsCertificate = dir.resolve("focus.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "focus",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "san=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        "tls-secret");
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "focus",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        "tls-secret",
        "-file",
        tlsCertificate.toString());
    // A peer the focus calls over TLS, and the truststore in which the focus finds it.
    peerCertificate = dir.resolve("peer.pem");
    peerKey = dir.resolve("peer.key");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        peerKey.toString(),
        "-out",
        peerCertificate.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1");
    Path trustStore = dir.resolve("trust.p12");
    Files.deleteIfExists(trustStore);
    run(
        keytool,
        "-importcert",
        "-noprompt",
        "-alias",
        "peer",
        "-file",
        peerCertificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        trustStore.toString(),
        "-storepass",
        "trust-secret");
    return keyStore;
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(String.join(" ", command) + "\n" + output, 0, process.waitFor());
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  @Test
  public void aCallerDialsInShowsUpConnectedAndLeavesWithItsBye() throws Exception {
    dialInAndLeave("u1");
  }

  @Test
  public void aCallerDialsInOverTcpAndLeaves() throws Exception {
    dialInAndLeave("t1");
  }

  /** A sipp caller on sipp's {@code transport} (u1: UDP, t1: TCP). */
  private static void dialInAndLeave(String transport) throws Exception {
    String conference = alice.create();
    int media = FreePorts.next();
    try (Sipp caller =
        Sipp.call(
            work.resolve("dial-in-" + transport),
            "uac",
            sipPort,
            Conferences.idOf(conference),
            media,
            "-d",
            "4000",
            "-t",
            transport)) {
      String roster =
          Await.until(
              "the caller connected in the roster",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body -> body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:joining-method>dialed-in</info:joining-method>"));
      assertTrue(roster, roster.contains("<info:endpoint entity=\"sip:sipp@127.0.0.1:"));
      assertTrue(roster, roster.matches("(?s).*<info:call-id>[^<]+</info:call-id>.*"));
      assertTrue(
          roster, roster.matches("(?s).*<info:media id=\"1\"><info:type>audio</info:type>.*"));
      assertEquals(caller.log(), 0, caller.await(30));
    }
    String after =
        Await.until(
            "the caller gone after its BYE",
            Duration.ofSeconds(10),
            () -> alice.retrieve(conference),
            body -> !body.contains("<info:endpoint"));
    assertFalse(after, after.contains("sip:sipp@"));
  }

  /**
   * SIP over TLS with the configured keystore: openssl checks the focus's certificate, dials in,
   * gets a Record-Route that keeps the dialog on TLS, and leaves with its BYE.
   */
  @Test
  public void aCallerDialsInOverTlsAndLeaves() throws Exception {
    String conference = alice.create();
    String id = Conferences.idOf(conference);
    String requestUri = "sip:" + id + "@127.0.0.1:" + tlsPort + ";transport=tls";
    String dialog =
        "From: <sip:tls@127.0.0.1>;tag=tls1\n"
            + "Call-ID: tls-"
            + System.nanoTime()
            + "@127.0.0.1\n"
            + "Max-Forwards: 70\n";
    String sdp =
        "v=0\r\no=tls 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio "
            + evenFreePort()
            + " RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
    try (TlsPeer peer = TlsPeer.connect(tlsPort, tlsCertificate)) {
      peer.send(
          "INVITE "
              + requestUri
              + " SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls1\n"
              + dialog
              + "To: <sip:"
              + id
              + "@"
              + DOMAIN
              + ">\nCSeq: 1 INVITE\nContact: <sip:tls@127.0.0.1:5999;transport=tls>\n"
              + "Content-Type: application/sdp",
          sdp);
      String answered = peer.awaitReceived("the 200", r -> r.contains("SIP/2.0 200 OK"));
      assertTrue(answered, answered.contains("verify return:1"));
      assertTrue(answered, answered.contains(";isfocus"));
      assertTrue(
          answered,
          answered.matches(
              "(?s).*Record-Route: <sip:127.0.0.1:" + tlsPort + ";transport=tls;lr>.*"));
      java.util.regex.Matcher toTag =
          java.util.regex.Pattern.compile("To: [^\r\n]*;tag=([^;\r\n]+)").matcher(answered);
      assertTrue(answered, toTag.find());
      String to = "To: <sip:" + id + "@" + DOMAIN + ">;tag=" + toTag.group(1) + "\n";
      Await.until(
          "the TLS caller connected",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:endpoint entity=\"sip:tls@127.0.0.1\">"));
      peer.send(
          "ACK "
              + requestUri
              + " SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls2\n"
              + dialog
              + to
              + "CSeq: 1 ACK",
          "");
      peer.send(
          "BYE "
              + requestUri
              + " SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls3\n"
              + dialog
              + to
              + "CSeq: 2 BYE",
          "");
      peer.awaitReceived("the BYE's 200", r -> r.contains("CSeq: 2 BYE"));
    }
    Await.until(
        "the TLS caller gone",
        Duration.ofSeconds(10),
        () -> alice.retrieve(conference),
        body -> !body.contains("<info:endpoint"));
  }

  /** A dial-out target reached over TLS, its certificate found in the configured truststore. */
  @Test
  public void aDialOutTargetIsCalledOverTls() throws Exception {
    int peerPort = FreePorts.next();
    try (TlsPeer callee = TlsPeer.listen(peerPort, peerCertificate, peerKey)) {
      Thread.sleep(500); // openssl binds its port
      String target = "sip:tls@127.0.0.1:" + peerPort + ";transport=tls";
      String conference =
          CcmpHttp.field(
              alice.createWith(
                  "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                      + target
                      + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>"),
              "confObjID");
      String invite = callee.awaitReceived("the INVITE", r -> r.contains("\r\n\r\nv=0"));
      assertTrue(invite, invite.startsWith("INVITE sip:tls@127.0.0.1:" + peerPort));
      assertTrue(invite, invite.contains("Via: SIP/2.0/TLS 127.0.0.1:" + tlsPort));
      StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\n");
      for (String header : List.of("Via", "From", "Call-ID", "CSeq")) {
        java.util.regex.Matcher value =
            java.util.regex.Pattern.compile("(?m)^" + header + ": [^\r\n]*").matcher(invite);
        assertTrue(header + " in " + invite, value.find());
        ok.append(value.group()).append('\n');
      }
      java.util.regex.Matcher to =
          java.util.regex.Pattern.compile("(?m)^To: [^\r\n]*").matcher(invite);
      assertTrue(invite, to.find());
      ok.append(to.group())
          .append(";tag=tlspeer\nContact: <sip:tls@127.0.0.1:")
          .append(peerPort)
          .append(";transport=tls>\nContent-Type: application/sdp");
      callee.send(
          ok.toString(),
          "v=0\r\no=tls 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
              + "m=audio "
              + evenFreePort()
              + " RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n");
      callee.awaitReceived("the ACK", r -> r.contains("ACK sip:tls@127.0.0.1:" + peerPort));
      Await.until(
          "the TLS callee connected",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      String deleted = alice.delete(conference);
      assertEquals(deleted, 200, CcmpHttp.responseCode(deleted));
      callee.awaitReceived("the BYE", r -> r.contains("BYE sip:tls@127.0.0.1:" + peerPort));
    }
    // The same peer called as localhost: its certificate names 127.0.0.1 only, so no INVITE.
    int otherPort = FreePorts.next();
    try (TlsPeer impostor = TlsPeer.listen(otherPort, peerCertificate, peerKey)) {
      Thread.sleep(500);
      String target = "sip:tls@localhost:" + otherPort + ";transport=tls";
      String conference =
          CcmpHttp.field(
              alice.createWith(
                  "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                      + target
                      + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>"),
              "confObjID");
      String roster =
          Await.until(
              "the call to a misnamed peer failed",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body ->
                  body.contains("<info:disconnection-method>failed</info:disconnection-method>"));
      assertTrue(roster, roster.contains("does not name localhost"));
      assertFalse(impostor.received(), impostor.received().contains("INVITE"));
    }
  }

  @Test
  public void aDialOutTargetIsCalledAndGetsByeWhenTheConferenceIsDeleted() throws Exception {
    int uasPort = FreePorts.next();
    try (Sipp callee = Sipp.answer(work.resolve("dial-out"), uasPort, evenFreePort())) {
      Thread.sleep(500); // sipp binds its port
      String target = "sip:uas@127.0.0.1:" + uasPort;
      String created =
          alice.createWith(
              "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                  + target
                  + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      assertEquals(created, 200, CcmpHttp.responseCode(created));
      String conference = CcmpHttp.field(created, "confObjID");
      String roster =
          Await.until(
              "the dial-out target connected",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body ->
                  body.contains("<info:endpoint entity=\"" + target + "\">")
                      && body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:joining-method>dialed-out</info:joining-method>"));
      assertTrue(callee.log(), callee.isRunning());

      String deleted = alice.delete(conference);
      assertEquals(deleted, 200, CcmpHttp.responseCode(deleted));
      assertEquals("the callee got its BYE: " + callee.log(), 0, callee.await(30));
    }
  }

  /**
   * RFC 6503 section 5.3.6: a user who adds itself with an endpoint is called there. The organizer,
   * listed already, adds its phone; the focus calls it, as her call.
   */
  @Test
  public void anOrganizerWhoAddsItselfWithAnEndpointIsCalledThere() throws Exception {
    int uasPort = FreePorts.next();
    try (Sipp phone = Sipp.answer(work.resolve("self-join"), uasPort, evenFreePort())) {
      Thread.sleep(500); // sipp binds its port
      String conference = alice.create();
      String endpoint = "sip:alice@127.0.0.1:" + uasPort;
      String added =
          alice.ccmp(
              "user",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>create</operation><ccmp:userRequest><userInfo entity=\""
                  + ALICE
                  + "\"><info:endpoint entity=\""
                  + endpoint
                  + "\"/></userInfo></ccmp:userRequest>");
      assertEquals(added, 200, CcmpHttp.responseCode(added));
      String roster =
          Await.until(
              "alice's phone connected",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body ->
                  body.contains("<info:endpoint entity=\"" + endpoint + "\">")
                      && body.contains("<info:status>connected</info:status>"));
      String aliceUser = roster.substring(roster.indexOf("<info:user entity=\"" + ALICE + "\""));
      assertTrue(
          "the call is hers: " + roster,
          aliceUser.substring(0, aliceUser.indexOf("</info:user>")).contains(endpoint));
      assertEquals(200, CcmpHttp.responseCode(alice.delete(conference)));
      assertEquals("the phone got its BYE: " + phone.log(), 0, phone.await(30));
    }
  }

  /**
   * The standalone registrar: bob's phone registers with his account's Digest credentials, a call
   * to his address goes through the focus to the registered contact, and a conference that dials
   * out to sip:bob@domain reaches him there.
   */
  @Test
  public void aRegisteredAccountIsCalledThroughTheFocusAndDialledAtItsContact() throws Exception {
    int phonePort = FreePorts.next();
    Path dir = work.resolve("registrar");
    // bob's phone answers a call from another phone, then the conference's.
    try (Sipp phone = Sipp.answer(dir, phonePort, evenFreePort(), 2)) {
      try (Sipp register = registerBob(dir, phonePort, "bob", "builder")) {
        assertEquals(register.log(), 0, register.await(30));
      }
      try (Sipp intruder = registerBob(dir, FreePorts.next(), "alice", "secret")) {
        assertNotEquals("alice may not bind bob's address", 0, intruder.await(30));
        assertTrue(intruder.log(), intruder.log().contains("403"));
      }
      // A phone with the focus as its outbound proxy calls bob: INVITE, ACK and BYE go through it.
      try (Sipp caller =
          Sipp.call(
              dir.resolve("caller"),
              null,
              sipPort,
              "bob",
              FreePorts.next(),
              "-sf",
              scenario("uac-outbound-proxy.xml").toString())) {
        assertEquals("the call reached bob's phone: " + caller.log(), 0, caller.await(30));
      }
      try (Sipp nobody =
          Sipp.call(dir.resolve("caller"), "uac", sipPort, "alice", FreePorts.next())) {
        assertNotEquals(0, nobody.await(30));
        assertTrue("alice has no phone registered: " + nobody.log(), nobody.log().contains("480"));
      }
      String conference =
          CcmpHttp.field(
              alice.createWith(
                  "<info:users><xcon:allowed-users-list><xcon:target uri=\"sip:bob@"
                      + DOMAIN
                      + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>"),
              "confObjID");
      Await.until(
          "bob connected through his registration",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      String deleted = alice.delete(conference);
      assertEquals(deleted, 200, CcmpHttp.responseCode(deleted));
      assertEquals("bob's phone got its BYE: " + phone.log(), 0, phone.await(30));
    }
  }

  @Test
  public void aScheduledConferenceDialsOutAtItsStartAndHangsUpAtItsEnd() throws Exception {
    int uasPort = FreePorts.next();
    try (Sipp callee = Sipp.answer(work.resolve("scheduled"), uasPort, evenFreePort())) {
      String target = "sip:uas@127.0.0.1:" + uasPort;
      java.time.Instant start =
          java.time.Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      java.time.Instant end = start.plusSeconds(6);
      String dtstart =
          java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
              .withZone(java.time.ZoneOffset.UTC)
              .format(start);
      String created =
          alice.createWith(
              "<info:conference-description><xcon:conference-time><xcon:entry><xcon:base>"
                  + "BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\nBEGIN:VEVENT&#13;\nDTSTART:"
                  + dtstart
                  + "&#13;\nDURATION:PT6S&#13;\nEND:VEVENT&#13;\nEND:VCALENDAR&#13;\n"
                  + "</xcon:base></xcon:entry></xcon:conference-time></info:conference-description>"
                  + "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                  + target
                  + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      assertEquals(created, 200, CcmpHttp.responseCode(created));
      String conference = CcmpHttp.field(created, "confObjID");

      Thread.sleep(1500);
      assertFalse(
          "not called before its start", alice.retrieve(conference).contains("<info:endpoint"));
      Await.until(
          "the target connected after the start",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      assertFalse("called no earlier than DTSTART", java.time.Instant.now().isBefore(start));
      assertEquals("hung up at the end: " + callee.log(), 0, callee.await(30));
      assertFalse(
          "hung up no earlier than DTSTART + DURATION",
          java.time.Instant.now().isBefore(end.minusMillis(500)));
      String after =
          Await.until(
              "the call recorded as ended",
              Duration.ofSeconds(10),
              () -> alice.retrieve(conference),
              body ->
                  body.contains("<info:disconnection-method>booted</info:disconnection-method>"));
      assertTrue(after, after.contains("<info:status>disconnected</info:status>"));
    }
  }

  /** RFC 5545 RRULE: each occurrence calls the target at its start and hangs up at its end. */
  @Test
  public void aRecurringConferenceDialsOutAgainAtEachOccurrence() throws Exception {
    int uasPort = FreePorts.next();
    try (Sipp callee = Sipp.answer(work.resolve("recurring"), uasPort, evenFreePort(), 2)) {
      String target = "sip:uas@127.0.0.1:" + uasPort;
      java.time.Instant start =
          java.time.Instant.now().plusSeconds(4).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      String dtstart =
          java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
              .withZone(java.time.ZoneOffset.UTC)
              .format(start);
      String created =
          alice.createWith(
              "<info:conference-description><xcon:conference-time><xcon:entry><xcon:base>"
                  + "BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\nBEGIN:VEVENT&#13;\nDTSTART:"
                  + dtstart
                  + "&#13;\nDURATION:PT4S&#13;\nRRULE:FREQ=SECONDLY;INTERVAL=10;COUNT=2&#13;\n"
                  + "END:VEVENT&#13;\nEND:VCALENDAR&#13;\n"
                  + "</xcon:base></xcon:entry></xcon:conference-time></info:conference-description>"
                  + "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                  + target
                  + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      assertEquals(created, 200, CcmpHttp.responseCode(created));
      String conference = CcmpHttp.field(created, "confObjID");
      Await.until(
          "the first occurrence ended",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:disconnection-method>booted</info:disconnection-method>"));
      assertTrue("between occurrences: " + callee.log(), callee.isRunning());
      assertEquals("called and hung up twice: " + callee.log(), 0, callee.await(40));
      assertFalse(
          "the second call ended no earlier than its occurrence",
          java.time.Instant.now().isBefore(start.plusSeconds(14).minusMillis(500)));
    }
  }

  @Test
  public void anUnreachableDialOutTargetIsRecordedAsFailed() throws Exception {
    int nobody = FreePorts.next();
    String target = "sip:nobody@127.0.0.1:" + nobody + ";transport=tcp";
    String created =
        alice.createWith(
            "<info:users><xcon:allowed-users-list><xcon:target uri=\""
                + target
                + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
    String conference = CcmpHttp.field(created, "confObjID");
    // Nothing listens there: the TCP connection is refused and the call fails.
    String roster =
        Await.until(
            "the failed dial-out in the roster",
            Duration.ofSeconds(60),
            () -> alice.retrieve(conference),
            body -> body.contains("<info:disconnection-method>failed</info:disconnection-method>"));
    assertTrue(roster, roster.contains("<info:status>disconnected</info:status>"));
    assertTrue(
        roster,
        roster.matches(
            "(?s).*<info:disconnection-info><info:when>[^<]+</info:when><info:reason>\\d{3} [^<]*</info:reason>.*"));
  }

  @Test
  public void aWatcherGetsTheFullStateThenAPartialNotifyForACcmpRename() throws Exception {
    String conference = alice.create();
    String messages = watchARename(conference, "watcher", "application/conference-info+xml");
    String fullBody = notifyBody(messages, 0);
    XconfSchemasCheck.conferenceInfo(fullBody);
    assertTrue(fullBody, fullBody.contains("state=\"full\""));
    assertTrue(
        fullBody,
        fullBody.contains("entity=\"sip:" + Conferences.idOf(conference) + "@" + DOMAIN + "\""));
    String partialBody = notifyBody(messages, 1);
    XconfSchemasCheck.conferenceInfo(partialBody);
    assertTrue(partialBody, partialBody.contains("state=\"partial\""));
    assertTrue(partialBody, partialBody.contains("Renamed over CCMP"));
    assertEquals("versions go up by one per change", version(fullBody) + 1, version(partialBody));
  }

  /**
   * RFC 6502: a watcher that accepts the XCON formats gets the RFC 6501 document first, then an RFC
   * 5261 patch of the rename.
   */
  @Test
  public void anXconWatcherGetsTheDataModelThenAPatch() throws Exception {
    String conference = alice.create();
    String messages =
        watchARename(
            conference,
            "xcon-watcher",
            "application/xcon-conference-info+xml, application/xcon-conference-info-diff+xml");
    assertTrue(
        messages,
        messages.matches(
            "(?s).*Content-Type: application/xcon-conference-info\\+xml.*"
                + "Content-Type: application/xcon-conference-info-diff\\+xml.*"));
    String full = notifyBody(messages, 0);
    assertTrue(full, full.contains("entity=\"" + conference + "\""));
    assertTrue(full, full.contains("<users>") || full.contains("<users "));
    java.util.regex.Matcher patch =
        java.util.regex.Pattern.compile(
                "(<xcon:conference-info-diff\\b.*?</xcon:conference-info-diff>)",
                java.util.regex.Pattern.DOTALL)
            .matcher(messages);
    assertTrue(messages, patch.find());
    assertTrue(
        patch.group(1),
        patch.group(1).contains("<xcon:replace sel=\"/conference-info/conference-description\">"));
    assertTrue(patch.group(1), patch.group(1).contains("Renamed over CCMP"));
  }

  /**
   * A sipp watcher subscribes accepting {@code accept}, the conference is renamed over CCMP once
   * the first NOTIFY came, and the watcher unsubscribes after the next; its message log.
   */
  private static String watchARename(String conference, String name, String accept)
      throws Exception {
    Path dir = work.resolve(name);
    Files.createDirectories(dir);
    Path log = dir.resolve("messages.log");
    Files.deleteIfExists(log); // a message log of an earlier run
    try (Sipp watcher =
        Sipp.call(
            dir,
            null,
            sipPort,
            Conferences.idOf(conference),
            FreePorts.next(),
            "-sf",
            scenario("conference-watcher.xml").toString(),
            "-set",
            "accept",
            accept,
            "-trace_msg",
            "-message_file",
            log.toString())) {
      Await.until(
          "the first NOTIFY",
          Duration.ofSeconds(20),
          () -> Files.exists(log) ? Files.readString(log) : "",
          messages -> messages.contains("<conference-info"));
      String renamed =
          alice.ccmp(
              "conf",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                  + conference
                  + "\"><info:conference-description><info:display-text>Renamed over CCMP"
                  + "</info:display-text></info:conference-description></confInfo>"
                  + "</ccmp:confRequest>");
      assertEquals(renamed, 200, CcmpHttp.responseCode(renamed));
      assertEquals(
          "the watcher saw the change and unsubscribed: " + watcher.log(), 0, watcher.await(40));
      return Files.readString(log);
    }
  }

  private static String notifyBody(String messages, int index) {
    java.util.regex.Matcher bodies =
        java.util.regex.Pattern.compile(
                "(<conference-info\\b.*?</conference-info>)", java.util.regex.Pattern.DOTALL)
            .matcher(messages);
    for (int i = 0; i <= index; i++) {
      assertTrue("NOTIFY body " + index + " in " + messages, bodies.find());
    }
    return bodies.group(1);
  }

  private static int version(String body) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("version=\"(\\d+)\"").matcher(body);
    assertTrue(body, matcher.find());
    return Integer.parseInt(matcher.group(1));
  }

  @Test
  public void aConferenceGetsTheMixerItsDocumentNames() throws Exception {
    String created =
        alice.createWith(
            "<info:conference-description><xconf:mixer xmlns:xconf=\"urn:xconf:params:xml:ns:model\">"
                + "media-server-farm</xconf:mixer></info:conference-description>");
    assertEquals(created, 200, CcmpHttp.responseCode(created));
    String conference = CcmpHttp.field(created, "confObjID");
    // No mixer of that name is installed: the call is refused (503), nothing is half set up.
    try (Sipp caller =
        Sipp.call(
            work.resolve("no-mixer"),
            "uac",
            sipPort,
            Conferences.idOf(conference),
            FreePorts.next())) {
      assertNotEquals(caller.log(), 0, caller.await(30));
      assertTrue(caller.log(), caller.log().contains("503"));
    }
    assertFalse(alice.retrieve(conference).contains("<info:endpoint"));
  }

  @Test
  public void deniedCallersAndUnofferedJoinHandlingAreRefused() throws Exception {
    int callerPort = FreePorts.next();
    String denied =
        alice.createWith(
            "<info:users><xcon:deny-users-list><xcon:target uri=\"sip:sipp@127.0.0.1:"
                + callerPort
                + "\"/></xcon:deny-users-list></info:users>");
    String authenticated =
        alice.createWith(
            "<info:users><xcon:join-handling>directed-operator</xcon:join-handling></info:users>");
    for (String conference :
        List.of(CcmpHttp.field(denied, "confObjID"), CcmpHttp.field(authenticated, "confObjID"))) {
      try (Sipp caller =
          Sipp.call(
              work.resolve("refused"),
              "uac",
              sipPort,
              Conferences.idOf(conference),
              FreePorts.next(),
              "-p",
              String.valueOf(callerPort))) {
        assertNotEquals(caller.log(), 0, caller.await(30));
        assertTrue(caller.log(), caller.log().contains("403"));
      }
      assertFalse(alice.retrieve(conference).contains("<info:endpoint"));
    }
  }

  /**
   * join-handling confirm: callers ring on a waiting list, shown dialing-in, until a moderator
   * lists them over CCMP in allowed-users-list (they join) or deny-users-list (403). Callers that
   * proved nothing are let in by the user the roster shows them as (their From is only a claim); a
   * deny list refuses whatever the From says.
   */
  @Test
  public void aModeratorLetsOneWaitingCallerInAndDeniesAnother() throws Exception {
    String conference =
        CcmpHttp.field(
            alice.createWith(
                "<info:users><xcon:join-handling>confirm</xcon:join-handling></info:users>"),
            "confObjID");
    int welcomePort = FreePorts.next();
    int deniedPort = FreePorts.next();
    Path dir = work.resolve("confirm");
    try (Sipp welcome =
            Sipp.call(
                dir,
                "uac",
                sipPort,
                Conferences.idOf(conference),
                FreePorts.next(),
                "-p",
                String.valueOf(welcomePort),
                "-d",
                "2000");
        Sipp unwelcome =
            Sipp.call(
                dir,
                "uac",
                sipPort,
                Conferences.idOf(conference),
                FreePorts.next(),
                "-p",
                String.valueOf(deniedPort))) {
      String roster;
      try {
        roster =
            Await.until(
                "both callers waiting",
                Duration.ofSeconds(20),
                () -> alice.retrieve(conference),
                body -> body.split("<info:status>dialing-in</info:status>", -1).length == 3);
      } catch (AssertionError e) {
        // What each caller was answered tells why one is missing.
        throw new AssertionError(
            e.getMessage() + "\nwelcome:\n" + welcome.log() + "\nunwelcome:\n" + unwelcome.log(),
            e);
      }
      assertFalse(roster, roster.contains("connected"));
      moderate(
          conference, "allowed-users-list", entityAt(roster, "sip:sipp@127.0.0.1:" + welcomePort));
      Await.until(
          "the confirmed caller connected",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      assertEquals(welcome.log(), 0, welcome.await(30));
      assertTrue(unwelcome.log(), unwelcome.isRunning());
      moderate(conference, "deny-users-list", "sip:sipp@127.0.0.1:" + deniedPort);
      assertNotEquals(unwelcome.log(), 0, unwelcome.await(30));
      assertTrue(unwelcome.log(), unwelcome.log().contains("403"));
    }
    Await.until(
        "nobody left waiting or connected",
        Duration.ofSeconds(10),
        () -> alice.retrieve(conference),
        body -> !body.contains("<info:endpoint"));
  }

  /** A caller on the waiting list that hangs up while it rings: 200 to its CANCEL, 487. */
  @Test
  public void aWaitingCallerCancels() throws Exception {
    String conference =
        CcmpHttp.field(
            alice.createWith(
                "<info:users><xcon:join-handling>confirm</xcon:join-handling></info:users>"),
            "confObjID");
    try (Sipp caller =
        Sipp.call(
            work.resolve("cancel"),
            null,
            sipPort,
            Conferences.idOf(conference),
            FreePorts.next(),
            "-sf",
            scenario("uac-cancel.xml").toString())) {
      Await.until(
          "the caller waiting",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>dialing-in</info:status>"));
      assertEquals(caller.log(), 0, caller.await(30));
    }
    Await.until(
        "the caller off the waiting list",
        Duration.ofSeconds(10),
        () -> alice.retrieve(conference),
        body -> !body.contains("<info:endpoint"));
  }

  private static void moderate(String conference, String list, String address) throws Exception {
    String updated =
        alice.ccmp(
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                + conference
                + "\"><info:users><xcon:"
                + list
                + "><xcon:target uri=\""
                + address
                + "\" method=\"dial-in\"/></xcon:"
                + list
                + "></info:users></confInfo></ccmp:confRequest>");
    assertEquals(updated, 200, CcmpHttp.responseCode(updated));
  }

  /**
   * join-handling authenticate: the focus challenges with SIP Digest (the accounts' credentials, as
   * CCMP takes them), and the caller joins as its account's XCON-USERID. A closed conference
   * (user-admission-policy closedAuthenticated) admits only the authenticated allowed users.
   */
  @Test
  public void authenticatingConferencesTakeCallersWithTheirAccountsDigest() throws Exception {
    String open =
        CcmpHttp.field(
            alice.createWith(
                "<info:users><xcon:join-handling>authenticate</xcon:join-handling></info:users>"),
            "confObjID");
    String closed =
        CcmpHttp.field(
            alice.createWith(
                "<info:users><xcon:join-handling>allow</xcon:join-handling>"
                    + "<xcon:user-admission-policy>closedAuthenticated</xcon:user-admission-policy>"
                    + "<xcon:allowed-users-list><xcon:target uri=\"xcon-userid:bob@"
                    + DOMAIN
                    + "\" method=\"dial-in\"/></xcon:allowed-users-list></info:users>"),
            "confObjID");
    Path scenario = scenario("uac-digest.xml");
    try (Sipp caller =
        Sipp.call(
            work.resolve("digest"),
            null,
            sipPort,
            Conferences.idOf(open),
            FreePorts.next(),
            "-sf",
            scenario.toString(),
            "-au",
            "alice",
            "-ap",
            "secret",
            "-auth_uri",
            digestUri(open))) {
      String roster =
          Await.until(
              "alice connected in the roster",
              Duration.ofSeconds(20),
              () -> alice.retrieve(open),
              body -> body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:user entity=\"" + ALICE + "\""));
      assertEquals(caller.log(), 0, caller.await(30));
    }
    Path refusals = work.resolve("digest-refused");
    for (String[] attempt :
        List.of(
            new String[] {open, "alice", "wrong", "401"},
            new String[] {closed, "alice", "secret", "403"},
            new String[] {closed, "mallory", "secret", "401"})) {
      Path log = refusals.resolve(attempt[1] + "-" + attempt[3] + ".log");
      Files.deleteIfExists(log);
      try (Sipp caller =
          Sipp.call(
              refusals,
              null,
              sipPort,
              Conferences.idOf(attempt[0]),
              FreePorts.next(),
              "-sf",
              scenario.toString(),
              "-au",
              attempt[1],
              "-ap",
              attempt[2],
              "-auth_uri",
              digestUri(attempt[0]),
              "-trace_logs",
              "-log_file",
              log.toString())) {
        assertNotEquals(caller.log(), 0, caller.await(30));
        assertTrue(
            String.join(" ", attempt) + "\n" + caller.log(),
            Files.readString(log).contains("refused " + attempt[3]));
      }
    }
    try (Sipp bob =
        Sipp.call(
            work.resolve("digest-closed"),
            null,
            sipPort,
            Conferences.idOf(closed),
            FreePorts.next(),
            "-sf",
            scenario.toString(),
            "-au",
            "bob",
            "-ap",
            "builder",
            "-auth_uri",
            digestUri(closed))) {
      assertEquals(bob.log(), 0, bob.await(30));
    }
  }

  /**
   * RFC 4579 REFERs with the rights of RFC 6501: alice's user may have the focus call someone in
   * and hang up on them, bob's may not; the referrer hears how it went in message/sipfrag NOTIFYs.
   */
  @Test
  public void aReferCallsSomeoneInAndAReferWithByeHangsUpOnThem() throws Exception {
    String conference =
        CcmpHttp.field(
            alice.createWith(
                "<info:users><info:user entity=\""
                    + ALICE
                    + "\"><xcon:allow-refer-users-dynamically>true</xcon:allow-refer-users-dynamically>"
                    + "<xcon:allow-invite-users-dynamically>true"
                    + "</xcon:allow-invite-users-dynamically><xcon:allow-remove-users-dynamically>"
                    + "true</xcon:allow-remove-users-dynamically></info:user>"
                    + "<info:user entity=\"xcon-userid:bob@"
                    + DOMAIN
                    + "\"/></info:users>"),
            "confObjID");
    Path dir = work.resolve("refer");
    int uasPort = FreePorts.next();
    String target = "sip:uas@127.0.0.1:" + uasPort;
    try (Sipp invitee = Sipp.answer(dir, uasPort, evenFreePort())) {
      Thread.sleep(500); // sipp binds its port
      String bobsTry = refer(dir, conference, "bob", "builder", target);
      assertTrue(bobsTry, bobsTry.startsWith("exit 1") && bobsTry.contains("refused 403"));
      assertFalse(
          "bob's REFER called no one",
          alice.retrieve(conference).contains("<info:endpoint entity=\"" + target + "\">"));

      String invited = refer(dir, conference, "alice", "secret", target);
      assertTrue(invited, invited.startsWith("exit 0") && invited.contains("sipfrag SIP/2.0 100"));
      assertTrue(invited, invited.contains("sipfrag SIP/2.0 200"));
      String roster =
          Await.until(
              "the invitee connected",
              Duration.ofSeconds(10),
              () -> alice.retrieve(conference),
              body ->
                  body.contains("<info:endpoint entity=\"" + target + "\">")
                      && body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:joining-method>dialed-out</info:joining-method>"));
      assertFalse("a REFER leaves the lists alone", roster.contains("allowed-users-list"));
      assertTrue(invitee.log(), invitee.isRunning());

      String removed = refer(dir, conference, "alice", "secret", target + ";method=BYE");
      assertTrue(removed, removed.startsWith("exit 0") && removed.contains("sipfrag SIP/2.0 200"));
      assertEquals("the invitee got its BYE: " + invitee.log(), 0, invitee.await(30));
      String after =
          Await.until(
              "the invitee booted",
              Duration.ofSeconds(10),
              () -> alice.retrieve(conference),
              body -> body.contains("booted"));
      assertTrue(after, after.contains("removed by " + ALICE));
    }
    int referredPort = FreePorts.next();
    try (Sipp referred = Sipp.serve(dir, referredPort, scenario("referred.xml"))) {
      Thread.sleep(500);
      String asked =
          refer(
              dir,
              conference,
              "alice",
              "secret",
              "sip:carol@127.0.0.1:" + referredPort + ";method=REFER");
      assertTrue(asked, asked.startsWith("exit 0") && asked.contains("sipfrag SIP/2.0 202"));
      assertEquals(referred.log(), 0, referred.await(30));
      String logged = Files.readString(dir.resolve("referred-" + referredPort + "-logs.log"));
      assertTrue(
          logged,
          logged.contains("referred to sip:" + Conferences.idOf(conference) + "@" + DOMAIN));
    }
  }

  /**
   * A REFER cannot have the focus call someone the deny list names, whatever port, parameters or
   * case its Refer-To adds.
   */
  @Test
  public void aReferCannotCallInADeniedAddressUnderAnotherPort() throws Exception {
    String conference =
        CcmpHttp.field(
            alice.createWith(
                "<info:users><info:user entity=\""
                    + ALICE
                    + "\"><xcon:allow-invite-users-dynamically>true"
                    + "</xcon:allow-invite-users-dynamically></info:user><xcon:deny-users-list>"
                    + "<xcon:target uri=\"sip:mallory@127.0.0.1\"/></xcon:deny-users-list>"
                    + "</info:users>"),
            "confObjID");
    Path dir = work.resolve("refer-denied");
    int malloryPort = FreePorts.next();
    String refused =
        refer(
            dir,
            conference,
            "alice",
            "secret",
            "sip:mallory@127.0.0.1:" + malloryPort + ";transport=udp");
    assertTrue(refused, refused.startsWith("exit 1") && refused.contains("refused 403"));
    assertFalse(
        "nobody was called",
        alice.retrieve(conference).contains("<info:endpoint entity=\"sip:mallory@127.0.0.1"));
  }

  /** A REFER of {@code referTo} by an account; what the referrer logged. */
  private static String refer(
      Path dir, String conference, String account, String password, String referTo)
      throws Exception {
    Path log = dir.resolve("referrer-" + FreePorts.next() + ".log");
    try (Sipp referrer =
        Sipp.call(
            dir,
            null,
            sipPort,
            Conferences.idOf(conference),
            FreePorts.next(),
            "-sf",
            scenario("referrer.xml").toString(),
            "-set",
            "target",
            referTo,
            "-au",
            account,
            "-ap",
            password,
            "-auth_uri",
            digestUri(conference),
            "-trace_logs",
            "-log_file",
            log.toString())) {
      int exit = referrer.await(40);
      String logged = Files.exists(log) ? Files.readString(log) : "";
      return "exit " + exit + "\n" + logged + "\n" + referrer.log();
    }
  }

  /** A REGISTER of sip:bob@domain at 127.0.0.1:{@code contactPort}, signed by an account. */
  private static Sipp registerBob(Path dir, int contactPort, String account, String password)
      throws Exception {
    return Sipp.call(
        dir,
        null,
        sipPort,
        "bob",
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

  /** sipp signs sip:<remote address> unless told the request URI it uses. */
  private static String digestUri(String conference) {
    return Conferences.idOf(conference) + "@127.0.0.1:" + sipPort;
  }

  private static Path scenario(String name) throws Exception {
    Path file = work.resolve("scenarios").resolve(name);
    Files.createDirectories(file.getParent());
    try (var in = SipFocusIT.class.getResourceAsStream("/sipp/" + name)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  @Test
  public void aFloodOfCallsGets503WithRetryAfterAndEverythingElseGoesOn() throws Exception {
    String conference = alice.create();
    Path dir = work.resolve("flood");
    Path errors = dir.resolve("errors.log");
    Files.createDirectories(dir);
    Files.deleteIfExists(errors);
    // 200 calls/s for two seconds against a focus that starts 20 a second.
    try (Sipp flood =
        Sipp.call(
            dir,
            "uac",
            sipPort,
            Conferences.idOf(conference),
            FreePorts.next(),
            "-r",
            "200",
            "-m",
            "400",
            "-d",
            "200",
            "-l",
            "400",
            "-trace_err",
            "-error_file",
            errors.toString())) {
      assertNotEquals("some calls must be refused", 0, flood.await(60));
      String log = flood.log();
      assertTrue(log, Files.readString(errors).contains("SIP/2.0 503"));
      assertTrue(Files.readString(errors), Files.readString(errors).contains("Retry-After: 5"));
    }
    // CCMP kept serving, and once the flood is over a call gets through.
    assertEquals(200, CcmpHttp.responseCode(alice.retrieve(conference)));
    Thread.sleep(1500);
    try (Sipp caller =
        Sipp.call(
            work.resolve("after-flood"),
            "uac",
            sipPort,
            Conferences.idOf(conference),
            FreePorts.next())) {
      assertEquals(caller.log(), 0, caller.await(30));
    }
  }

  /**
   * Malformed SIP never reaches the focus half-parsed: the stack answers what it can with 400 or
   * drops it, and the focus goes on answering well-formed requests.
   */
  @Test
  public void malformedSipIsRefusedOrDroppedAndTheFocusServesOn() throws Exception {
    String conference = alice.create();
    try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, LOOPBACK)) {
      socket.setSoTimeout(2000);
      int port = socket.getLocalPort();
      String via = "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK";
      List<String> garbage =
          List.of(
              "\u0000\u0001\u0002 not SIP at all\r\n\r\n",
              "INVITE sip:" + Conferences.idOf(conference) + "@127.0.0.1 SIP/2.0\r\n\r\n",
              "INVITE sip:"
                  + Conferences.idOf(conference)
                  + "@127.0.0.1 SIP/2.0\r\n"
                  + via
                  + "bad1\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:y@127.0.0.1>\r\n"
                  + "Call-ID: bad1\r\nCSeq: not-a-number INVITE\r\nMax-Forwards: 70\r\n"
                  + "Content-Length: 0\r\n\r\n",
              "INVITE sip:"
                  + Conferences.idOf(conference)
                  + "@127.0.0.1 SIP/2.0\r\n"
                  + via
                  + "bad2\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:y@127.0.0.1>\r\n"
                  + "Call-ID: bad2\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                  + "Content-Type: application/sdp\r\nContent-Length: 4000\r\n\r\nv=0\r\n",
              "OPTIONS sip:"
                  + Conferences.idOf(conference)
                  + "@127.0.0.1 SIP/2.0\r\n"
                  + via
                  + "bad3\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:y@127.0.0.1>\r\n"
                  + "Call-ID: bad3\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n\r\n");
      for (String message : garbage) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        socket.send(new java.net.DatagramPacket(bytes, bytes.length, LOOPBACK, sipPort));
        String answer = receive(socket);
        assertTrue(
            "malformed SIP got " + answer, answer == null || answer.startsWith("SIP/2.0 400"));
      }
      String options =
          "OPTIONS sip:"
              + Conferences.idOf(conference)
              + "@127.0.0.1 SIP/2.0\r\n"
              + via
              + "good\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:y@127.0.0.1>\r\n"
              + "Call-ID: good\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
              + "Content-Length: 0\r\n\r\n";
      byte[] bytes = options.getBytes(StandardCharsets.ISO_8859_1);
      socket.send(new java.net.DatagramPacket(bytes, bytes.length, LOOPBACK, sipPort));
      String answer = receive(socket);
      assertTrue("a well-formed OPTIONS after the garbage: " + answer, answer != null);
      assertTrue(answer, answer.startsWith("SIP/2.0 200"));
    }
    assertFalse(alice.retrieve(conference).contains("<info:endpoint"));
  }

  private static final java.net.InetAddress LOOPBACK = java.net.InetAddress.getLoopbackAddress();

  /** The next datagram, or null when none comes within the socket's timeout. */
  private static String receive(java.net.DatagramSocket socket) throws Exception {
    byte[] buffer = new byte[65536];
    java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(packet);
      return new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketTimeoutException e) {
      return null;
    }
  }

  @Test
  public void anUnknownConferenceIsNotFound() throws Exception {
    try (Sipp caller =
        Sipp.call(work.resolve("unknown"), "uac", sipPort, "nosuchconference", FreePorts.next())) {
      assertNotEquals("the call must fail", 0, caller.await(30));
      assertTrue(caller.log(), caller.log().contains("404") || caller.log().contains("Unexpected"));
    }
  }

  /**
   * Two sipp callers play RFC-grade voice (the G.711 A-law sample of sip-tester) into one
   * conference. On the wire, each gets the other's voice from the mixer; once CCMP mutes the second
   * (RFC 6501: controls/mute under its media's AudioIn), the first gets silence while the second
   * still hears the first.
   */
  @Test
  public void twoCallersHearEachOtherAndACcmpMuteSilencesOne() throws Exception {
    String conference = alice.create();
    Path dir = work.resolve("media");
    Path pcaps = Files.createDirectories(dir.resolve("pcap"));
    for (String name : List.of("g711a.pcap", "dtmf_2833_1.pcap")) {
      Files.copy(
          Path.of("/usr/share/sip-tester", name),
          pcaps.resolve(name),
          StandardCopyOption.REPLACE_EXISTING);
    }
    try (RtpCapture capture = RtpCapture.from(dir, RTP_MIN, RTP_MIN + 99)) {
      int mediaA = evenFreePort();
      int mediaB = evenFreePort();
      try (Sipp a = Sipp.call(dir, "uac_pcap", sipPort, Conferences.idOf(conference), mediaA);
          Sipp b = Sipp.call(dir, "uac_pcap", sipPort, Conferences.idOf(conference), mediaB)) {
        String roster =
            Await.until(
                "both callers connected",
                Duration.ofSeconds(20),
                () -> alice.retrieve(conference),
                body -> count(body, "<info:status>connected</info:status>") == 2);
        Thread.sleep(2500);
        long muteAt = System.currentTimeMillis();
        String bEntity = entityAt(roster, b.address());
        String muted = muteEndpoint(conference, bEntity, b.address());
        assertEquals(muted, 200, CcmpHttp.responseCode(muted));
        Await.until(
            "the muted endpoint's status",
            Duration.ofSeconds(10),
            () -> alice.retrieve(conference),
            body -> body.contains("<info:status>muted-via-focus</info:status>"));
        assertEquals(a.log(), 0, a.await(60));
        assertEquals(b.log(), 0, b.await(60));

        Map<Integer, List<double[]>> levels = capture.levelsByDestination();
        assertTrue(
            "RTP from the mixer to both callers' media ports: " + levels.keySet(),
            levels.containsKey(mediaA) && levels.containsKey(mediaB));
        // Before the mute (from 1 s after the second caller's first packet until shortly before
        // it) both hear each other's voice.
        double bothIn = levels.get(mediaB).get(0)[0] + 1.0;
        double muteSeconds = muteAt / 1000.0;
        for (int port : List.of(mediaA, mediaB)) {
          double before = RtpCapture.rms(levels.get(port), bothIn, muteSeconds - 0.3);
          assertTrue("voice to port " + port + " before the mute, rms " + before, before > 300);
        }
        // After it, the muted caller's voice no longer reaches the other, who still reaches it.
        double toA = RtpCapture.rms(levels.get(mediaA), muteSeconds + 0.6, muteSeconds + 3.0);
        double toB = RtpCapture.rms(levels.get(mediaB), muteSeconds + 0.6, muteSeconds + 3.0);
        assertTrue("silence to the first caller after the mute, rms " + toA, toA < 50);
        assertTrue("voice to the muted caller after the mute, rms " + toB, toB > 300);
      }
    }
  }

  /**
   * Caller controls (RFC 4733 digits): a caller that keys *6 mutes itself, and unmutes itself with
   * *6 again; a caller a moderator muted over CCMP stays muted whatever it keys.
   */
  @Test
  public void starSixMutesAndUnmutesTheCallerButNotAgainstAModerator() throws Exception {
    String conference = alice.create();
    Path dir = work.resolve("star-six");
    Path pcaps = Files.createDirectories(dir.resolve("pcap"));
    for (String name : List.of("g711a.pcap", "dtmf_2833_star.pcap", "dtmf_2833_6.pcap")) {
      Files.copy(
          Path.of("/usr/share/sip-tester", name),
          pcaps.resolve(name),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path scenario = scenario("uac-star-six.xml");
    try (Sipp self =
            Sipp.call(
                dir,
                null,
                sipPort,
                Conferences.idOf(conference),
                evenFreePort(),
                "-sf",
                scenario.toString());
        Sipp moderated =
            Sipp.call(
                dir,
                null,
                sipPort,
                Conferences.idOf(conference),
                evenFreePort(),
                "-sf",
                scenario.toString())) {
      String roster =
          Await.until(
              "both callers connected",
              Duration.ofSeconds(20),
              () -> alice.retrieve(conference),
              body -> count(body, "<info:status>connected</info:status>") == 2);
      // The moderator mutes the second caller before either keys anything (8 s into its call).
      String muted =
          muteEndpoint(conference, entityAt(roster, moderated.address()), moderated.address());
      assertEquals(muted, 200, CcmpHttp.responseCode(muted));
      Await.until(
          "the first caller muted by its own *6",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> "muted-via-focus".equals(statusAt(body, self.address())));
      assertEquals(
          "the moderated caller's *6 changed nothing",
          "muted-via-focus",
          statusAt(alice.retrieve(conference), moderated.address()));
      Await.until(
          "the first caller unmuted by its second *6",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> "connected".equals(statusAt(body, self.address())));
      Thread.sleep(1000);
      assertEquals(
          "the moderated caller's second *6 changed nothing either",
          "muted-via-focus",
          statusAt(alice.retrieve(conference), moderated.address()));
      assertEquals(self.log(), 0, self.await(60));
      assertEquals(moderated.log(), 0, moderated.await(60));
    }
  }

  /** A moderator's (alice's) CCMP mute of one endpoint (RFC 6501 to-mixer AudioIn controls). */
  private static String muteEndpoint(String conference, String entity, String endpoint)
      throws Exception {
    return alice.ccmp(
        "conf",
        "<confObjID>"
            + conference
            + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
            + conference
            + "\"><info:users><info:user entity=\""
            + entity
            + "\"><info:endpoint entity=\""
            + endpoint
            + "\"><info:media id=\"1\"><xcon:to-mixer name=\"AudioIn\"><xcon:floor id=\"1\">false</xcon:floor>"
            + "<xcon:controls><xcon:mute>true</xcon:mute></xcon:controls></xcon:to-mixer>"
            + "</info:media></info:endpoint></info:user></info:users></confInfo></ccmp:confRequest>");
  }

  /** The status the roster gives the endpoint at this address. */
  private static String statusAt(String roster, String address) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile(
                "<info:endpoint entity=\""
                    + java.util.regex.Pattern.quote(address)
                    + "\">(?:(?!</info:endpoint>).)*?<info:status>([^<]*)</info:status>",
                java.util.regex.Pattern.DOTALL)
            .matcher(roster);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static int evenFreePort() {
    int port = FreePorts.next();
    return port % 2 == 0 ? port : FreePorts.next() & ~1;
  }

  /** The XCON-USERID the roster gives the caller at this address. */
  private static String entityAt(String roster, String address) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile(
                "<info:user entity=\"([^\"]+)\">(?:(?!</info:user>).)*?<info:endpoint entity=\""
                    + java.util.regex.Pattern.quote(address)
                    + "\"",
                java.util.regex.Pattern.DOTALL)
            .matcher(roster);
    assertTrue(address + " in " + roster, matcher.find());
    return matcher.group(1);
  }

  private static int count(String text, String what) {
    int count = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      count++;
    }
    return count;
  }
}
