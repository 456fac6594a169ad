package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.Mix;
import io.xconf.mixer.MixListener;
import io.xconf.mixer.SdpException;
import io.xconf.mixer.Speaker;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Test;

/**
 * The embedded mixer on real UDP sockets: test peers send G.711 tones at 20 ms pacing, and what
 * they get back is decoded and checked by frequency (Goertzel).
 */
public class EmbeddedMixerTest {

  private static final double HEARD = 1e6;
  private static final double NOT_HEARD = 2e4;
  private static final int HALF_SECOND = 4000;
  private static int nextPorts = 41000 + (int) (ProcessHandle.current().pid() % 40) * 200;

  private EmbeddedMixer mixer;
  private final List<RtpPeer> peers = new ArrayList<>();

  @After
  public void stopMixer() throws Exception {
    for (RtpPeer peer : peers) {
      peer.close();
    }
    if (mixer != null) {
      mixer.deactivate();
    }
  }

  private EmbeddedMixer mixer(int loudestSpeakers) throws Exception {
    int first = nextPorts;
    nextPorts += 200;
    mixer =
        new EmbeddedMixer(
            config(first, first + 199, loudestSpeakers),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    return mixer;
  }

  private RtpPeer join(Mix mix, String id, boolean alaw) throws Exception {
    return join(mix, id, new RtpPeer(alaw));
  }

  private RtpPeer join(Mix mix, String id, AudioCodec codec) throws Exception {
    return join(mix, id, new RtpPeer(codec));
  }

  private RtpPeer join(Mix mix, String id, RtpPeer peer) throws Exception {
    peers.add(peer);
    MediaLeg leg = mix.join(id, peer.offer());
    leg.confirm(); // as the focus does when the caller's ACK comes
    peer.connect(leg.localSdp());
    return peer;
  }

  private static MediaLeg leg(Mix mix, String id) {
    return mix.legs().stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Waits until the peer's last half second shows exactly what it should hear. */
  private static void awaitHearing(RtpPeer peer, String who, double[] heard, double[] notHeard)
      throws InterruptedException {
    await(
        who
            + " hearing "
            + java.util.Arrays.toString(heard)
            + " and not "
            + java.util.Arrays.toString(notHeard),
        () -> {
          short[] audio = peer.lastHeard(HALF_SECOND);
          for (double f : heard) {
            if (RtpPeer.power(audio, f) < HEARD) {
              return false;
            }
          }
          for (double f : notHeard) {
            if (RtpPeer.power(audio, f) > NOT_HEARD) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  public void everyoneHearsTheOthersAndNotThemselves() throws Exception {
    Mix mix = mixer(3).createMix("xcon:a@example.com", null);
    RtpPeer a = join(mix, "a", false);
    RtpPeer b = join(mix, "b", false);
    RtpPeer c = join(mix, "c", true);
    a.speak(400, 8000);
    b.speak(1000, 8000);
    c.speak(1700, 8000);
    awaitHearing(a, "a", new double[] {1000, 1700}, new double[] {400});
    awaitHearing(b, "b", new double[] {400, 1700}, new double[] {1000});
    awaitHearing(c, "c (A-law)", new double[] {400, 1000}, new double[] {1700});
  }

  /**
   * An Opus, a G.722 and a G.711 phone in one mix: each gets its own codec back, the wideband two
   * hear each other's tones above 4 kHz, and the G.711 one hears the others' narrowband tones
   * without what lies above (which a mix without a low-pass would fold down to 3 and 2 kHz).
   */
  @Test
  public void wideAndNarrowbandPhonesHearEachOtherAtTheirBest() throws Exception {
    Mix mix = mixer(3).createMix("xcon:w@example.com", null);
    RtpPeer opus = join(mix, "opus", AudioCodec.OPUS);
    RtpPeer g722 = join(mix, "g722", AudioCodec.G722);
    RtpPeer pcmu = join(mix, "pcmu", AudioCodec.PCMU);
    opus.speak(700, 5000, 6000);
    g722.speak(1300, 6000, 6000);
    pcmu.speak(1000, 8000);
    await(
        "the Opus phone hearing 1300, 6000 and 1000 Hz, not itself",
        () ->
            opus.heard(1300, 500) > HEARD
                && opus.heard(6000, 500) > HEARD
                && opus.heard(1000, 500) > HEARD
                && opus.heard(5000, 500) < NOT_HEARD
                && opus.heard(700, 500) < NOT_HEARD);
    await(
        "the G.722 phone hearing 700, 5000 and 1000 Hz, not itself",
        () ->
            g722.heard(700, 500) > HEARD
                && g722.heard(5000, 500) > HEARD
                && g722.heard(1000, 500) > HEARD
                && g722.heard(6000, 500) < NOT_HEARD
                && g722.heard(1300, 500) < NOT_HEARD);
    await(
        "the G.711 phone hearing 700 and 1300 Hz and nothing folded down",
        () ->
            pcmu.heard(700, 500) > HEARD
                && pcmu.heard(1300, 500) > HEARD
                && pcmu.heard(3000, 500) < NOT_HEARD
                && pcmu.heard(2000, 500) < NOT_HEARD
                && pcmu.heard(1000, 500) < NOT_HEARD);
    assertEquals(AudioCodec.OPUS_PAYLOAD_TYPE, opus.lastPayloadType());
    assertEquals(9, g722.lastPayloadType());
    assertEquals(0, pcmu.lastPayloadType());
  }

  @Test
  public void aConferenceThatDisallowsOpusAnswersWithTheNextBest() throws Exception {
    Mix mix = mixer(3).createMix("xcon:p@example.com", null);
    mix.setCodecPolicy(new io.xconf.mixer.CodecPolicy(false, Set.of("PCMU"), Set.of("OPUS")));
    String offer =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 111 9 0\r\na=rtpmap:111 opus/48000/2\r\n";
    assertTrue(mix.join("x", offer).localSdp().contains("RTP/AVP 9\r\n"));
    mix.setCodecPolicy(new io.xconf.mixer.CodecPolicy(true, Set.of("opus"), Set.of()));
    assertTrue(mix.join("y", offer).localSdp().contains("RTP/AVP 111\r\n"));
    mix.setCodecPolicy(new io.xconf.mixer.CodecPolicy(true, Set.of("PCMA"), Set.of()));
    assertThrows(SdpException.class, () -> mix.join("z", offer));
  }

  /**
   * A leg taken out of the mix (a caller keying its PIN) is heard by no one and hears no one, only
   * the sound played to it, which the others do not hear; played out, the sound's stage completes.
   */
  @Test
  public void aLegOutOfTheMixHearsOnlyWhatIsPlayedToIt() throws Exception {
    Mix mix = mixer(3).createMix("xcon:pin@example.com", null);
    RtpPeer a = join(mix, "a", AudioCodec.G722);
    RtpPeer b = join(mix, "b", AudioCodec.PCMU);
    RtpPeer c = join(mix, "c", AudioCodec.OPUS);
    MediaLeg outside = leg(mix, "c");
    outside.setInMix(false);
    a.speak(400, 8000);
    b.speak(1000, 8000);
    c.speak(1700, 8000);
    short[] tone = new short[16000 * 3];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 3000 * i / 16000.0));
    }
    long started = System.nanoTime();
    var played = outside.play(io.xconf.mixer.Sound.of(tone)).toCompletableFuture();
    await(
        "c hearing only the sound played to it",
        () ->
            c.heard(3000, 500) > HEARD
                && c.heard(400, 500) < NOT_HEARD
                && c.heard(1000, 500) < NOT_HEARD);
    await(
        "a and b hearing each other, neither c nor its sound",
        () ->
            a.heard(1000, 500) > HEARD
                && a.heard(1700, 500) < NOT_HEARD
                && a.heard(3000, 500) < NOT_HEARD
                && b.heard(400, 500) > HEARD
                && b.heard(1700, 500) < NOT_HEARD);
    played.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - started >= 2_900_000_000L);
    outside.setInMix(true);
    await("c in the mix again", () -> c.heard(400, 500) > HEARD && a.heard(1700, 500) > HEARD);
  }

  @Test
  public void aRecordingHoldsTheMixAndIsAWavFileAtEveryMoment() throws Exception {
    Mix mix = mixer(3).createMix("xcon:rec@example.com", null);
    RtpPeer a = join(mix, "a", AudioCodec.PCMU);
    join(mix, "b", AudioCodec.OPUS).speak(5000, 6000);
    a.speak(400, 8000);
    java.nio.file.Path file =
        java.nio.file.Files.createTempDirectory("recording").resolve("mix.wav");
    io.xconf.mixer.Recording recording = mix.record(file);
    assertThrows(io.xconf.mixer.MixerException.class, () -> mix.record(file));
    Thread.sleep(2500);
    // Mid-recording (as after a crash): a WAV whose sizes cover what was synced.
    short[] early = TestCodecs.wav(java.nio.file.Files.readAllBytes(file));
    assertTrue(early.length >= 16000);
    recording.stop();
    await(
        "the recording completed",
        () -> {
          try {
            return TestCodecs.wav(java.nio.file.Files.readAllBytes(file)).length >= 16000 * 2;
          } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
          }
        });
    short[] all = TestCodecs.wav(java.nio.file.Files.readAllBytes(file));
    short[] last = java.util.Arrays.copyOfRange(all, all.length - 16000, all.length);
    assertTrue(RtpPeer.power(last, 400, 16000) > HEARD);
    assertTrue(RtpPeer.power(last, 5000, 16000) > HEARD);
  }

  /**
   * A caller whose Opus stream is a packet concentus asserts on, over and over (an Error, which
   * once ended the media clock's thread): its packets are lost ones, and the others in its mix, on
   * its clock thread, go on hearing each other.
   */
  @Test
  public void opusPacketsThatBreakTheDecoderSilenceNobodyElse() throws Exception {
    Mix mix = mixer(3).createMix("xcon:hostile@example.com", null);
    RtpPeer a = join(mix, "a", AudioCodec.G722);
    RtpPeer b = join(mix, "b", AudioCodec.PCMU);
    a.speak(400, 8000);
    b.speak(1000, 8000);
    try (java.nio.channels.DatagramChannel attacker = java.nio.channels.DatagramChannel.open()) {
      attacker.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      int port = ((java.net.InetSocketAddress) attacker.getLocalAddress()).getPort();
      MediaLeg leg =
          mix.join(
              "x",
              "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                  + "m=audio "
                  + port
                  + " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n");
      leg.confirm();
      int mixerPort = 0;
      for (String line : leg.localSdp().split("\r\n")) {
        if (line.startsWith("m=audio ")) {
          mixerPort = Integer.parseInt(line.split(" ")[1]);
        }
      }
      java.net.InetSocketAddress target = new java.net.InetSocketAddress("127.0.0.1", mixerPort);
      for (int n = 0; n < 100; n++) {
        java.nio.ByteBuffer packet =
            java.nio.ByteBuffer.allocate(12 + OpusAudioTest.ASSERTING.length);
        packet.put((byte) 0x80).put((byte) 111).putShort((short) n).putInt(960 * n).putInt(77);
        packet.put(OpusAudioTest.ASSERTING).flip();
        attacker.send(packet, target);
        Thread.sleep(20);
      }
      assertTrue(leg.statistics().packetsReceived() >= 50);
    }
    // Fresh audio, not what was heard before: the clock still sends every 20 ms.
    int before = a.packetsReceived();
    Thread.sleep(600);
    assertTrue(a.packetsReceived() - before >= 20);
    await(
        "a and b hearing each other after the hostile packets",
        () ->
            a.heard(1000, 500) > HEARD
                && a.heard(400, 500) < NOT_HEARD
                && b.heard(400, 500) > HEARD
                && b.heard(1000, 500) < NOT_HEARD);
  }

  @Test
  public void muteSilencesExactlyTheMutedParticipant() throws Exception {
    Mix mix = mixer(3).createMix("xcon:m@example.com", null);
    RtpPeer a = join(mix, "a", false);
    RtpPeer b = join(mix, "b", false);
    RtpPeer c = join(mix, "c", false);
    a.speak(400, 8000);
    b.speak(1000, 8000);
    c.speak(1700, 8000);
    awaitHearing(a, "a", new double[] {1000, 1700}, new double[] {400});

    leg(mix, "b").setMuted(true);
    awaitHearing(a, "a", new double[] {1700}, new double[] {400, 1000});
    awaitHearing(c, "c", new double[] {400}, new double[] {1000, 1700});
    awaitHearing(b, "the muted b, who still hears", new double[] {400, 1700}, new double[] {1000});

    leg(mix, "b").setMuted(false);
    awaitHearing(a, "a", new double[] {1000, 1700}, new double[] {400});

    mix.setMuted(true);
    awaitHearing(a, "a in a muted conference", new double[0], new double[] {400, 1000, 1700});
    int before = a.packetsReceived();
    Thread.sleep(500);
    assertTrue("silence still comes every 20 ms", a.packetsReceived() - before >= 20);
  }

  @Test
  public void gainScalesAParticipantAndTheWholeMix() throws Exception {
    Mix mix = mixer(3).createMix("xcon:g@example.com", null);
    RtpPeer a = join(mix, "a", false);
    RtpPeer b = join(mix, "b", false);
    a.speak(400, 8000);
    // A tone of peak 8000 has a Goertzel power of (8000 / 2)^2 once it fills the window.
    await("a's tone at full level at b", () -> RtpPeer.power(b.lastHeard(HALF_SECOND), 400) > 12e6);
    double full = RtpPeer.power(b.lastHeard(HALF_SECOND), 400);

    leg(mix, "a").setGain(-20); // a tenth of the amplitude, a hundredth of the power
    await(
        "a's tone 20 dB lower at b",
        () -> {
          double now = RtpPeer.power(b.lastHeard(HALF_SECOND), 400);
          return now < full / 50 && now > full / 200;
        });

    leg(mix, "a").setGain(0);
    mix.setGain(-20);
    await(
        "the whole mix 20 dB lower",
        () -> {
          double now = RtpPeer.power(b.lastHeard(HALF_SECOND), 400);
          return now < full / 50 && now > full / 200;
        });
  }

  @Test
  public void keyedDigitsAreReportedOncePerPressAndNeverMixed() throws Exception {
    List<String> digits = new CopyOnWriteArrayList<>();
    MixListener listener =
        new MixListener() {
          @Override
          public void dtmf(String conferenceUri, String legId, char digit) {
            digits.add(conferenceUri + " " + legId + " " + digit);
          }
        };
    Mix mix = mixer(3).createMix("xcon:d@example.com", listener);
    RtpPeer keying = join(mix, "keying", false);
    RtpPeer listening = join(mix, "listening", false);
    keying.speak(400, 8000);
    awaitHearing(listening, "the listener", new double[] {400}, new double[] {});
    keying.key(10); // *
    keying.key(6);
    keying.key(6); // the same key again is another press
    keying.key(11); // #
    keying.key(16); // flash: no key
    await("four presses", () -> digits.size() >= 4);
    Thread.sleep(300);
    assertEquals(
        List.of(
            "xcon:d@example.com keying *",
            "xcon:d@example.com keying 6",
            "xcon:d@example.com keying 6",
            "xcon:d@example.com keying #"),
        digits);
    awaitHearing(listening, "the listener, after the keys", new double[] {400}, new double[] {});
  }

  @Test
  public void keysToneDialledByAPhoneWithoutEventsAreReported() throws Exception {
    List<String> digits = new CopyOnWriteArrayList<>();
    MixListener listener =
        new MixListener() {
          @Override
          public void dtmf(String conferenceUri, String legId, char digit) {
            digits.add(legId + " " + digit);
          }
        };
    Mix mix = mixer(3).createMix("xcon:t@example.com", listener);
    RtpPeer keying = new RtpPeer(false);
    peers.add(keying);
    MediaLeg leg = mix.join("keying", keying.offerWithoutEvents());
    leg.confirm();
    keying.connect(leg.localSdp());
    keying.speak(400, 6000); // a voice-like tone first: no key
    Thread.sleep(500);
    keying.speak(941, 1209, 5000); // *
    Thread.sleep(200);
    keying.silent();
    Thread.sleep(200);
    keying.speak(770, 1477, 5000); // 6
    Thread.sleep(200);
    keying.silent();
    await("two keys", () -> digits.size() >= 2);
    Thread.sleep(300);
    assertEquals(List.of("keying *", "keying 6"), digits);
  }

  @Test
  public void onlyTheLoudestSpeakersAreMixed() throws Exception {
    List<List<Speaker>> speakerEvents = new CopyOnWriteArrayList<>();
    MixListener listener =
        new MixListener() {
          @Override
          public void speakers(String conferenceUri, List<Speaker> speakers) {
            speakerEvents.add(speakers);
          }
        };
    Mix mix = mixer(2).createMix("xcon:n@example.com", listener);
    RtpPeer quiet = join(mix, "quiet", false);
    RtpPeer loud = join(mix, "loud", false);
    RtpPeer louder = join(mix, "louder", false);
    RtpPeer listening = join(mix, "listening", false);
    quiet.speak(400, 2500);
    loud.speak(1000, 6000);
    louder.speak(1700, 9000);
    awaitHearing(listening, "the listener", new double[] {1000, 1700}, new double[] {400});
    awaitHearing(quiet, "the quiet one", new double[] {1000, 1700}, new double[] {400});
    awaitHearing(loud, "the loud one", new double[] {1700}, new double[] {400, 1000});
    await(
        "a speaker event naming the two loudest, loudest first",
        () ->
            speakerEvents.stream()
                .anyMatch(
                    s ->
                        s.size() == 2
                            && s.get(0).legId().equals("louder")
                            && s.get(1).legId().equals("loud")
                            && s.get(0).levelDbov() > s.get(1).levelDbov()));

    // When the loud one stops, the quiet one is mixed again.
    loud.silent();
    awaitHearing(listening, "the listener", new double[] {400, 1700}, new double[] {1000});
  }

  @Test
  public void aSilentParticipantStillGetsAPacketEvery20Ms() throws Exception {
    Mix mix = mixer(3).createMix("xcon:s@example.com", null);
    RtpPeer alone = join(mix, "alone", false);
    await("first packets", () -> alone.packetsReceived() > 0);
    int before = alone.packetsReceived();
    Thread.sleep(1000);
    int perSecond = alone.packetsReceived() - before;
    assertTrue("about 50 packets a second, got " + perSecond, perSecond >= 40 && perSecond <= 60);
  }

  @Test
  public void badPacketsAreDroppedAndCountedAndTheMixGoesOn() throws Exception {
    Mix mix = mixer(3).createMix("xcon:b@example.com", null);
    RtpPeer a = join(mix, "a", false);
    RtpPeer b = join(mix, "b", false);
    a.speak(400, 8000);
    b.speak(1000, 8000);
    awaitHearing(b, "b", new double[] {400}, new double[] {1000});
    byte[] wrongVersion = new byte[172];
    wrongVersion[0] = 0x40;
    byte[] unknownPayloadType = new byte[172];
    unknownPayloadType[0] = (byte) 0x80;
    unknownPayloadType[1] = 18;
    byte[] oversized = new byte[1400];
    oversized[0] = (byte) 0x80;
    byte[] badExtension = new byte[14];
    badExtension[0] = (byte) 0x90;
    for (int i = 0; i < 200; i++) {
      a.sendRaw(new byte[] {1, 2, 3});
      a.sendRaw(wrongVersion);
      a.sendRaw(unknownPayloadType);
      a.sendRaw(oversized);
      a.sendRaw(badExtension);
      if (i % 20 == 0) {
        Thread.sleep(20);
      }
    }
    MediaLeg legA = leg(mix, "a");
    await("the bad packets counted", () -> legA.statistics().packetsDiscarded() >= 100);
    awaitHearing(b, "b, still", new double[] {400}, new double[] {1000});
    assertTrue(legA.statistics().packetsReceived() > 0);
  }

  @Test
  public void rtcpSenderReportsWhileSendingReceiverReportsOnHold() throws Exception {
    Mix mix = mixer(3).createMix("xcon:r@example.com", null);
    try (java.nio.channels.DatagramChannel rtcp = java.nio.channels.DatagramChannel.open()) {
      rtcp.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      rtcp.socket().setSoTimeout(8000);
      int rtcpPort = ((java.net.InetSocketAddress) rtcp.getLocalAddress()).getPort();
      RtpPeer peer = new RtpPeer(false);
      peers.add(peer);
      MediaLeg leg =
          mix.join(
              "p", peer.offer().replace("a=sendrecv", "a=rtcp:" + rtcpPort + "\r\na=sendrecv"));
      leg.confirm();
      peer.connect(leg.localSdp());
      peer.speak(400, 8000);
      byte[] report = receive(rtcp);
      assertEquals("a sender report first", 200, report[1] & 0xff);
      assertEquals("with one reception report block", 1, report[0] & 0x1f);
      assertTrue(
          "and an SDES CNAME",
          new String(report, java.nio.charset.StandardCharsets.ISO_8859_1).contains("xconf-"));

      leg.reoffer(
          peer.offer("sendonly").replace("a=sendonly", "a=rtcp:" + rtcpPort + "\r\na=sendonly"));
      byte[] onHold = receive(rtcp);
      assertEquals("a receiver report while on hold", 201, onHold[1] & 0xff);
    }
  }

  private static byte[] receive(java.nio.channels.DatagramChannel channel) throws Exception {
    java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[1500], 1500);
    channel.socket().receive(packet);
    return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
  }

