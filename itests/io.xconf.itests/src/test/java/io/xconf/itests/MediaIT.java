package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.RtpCapture;
import io.xconf.itests.support.RtpPcap;
import io.xconf.itests.support.SipPhone;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import io.xconf.mixer.rtp.internal.TestCodecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The embedded mixer's media with real SIP peers: callers in Opus, G.722 and G.711, what they send
 * made by the test, what they get back captured on the wire and decoded here.
 */
public class MediaIT {

  private static final String DOMAIN = "media.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final int RTP_MIN = 44000 + (int) (ProcessHandle.current().pid() % 20) * 100;
  private static XconfServer server;
  private static Conferences alice;
  private static int sipPort;
  private static Path work;

  @BeforeClass
  public static void startServer() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    Sipp.requireCommand("tshark", "tshark");
    Sipp.requireCommand("baresip", "baresip");
    work = Path.of(System.getProperty("xconf.work"), "servers", "media");
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(RTP_MIN))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(RTP_MIN + 99))
            .withEnvironment("XCONF_SIP_DIGEST_ALGORITHMS", "MD5")
            // Three wrong PINs from this machine and it is done guessing (the PIN test's).
            .withEnvironment("XCONF_SIP_PIN_GUESSES_PER_HOUR", "3");
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    assertEquals(0, server.user("add", "bob", "builder").exitCode());
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
   * A sipp caller offering only Opus and one offering only G.722 are each answered with its codec,
   * and each hears the other's two tones, one of them above 4 kHz (which only a wideband path
   * carries), and not its own.
   */
  @Test
  public void anOpusCallerAndAG722CallerHearEachOtherInWideband() throws Exception {
    String conference = alice.create();
    Path opusDir = caller("opus", "opus", 600, 5000);
    Path g722Dir = caller("g722", "G722", 1100, 6000);
    try (RtpCapture capture = RtpCapture.from(work.resolve("wideband"), RTP_MIN, RTP_MIN + 99)) {
      int opusPort = evenFreePort();
      int g722Port = evenFreePort();
      try (Sipp opus = oneCodecCall(opusDir, conference, opusPort, "opus");
          Sipp g722 = oneCodecCall(g722Dir, conference, g722Port, "G722")) {
        assertEquals(opus.log(), 0, opus.await(60));
        assertEquals(g722.log(), 0, g722.await(60));
        assertTrue(answered(opusDir), answered(opusDir).contains("RTP/AVP 111 101"));
        assertTrue(answered(g722Dir), answered(g722Dir).contains("RTP/AVP 9 101"));
      }
      Map<Integer, List<RtpCapture.Packet>> packets = capture.packetsByDestination();
      short[] toOpus = heard(packets.get(opusPort), "opus", 111);
      short[] toG722 = heard(packets.get(g722Port), "G722", 9);
      assertHears(
          "the Opus caller", toOpus, 16000, new double[] {1100, 6000}, new double[] {600, 5000});
      assertHears(
          "the G.722 caller", toG722, 16000, new double[] {600, 5000}, new double[] {1100, 6000});
    }
  }

  /**
   * baresip dials in offering Opus only and is answered in Opus; a G.711 sipp caller in the same
   * conference hears baresip's tone, and baresip gets the sipp caller's voice.
   */
  @Test
  public void baresipDialsInWithOpus() throws Exception {
    String conference = alice.create();
    Path dir = work.resolve("baresip");
    Path pcaps = Files.createDirectories(dir.resolve("pcap"));
    // What sipp's uac_pcap scenario plays: voice, then a key.
    for (String name : List.of("g711a.pcap", "dtmf_2833_1.pcap")) {
      Files.copy(
          Path.of("/usr/share/sip-tester", name),
          pcaps.resolve(name),
          StandardCopyOption.REPLACE_EXISTING);
    }
    int baresipRtp = evenFreePort();
    int sippRtp = evenFreePort();
    String target = "sip:" + Conferences.idOf(conference) + "@127.0.0.1:" + sipPort;
    try (RtpCapture capture = RtpCapture.from(dir, RTP_MIN, RTP_MIN + 99);
        SipPhone baresip =
            SipPhone.baresipCallingInOpus(
                dir.resolve("phone"), "carol", FreePorts.next(), baresipRtp, target)) {
      Await.until(
          "baresip's call established",
          Duration.ofSeconds(20),
          baresip::output,
          out -> out.contains("Call established"));
      try (Sipp sipp = Sipp.call(dir, "uac_pcap", sipPort, Conferences.idOf(conference), sippRtp)) {
        assertEquals(sipp.log(), 0, sipp.await(60));
      }
      Map<Integer, List<RtpCapture.Packet>> packets = capture.packetsByDestination();
      List<RtpCapture.Packet> toBaresip = packets.get(baresipRtp);
      assertTrue(
          "RTP to baresip: " + packets.keySet(), toBaresip != null && toBaresip.size() > 200);
      int opus = toBaresip.get(0).payloadType();
      assertTrue(baresip.output(), baresip.output().contains("opus"));
      short[] heardByBaresip = heard(toBaresip, "opus", opus);
      double voice = TestCodecs.rms(heardByBaresip);
      assertTrue("the sipp caller's voice at baresip, rms " + voice, voice > 300);
      short[] heardBySipp = heard(packets.get(sippRtp), "PCMA", 8);
      double tone = TestCodecs.power(heardBySipp, 440, 8000);
      assertTrue("baresip's 440 Hz at the sipp caller: " + tone, tone > 1e5);
    }
  }

  /**
   * PIN entry (RFC 6501 section 4.2.6: a conference-password on the conference's SIP URI): a sipp
   * caller keys the right PIN with RFC 4733 packets and is let in, dialing-in until then; another
   * keys three wrong PINs, hears the prompts, and is hung up by the focus without ever having been
   * connected.
   */
  @Test
  public void theRightPinLetsACallerInAndThreeWrongOnesEndTheCall() throws Exception {
    String conference = alice.create();
    alice.protect(conference, "2468");
    Path dir = work.resolve("pin");
    Path pcaps = Files.createDirectories(dir.resolve("pcap"));
    for (String key : List.of("1", "2", "3", "4", "5", "6", "7", "8", "pound")) {
      Files.copy(
          Path.of("/usr/share/sip-tester/dtmf_2833_" + key + ".pcap"),
          pcaps.resolve("dtmf_2833_" + key + ".pcap"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path right = pinScenario(dir, "right", "2468#", false);
    Path wrong = pinScenario(dir, "wrong", "1357#1357#1357#", true);
    int rightPort = evenFreePort();
    int wrongPort = evenFreePort();
    String id = Conferences.idOf(conference);
    try (RtpCapture capture = RtpCapture.from(dir, RTP_MIN, RTP_MIN + 99);
        Sipp keysRight = Sipp.call(dir, null, sipPort, id, rightPort, "-sf", right.toString());
        Sipp keysWrong = Sipp.call(dir, null, sipPort, id, wrongPort, "-sf", wrong.toString())) {
      Await.until(
          "the callers dialing-in while they key",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference, "2468"),
          body ->
              "dialing-in".equals(statusAt(body, keysRight.address()))
                  && "dialing-in".equals(statusAt(body, keysWrong.address())));
      java.util.Set<String> wrongStatuses = new java.util.HashSet<>();
      String rightStatus = null;
      long deadline = System.currentTimeMillis() + 40_000;
      while (keysWrong.isRunning() && System.currentTimeMillis() < deadline) {
        String roster = alice.retrieve(conference, "2468");
        String status = statusAt(roster, keysWrong.address());
        if (status != null) {
          wrongStatuses.add(status);
        }
        if ("connected".equals(statusAt(roster, keysRight.address()))) {
          rightStatus = "connected";
        }
        Thread.sleep(100);
      }
      assertEquals(keysWrong.log(), 0, keysWrong.await(30));
      assertEquals(
          "the wrong caller never connected", java.util.Set.of("dialing-in"), wrongStatuses);
      // Its leaving is written after the BYE, which sipp may have answered a moment before.
      Await.until(
          "the wrong caller gone from the roster",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference, "2468"),
          body -> statusAt(body, keysWrong.address()) == null);
      assertEquals("the right caller let in", "connected", rightStatus);
      assertEquals(keysRight.log(), 0, keysRight.await(30));
      // The wrong caller heard the prompts, from its first seconds on.
      List<RtpCapture.Packet> toWrong = capture.packetsByDestination().get(wrongPort);
      assertTrue("RTP to the wrong caller", toWrong != null && toWrong.size() > 100);
      short[] prompt =
          TestCodecs.decode(
              "PCMA", toWrong.subList(0, 100).stream().map(RtpCapture.Packet::payload).toList());
      assertTrue("the PIN prompt, rms " + TestCodecs.rms(prompt), TestCodecs.rms(prompt) > 300);
      // ... and the goodbye in its last two seconds: the BYE waited for it.
      short[] goodbye =
          TestCodecs.decode(
              "PCMA",
              toWrong.subList(toWrong.size() - 100, toWrong.size()).stream()
                  .map(RtpCapture.Packet::payload)
                  .toList());
      assertTrue(
          "the goodbye prompt, rms " + TestCodecs.rms(goodbye), TestCodecs.rms(goodbye) > 300);
    }
    // Three wrong PINs were this address's allowance for the hour: its next call is refused.
    try (Sipp guessesAgain = Sipp.call(dir.resolve("again"), "uac", sipPort, id, evenFreePort())) {
      assertNotEquals("the call must fail", 0, guessesAgain.await(30));
      assertTrue(guessesAgain.log(), guessesAgain.log().contains("403"));
      assertEquals(
          "never in the roster",
          null,
          statusAt(alice.retrieve(conference, "2468"), guessesAgain.address()));
    }
  }

  /**
   * A sipp scenario offering PCMA and telephone-event: it waits while the prompt starts, keys
   * {@code keys} (one of sip-tester's RFC 4733 captures each), then hangs up, or waits for the
   * focus's BYE.
   */
  private static Path pinScenario(Path dir, String name, String keys, boolean hungUp)
      throws Exception {
    StringBuilder keying = new StringBuilder();
    for (int i = 0; i < keys.length(); i++) {
      char key = keys.charAt(i);
      String pcap = key == '#' ? "pound" : String.valueOf(key);
      keying.append("  <nop><action><exec play_pcap_audio=\"pcap/dtmf_2833_");
      keying.append(pcap).append(".pcap\"/></action></nop>\n");
      if (hungUp && i == keys.length() - 1) {
        break; // the focus's BYE may come at once: sipp must be waiting for it
      }
      keying.append("  <pause milliseconds=\"").append(key == '#' ? 3500 : 400).append("\"/>\n");
    }
    String ending =
        hungUp
            ? "  <recv request=\"BYE\" timeout=\"20000\"/>\n"
                + "  <send><![CDATA[\n"
                + "      SIP/2.0 200 OK\n"
                + "      [last_Via:]\n      [last_From:]\n      [last_To:]\n      [last_Call-ID:]\n"
                + "      [last_CSeq:]\n      Content-Length: 0\n    ]]></send>\n"
            : "  <pause milliseconds=\"3000\"/>\n"
                + "  <send retrans=\"500\"><![CDATA[\n"
                + "      BYE [next_url] SIP/2.0\n"
                + "      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
                + "      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]\n"
                + "      [last_To:]\n      [routes]\n      Call-ID: [call_id]\n      CSeq: 2 BYE\n"
                + "      Max-Forwards: 70\n      Content-Length: 0\n    ]]></send>\n"
                + "  <recv response=\"200\" crlf=\"true\"/>\n";
    String scenario =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
            + "<scenario name=\"uac keying a PIN\">\n"
            + "  <send retrans=\"500\"><![CDATA[\n"
            + "      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n"
            + "      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
            + "      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]\n"
            + "      To: <sip:[service]@[remote_ip]:[remote_port]>\n"
            + "      Call-ID: [call_id]\n      CSeq: 1 INVITE\n"
            + "      Contact: sip:sipp@[local_ip]:[local_port]\n      Max-Forwards: 70\n"
            + "      Content-Type: application/sdp\n      Content-Length: [len]\n\n"
            + "      v=0\n      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]\n"
            + "      s=-\n      c=IN IP[local_ip_type] [local_ip]\n      t=0 0\n"
            + "      m=audio [auto_media_port] RTP/AVP 8 101\n      a=rtpmap:8 PCMA/8000\n"
            + "      a=rtpmap:101 telephone-event/8000\n      a=fmtp:101 0-16\n"
            + "    ]]></send>\n"
            + "  <recv response=\"100\" optional=\"true\"/>\n"
            + "  <recv response=\"180\" optional=\"true\"/>\n"
            + "  <recv response=\"200\" rrs=\"true\"/>\n"
            + "  <send><![CDATA[\n"
            + "      ACK [next_url] SIP/2.0\n"
            + "      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
            + "      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]\n"
            + "      [last_To:]\n      [routes]\n      Call-ID: [call_id]\n      CSeq: 1 ACK\n"
            + "      Max-Forwards: 70\n      Content-Length: 0\n    ]]></send>\n"
            + "  <pause milliseconds=\"2000\"/>\n"
            + keying
            + ending
            + "</scenario>\n";
    Path file = dir.resolve("uac-pin-" + name + ".xml");
    Files.writeString(file, scenario);
    return file;
  }

  /** The status the roster gives the endpoint at this address, or null when it has none. */
  private static String statusAt(String roster, String address) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile(
                "<info:endpoint entity=\""
                    + java.util.regex.Pattern.quote(address)
                    + "\">(?:(?!</info:endpoint>).)*?<info:status>([^<]+)</info:status>",
                java.util.regex.Pattern.DOTALL)
            .matcher(roster);
    return matcher.find() ? matcher.group(1) : null;
  }

  /**
   * Recording (xconf:recording in conference-description): switched on and off by the organizer
   * over CCMP, it is listed in the conference with its uri, start and end, holds the caller's
   * audio, and is served over HTTPS to the organizer only: another account gets 404, no account
   * 401.
   */
  @Test
  public void aRecordingSwitchedOnAndOffOverCcmpIsListedHoldsTheAudioAndIsTheManagersOnly()
      throws Exception {
    String conference = alice.create();
    Path dir = caller("recorded", "opus", 600, 5000);
    int mediaPort = evenFreePort();
    try (RtpCapture capture = RtpCapture.from(dir, RTP_MIN, RTP_MIN + 99);
        Sipp opus = oneCodecCall(dir, conference, mediaPort, "opus")) {
      Await.until(
          "the caller connected",
          Duration.ofSeconds(20),
          () -> alice.retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      Thread.sleep(1000);
      double on = System.currentTimeMillis() / 1000.0;
      setRecording(conference, "on");
      Thread.sleep(4000);
      setRecording(conference, "off");
      String listed =
          Await.until(
              "the recording listed with its end",
              Duration.ofSeconds(10),
              () -> alice.retrieve(conference),
              body -> body.contains("<xconf:ended>"));
      java.util.regex.Matcher uri =
          java.util.regex.Pattern.compile("<xconf:uri>([^<]+)</xconf:uri>").matcher(listed);
      assertTrue(listed, uri.find());
      assertTrue(listed, listed.contains("<xconf:started>"));
      java.net.URI listedUri = java.net.URI.create(uri.group(1));
      assertEquals("https", listedUri.getScheme());
      // The certificate is for localhost: the listed path, fetched there.
      java.net.URI fetch =
          java.net.URI.create("https://localhost:" + server.httpsPort() + listedUri.getPath());
      java.net.http.HttpClient https = server.httpsClient();
      var asAlice =
          https.send(
              get(fetch, "alice:secret"), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, asAlice.statusCode());
      assertEquals("audio/wav", asAlice.headers().firstValue("Content-Type").orElse(""));
      short[] audio = TestCodecs.wav(asAlice.body());
      assertTrue(
          "about 4 s recorded: " + audio.length,
          audio.length > 16000 * 3 && audio.length < 16000 * 6);
      assertTrue(TestCodecs.power(audio, 600, 16000) > 1e5);
      assertTrue(TestCodecs.power(audio, 5000, 16000) > 1e5);
      assertEquals(
          404,
          https
              .send(get(fetch, "bob:builder"), java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode());
      assertEquals(
          401,
          https
              .send(get(fetch, null), java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode());
      java.net.URI escape =
          java.net.URI.create(
              "https://localhost:"
                  + server.httpsPort()
                  + "/recordings/"
                  + Conferences.idOf(conference)
                  + "/..%2F..%2Faccounts");
      int escaped =
          https
              .send(
                  get(escape, "alice:secret"), java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode();
      // Jetty refuses the encoded separators itself (400); had they passed, no file matches (404).
      assertTrue("a path out of the recordings: " + escaped, escaped == 400 || escaped == 404);
      assertEquals(opus.log(), 0, opus.await(30));
      // Alone in the conference, the caller hears nothing but the recording prompt once it starts.
      List<RtpCapture.Packet> toCaller = capture.packetsByDestination().get(mediaPort);
      assertTrue("RTP to the caller", toCaller != null && toCaller.size() > 200);
      short[] before = heardBetween(toCaller, on - 1.5, on);
      short[] after = heardBetween(toCaller, on, on + 2.5);
      assertTrue("silence before, rms " + TestCodecs.rms(before), TestCodecs.rms(before) < 50);
      assertTrue("the recording prompt, rms " + TestCodecs.rms(after), TestCodecs.rms(after) > 300);
    }
    // Deleting the conference keeps the file for the operator.
    assertEquals(200, io.xconf.itests.support.CcmpHttp.responseCode(alice.delete(conference)));
    try (Stream<Path> files = Files.walk(server.data())) {
      assertTrue(
          files.anyMatch(
              file ->
                  file.toString().contains("recordings/" + Conferences.idOf(conference) + "/")
                      && file.toString().endsWith(".wav")));
    }
  }

  private static void setRecording(String conference, String onOrOff) throws Exception {
    String answer =
        alice.ccmp(
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                + conference
                + "\"><info:conference-description><xconf:recording"
                + " xmlns:xconf=\"urn:xconf:params:xml:ns:model\">"
                + onOrOff
                + "</xconf:recording></info:conference-description></confInfo></ccmp:confRequest>");
    assertEquals(answer, 200, io.xconf.itests.support.CcmpHttp.responseCode(answer));
  }

  private static java.net.http.HttpRequest get(java.net.URI uri, String basic) {
    var request = java.net.http.HttpRequest.newBuilder(uri).GET();
    if (basic != null) {
      request.header(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return request.build();
  }

  /**
   * join-handling confirm: a waiting caller gets 183 with the mixer's answer and hears "please wait
   * for the moderator" as early media, but only once it sends media itself (nobody can aim the
   * prompt at an address by writing it into an offer); it cancels.
   */
  @Test
  public void aWaitingCallerHearsTheWaitPromptOnceItSendsMedia() throws Exception {
    String conference =
        alice.created("<info:users><xcon:join-handling>confirm</xcon:join-handling></info:users>");
    Path dir = work.resolve("waiting");
    Path pcaps = Files.createDirectories(dir.resolve("pcap"));
    Files.copy(
        Path.of("/usr/share/sip-tester/g711a.pcap"),
        pcaps.resolve("g711a.pcap"),
        StandardCopyOption.REPLACE_EXISTING);
    Path scenario = scenario(dir, "uac-waits.xml");
    int mediaPort = evenFreePort();
    try (RtpCapture capture = RtpCapture.from(dir, RTP_MIN, RTP_MIN + 99)) {
      double called = System.currentTimeMillis() / 1000.0;
      try (Sipp waiting =
          Sipp.call(
              dir,
              null,
              sipPort,
              Conferences.idOf(conference),
              mediaPort,
              "-sf",
              scenario.toString())) {
        assertEquals(waiting.log(), 0, waiting.await(40));
      }
      List<RtpCapture.Packet> toCaller = capture.packetsByDestination().get(mediaPort);
      assertTrue("early media to the waiting caller", toCaller != null && toCaller.size() > 50);
      double first = toCaller.get(0).epochSeconds() - called;
      assertTrue("nothing before the caller's own media (3 s): first at " + first, first > 2.5);
      short[] prompt =
          TestCodecs.decode("PCMA", toCaller.stream().map(RtpCapture.Packet::payload).toList());
      assertTrue("the wait prompt, rms " + TestCodecs.rms(prompt), TestCodecs.rms(prompt) > 300);
    }
    String roster = alice.retrieve(conference);
    assertTrue(roster, !roster.contains("<info:endpoint"));
  }

  /**
   * A conference's RFC 6501 codecs, set over CCMP, decide: one that disallows Opus answers an
   * Opus-only caller 488, with nothing in its roster.
   */
  @Test
  public void aConferenceThatDisallowsOpusRefusesAnOpusOnlyCaller() throws Exception {
    String conference =
        alice.created(
            "<info:conference-description><info:available-media><info:entry label=\"audio\">"
                + "<info:type>audio</info:type><xcon:codecs decision=\"automatic\">"
                + "<xcon:codec name=\"opus\" policy=\"disallowed\"><xcon:subtype>opus"
                + "</xcon:subtype></xcon:codec></xcon:codecs></info:entry></info:available-media>"
                + "</info:conference-description>");
    Path dir = caller("no-opus", "opus", 600, 5000);
    try (Sipp opus = oneCodecCall(dir, conference, evenFreePort(), "opus")) {
      assertNotEquals("the call must fail", 0, opus.await(30));
      assertTrue(opus.log(), opus.log().contains("488"));
      assertEquals(null, statusAt(alice.retrieve(conference), opus.address()));
    }
  }

  /** A work folder for a caller with pcap/voice.pcap: 8 s of two tones in its codec. */
  private static Path caller(String name, String codec, double low, double high) throws Exception {
    Path dir = Files.createDirectories(work.resolve("wideband").resolve(name).resolve("pcap"));
    int rate = TestCodecs.sampleRate(codec);
    short[] pcm = new short[rate * 8];
    for (int i = 0; i < pcm.length; i++) {
      double t = (double) i / rate;
      pcm[i] =
          (short)
              (5000 * Math.sin(2 * Math.PI * low * t) + 5000 * Math.sin(2 * Math.PI * high * t));
    }
    RtpPcap.write(
        dir.resolve("voice.pcap"),
        TestCodecs.payloadType(codec),
        TestCodecs.unitsPerPacket(codec),
        TestCodecs.encode(codec, pcm));
    return dir.getParent();
  }

  private static Sipp oneCodecCall(Path dir, String conference, int mediaPort, String codec)
      throws Exception {
    Path scenario = scenario(dir, "uac-one-codec.xml");
    return Sipp.call(
        dir,
        null,
        sipPort,
        Conferences.idOf(conference),
        mediaPort,
        "-sf",
        scenario.toString(),
        "-key",
        "pt",
        String.valueOf(TestCodecs.payloadType(codec)),
        "-key",
        "rtpmap",
        TestCodecs.rtpmap(codec),
        "-trace_logs");
  }

  /** What an Opus caller got between two epoch times, decoded from the first packet on. */
  private static short[] heardBetween(List<RtpCapture.Packet> packets, double from, double to) {
    short[] all =
        TestCodecs.decode("opus", packets.stream().map(RtpCapture.Packet::payload).toList());
    double start = packets.get(0).epochSeconds();
    int rate = TestCodecs.sampleRate("opus");
    int first = (int) Math.max(0, (from - start) * rate);
    int last = (int) Math.min(all.length, (to - start) * rate);
    return Arrays.copyOfRange(all, Math.min(first, last), last);
  }

  /** One of the sipp scenarios of src/test/resources/sipp, copied where sipp runs. */
  private static Path scenario(Path dir, String name) throws Exception {
    Path scenario = dir.resolve(name);
    try (var in = MediaIT.class.getResourceAsStream("/sipp/" + name)) {
      Files.copy(in, scenario, StandardCopyOption.REPLACE_EXISTING);
    }
    return scenario;
  }

  /** The m= line of the focus's answer, as the sipp scenario logged it. */
  private static String answered(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      Path log =
          files
              .filter(file -> file.getFileName().toString().endsWith("_logs.log"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no sipp log in " + dir));
      return Files.readString(log);
    }
  }

  /**
   * What the mixer sent to one caller, all in the payload type it answered, decoded in sequence
   * order (a missing number is a lost packet), without its first and last second.
   */
  private static short[] heard(List<RtpCapture.Packet> packets, String codec, int payloadType) {
    assertTrue("RTP from the mixer to the caller", packets != null && packets.size() > 200);
    List<RtpCapture.Packet> ordered = new ArrayList<>(packets);
    for (RtpCapture.Packet packet : ordered) {
      assertEquals("payload type", payloadType, packet.payloadType());
    }
    ordered.sort(Comparator.comparingInt(RtpCapture.Packet::sequence));
    List<byte[]> payloads = new ArrayList<>();
    int expected = ordered.get(0).sequence();
    for (RtpCapture.Packet packet : ordered) {
      while (expected < packet.sequence()) {
        payloads.add(null);
        expected++;
      }
      payloads.add(packet.payload());
      expected = packet.sequence() + 1;
    }
    short[] pcm = TestCodecs.decode(codec, payloads);
    int second = TestCodecs.sampleRate(codec);
    return Arrays.copyOfRange(
        pcm, Math.min(pcm.length, 2 * second), Math.max(0, pcm.length - second));
  }

  private static void assertHears(
      String who, short[] audio, int rate, double[] heard, double[] notHeard) {
    assertTrue(who + " got " + audio.length + " samples", audio.length > rate * 3);
    // The loudest stretch of a few seconds: both callers were talking then.
    for (double frequency : heard) {
      double power = TestCodecs.power(audio, frequency, rate);
      assertTrue(who + " hears " + frequency + " Hz: " + power, power > 1e5);
    }
    for (double frequency : notHeard) {
      double power = TestCodecs.power(audio, frequency, rate);
      assertTrue(who + " does not hear " + frequency + " Hz: " + power, power < 1e3);
    }
  }

  private static int evenFreePort() {
    int port = FreePorts.next();
    return port % 2 == 0 ? port : FreePorts.next() & ~1;
  }
}
