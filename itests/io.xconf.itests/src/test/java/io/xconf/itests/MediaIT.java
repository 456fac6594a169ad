package io.xconf.itests;

import static org.junit.Assert.assertEquals;
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
            .withEnvironment("XCONF_SIP_DIGEST_ALGORITHMS", "MD5");
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
      double voice = rms(heardByBaresip);
      assertTrue("the sipp caller's voice at baresip, rms " + voice, voice > 300);
      short[] heardBySipp = heard(packets.get(sippRtp), "PCMA", 8);
      double tone = TestCodecs.power(heardBySipp, 440, 8000);
      assertTrue("baresip's 440 Hz at the sipp caller: " + tone, tone > 1e5);
    }
  }

  private static double rms(short[] audio) {
    double sum = 0;
    for (short sample : audio) {
      sum += (double) sample * sample;
    }
    return Math.sqrt(sum / Math.max(1, audio.length));
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
    Path scenario = dir.resolve("uac-one-codec.xml");
    try (var in = MediaIT.class.getResourceAsStream("/sipp/uac-one-codec.xml")) {
      Files.copy(in, scenario, StandardCopyOption.REPLACE_EXISTING);
    }
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