  @Test
  public void offersAreAnsweredPerRfc3264() throws Exception {
    Mix mix = mixer(3).createMix("xcon:o@example.com", null);
    String g729Only =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 5004 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
    assertThrows(SdpException.class, () -> mix.join("g729", g729Only));
    assertThrows(SdpException.class, () -> mix.join("garbage", "not sdp at all"));
    assertEquals("a refused offer holds no ports", 0, mixer.portsInUse());

    String audioAndVideo =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=video 5006 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "m=audio 5004 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    String answer = mix.join("av", audioAndVideo).localSdp();
    assertTrue(answer, answer.contains("m=video 0 RTP/AVP 96"));
    assertTrue(
        "the offerer's first choice, PCMA: " + answer,
        answer.matches("(?s).*m=audio \\d+ RTP/AVP 8 101\r\n.*"));
    assertTrue(answer, answer.contains("a=sendrecv"));

    RtpPeer peer = new RtpPeer(false);
    peers.add(peer);
    MediaLeg leg = mix.join("held", peer.offer());
    leg.confirm();
    peer.connect(leg.localSdp());
    await("media", () -> peer.packetsReceived() > 5);
    String onHold = leg.reoffer(peer.offer("sendonly"));
    assertTrue(onHold, onHold.contains("a=recvonly"));
    Thread.sleep(200);
    int held = peer.packetsReceived();
    Thread.sleep(500);
    assertTrue("nothing sent to a participant on hold", peer.packetsReceived() - held <= 1);
    String resumed = leg.reoffer(peer.offer("sendrecv"));
    assertTrue(resumed, resumed.contains("a=sendrecv"));
    await("media again after resume", () -> peer.packetsReceived() > held + 10);
  }

  @Test
  public void dialOutOffersAndTakesTheAnswer() throws Exception {
    Mix mix = mixer(3).createMix("xcon:d@example.com", null);
    RtpPeer a = join(mix, "a", false);
    a.speak(400, 8000);
    MediaLeg out = mix.offer("callee");
    assertTrue(
        out.localSdp(), out.localSdp().contains("m=audio") && out.localSdp().contains(" 0 8 101"));
    RtpPeer callee = new RtpPeer(true);
    peers.add(callee);
    String calleeAnswer = callee.offer().replace("o=peer 1 1", "o=peer 1 2");
    out.answer(calleeAnswer);
    out.confirm();
    callee.connect(out.localSdp());
    callee.speak(1000, 8000);
    awaitHearing(callee, "the dialled-out callee (A-law)", new double[] {400}, new double[] {1000});
    awaitHearing(a, "a", new double[] {1000}, new double[] {400});
  }

  @Test
  public void nothingIsSentBeforeTheCallIsConfirmed() throws Exception {
    Mix mix = mixer(3).createMix("xcon:unconfirmed@example.com", null);
    RtpPeer a = join(mix, "a", false);
    a.speak(400, 8000);
    RtpPeer victim = new RtpPeer(false);
    peers.add(victim);
    MediaLeg never = mix.join("never-acked", victim.offer());
    victim.connect(never.localSdp());
    Thread.sleep(400);
    assertEquals("an unconfirmed leg streams to nobody", 0, victim.packetsReceived());
    never.confirm();
    await("media once confirmed", () -> victim.packetsReceived() > 5);
  }

  @Test
  public void mediaFromAnAddressTheSdpDoesNotNameIsRefused() throws Exception {
    Mix mix = mixer(3).createMix("xcon:latch@example.com", null);
    RtpPeer listener = join(mix, "listener", false);
    RtpPeer participant = new RtpPeer(false);
    peers.add(participant);
    MediaLeg leg = mix.join("participant", participant.offer());
    leg.confirm();
    // Someone else sends to the participant's port first: neither mixed nor latched onto.
    RtpPeer intruder = new RtpPeer(false, "127.0.0.2");
    peers.add(intruder);
    intruder.connect(leg.localSdp());
    intruder.speak(700, 8000);
    await("the intruder's packets refused", () -> leg.statistics().packetsDiscarded() > 20);
    assertEquals(0, leg.statistics().packetsReceived());
    assertTrue("the leg still sends to the SDP's address", participant.packetsReceived() > 0);
    assertEquals("the intruder gets nothing", 0, intruder.packetsReceived());
    assertTrue("no media from the participant yet", leg.idleMillis() > 0);
    participant.connect(leg.localSdp());
    participant.speak(1000, 8000);
    awaitHearing(listener, "the listener", new double[] {1000}, new double[] {700});
    assertTrue(leg.idleMillis() < 1000);
  }

  @Test
  public void aLegOnHoldIsNeverIdle() throws Exception {
    Mix mix = mixer(3).createMix("xcon:idle@example.com", null);
    RtpPeer quiet = new RtpPeer(false);
    peers.add(quiet);
    MediaLeg leg = mix.join("quiet", quiet.offer());
    assertEquals("not confirmed: not idle", 0, leg.idleMillis());
    leg.confirm();
    Thread.sleep(300);
    assertTrue("confirmed and silent", leg.idleMillis() >= 250);
    leg.reoffer(quiet.offer("inactive"));
    assertEquals("on hold", 0, leg.idleMillis());
  }

  @Test
  public void leavingAndClosingFreeThePorts() throws Exception {
    Mix mix = mixer(3).createMix("xcon:p@example.com", null);
    join(mix, "a", false);
    join(mix, "b", false);
    assertEquals(2, mixer.portsInUse());
    leg(mix, "a").leave();
    assertEquals(1, mixer.portsInUse());
    mix.close();
    assertEquals(0, mixer.portsInUse());
    assertTrue(mixer.mixes().isEmpty());
    assertNotNull(mixer.clock());
  }

  static EmbeddedMixer.Config config(int portMin, int portMax, int loudest) {
    return new EmbeddedMixer.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return EmbeddedMixer.Config.class;
      }

      @Override
      public int portMin() {
        return portMin;
      }

      @Override
      public int portMax() {
        return portMax;
      }

      @Override
      public String bindAddress() {
        return "127.0.0.1";
      }

      @Override
      public String mediaAddress() {
        return "";
      }

      @Override
      public int clockThreads() {
        return 0;
      }

      @Override
      public int loudestSpeakers() {
        return loudest;
      }

      @Override
      public int minJitterMillis() {
        return 20;
      }

      @Override
      public int maxJitterMillis() {
        return 200;
      }

      @Override
      public String latching() {
        return "sdp";
      }
    };
  }
}
