package io.xconf.bench;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.MediaStatistics;
import io.xconf.mixer.Mix;
import io.xconf.mixer.rtp.internal.EmbeddedMixer;
import java.lang.annotation.Annotation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How many real RTP participants the embedded mixer carries on this machine. For each step, it
 * starts conferences of ten participants, each a UDP socket on loopback sending 20 ms of audio
 * every 20 ms (three talkers per conference, the others sending silence, as phones without VAD do),
 * and measures for a while: frames the participants did not get, frames that came more than 60 ms
 * after their time (beyond a phone's jitter buffer), what the mixer lost or dropped as late on its
 * side, and the CPU of the media clock threads per participant. The load generator runs in the same
 * JVM on the same cores (its frames encoded once beforehand, as a phone's DSP would), so the
 * figures are for mixer and callers together.
 *
 * <p>Arguments (all optional): {@code steps=100,300,500,700 seconds=20 warmup=10 size=10
 * codecs=pcmu}, where codecs is a list (pcmu, pcma, g722, opus) the participants take in turn:
 * {@code codecs=opus,pcmu} is half and half.
 */
public final class MixerBenchmark {

  private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(60);

  private MixerBenchmark() {}

  public static void main(String[] args) throws Exception {
    String steps = argument(args, "steps", "100,300,500,700");
    int seconds = Integer.parseInt(argument(args, "seconds", "20"));
    // Long enough for the JIT to have compiled the codecs (Opus's first seconds stall otherwise).
    int warmup = Integer.parseInt(argument(args, "warmup", "10"));
    int size = Integer.parseInt(argument(args, "size", "10"));
    String[] codecs = argument(args, "codecs", "pcmu").split(",");
    System.out.printf(Locale.ROOT, "codecs: %s%n", String.join(", ", codecs));
    System.out.printf(
        Locale.ROOT,
        "%-12s %-10s %-10s %-10s %-10s %-14s %-14s %s%n",
        "participants",
        "lost%",
        "late%",
        "in-lost%",
        "in-late%",
        "clock-core%",
        "us/part/tick",
        "late-ticks");
    for (String step : steps.split(",")) {
      run(Integer.parseInt(step.strip()), size, seconds, warmup, codecs);
    }
  }

  private static void run(int participants, int size, int seconds, int warmup, String[] codecs)
      throws Exception {
    EmbeddedMixer mixer =
        new EmbeddedMixer(config(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    List<Mix> mixes = new ArrayList<>();
    List<Caller> callers = new ArrayList<>();
    Selector selector = Selector.open();
    try {
      for (int c = 0; c * size < participants; c++) {
        Mix mix = mixer.createMix("xcon:bench" + c + "@bench.example.com", null);
        mixes.add(mix);
        for (int p = 0; p < size && c * size + p < participants; p++) {
          String codec = codecs[(c * size + p) % codecs.length].strip();
          Caller caller = new Caller(codec, p < 3 ? 300 + 200 * p : 0);
          caller.leg = mix.join("c" + c + "p" + p, caller.offer());
          caller.leg.confirm();
          caller.connect(caller.leg.localSdp());
          caller.channel.register(selector, SelectionKey.OP_READ, caller);
          callers.add(caller);
        }
      }
      Thread sender = new Thread(() -> send(callers, seconds + warmup), "bench-callers");
      sender.start();
      receive(selector, TimeUnit.SECONDS.toNanos(warmup), false);
      for (Caller caller : callers) {
        caller.resetCounts();
      }
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long[] clockThreads = threadIds("xconf-media-clock");
      long cpuBefore = cpu(threads, clockThreads);
      long ticksBefore = clockTicks(mixer);
      long lateTicksBefore = lateTicks(mixer);
      List<MediaStatistics> before = new ArrayList<>();
      for (Caller caller : callers) {
        before.add(caller.leg.statistics());
      }
      long started = System.nanoTime();
      receive(selector, TimeUnit.SECONDS.toNanos(seconds), true);
      long elapsed = System.nanoTime() - started;
      long cpu = cpu(threads, clockThreads) - cpuBefore;
      long ticks = clockTicks(mixer) - ticksBefore;
      long lateTicks = lateTicks(mixer) - lateTicksBefore;
      sender.join();

      long expected = 0;
      long received = 0;
      long late = 0;
      long inReceived = 0;
      long inLost = 0;
      long inLate = 0;
      for (int i = 0; i < callers.size(); i++) {
        Caller caller = callers.get(i);
        expected += elapsed / FRAME_NANOS;
        received += caller.received;
        late += caller.late;
        MediaStatistics now = caller.leg.statistics();
        inReceived += now.packetsReceived() - before.get(i).packetsReceived();
        inLost += now.packetsLost() - before.get(i).packetsLost();
        inLate += now.packetsLate() - before.get(i).packetsLate();
      }
      double lost = 100.0 * Math.max(0, expected - received) / expected;
      System.out.printf(
          Locale.ROOT,
          "%-12d %-10.3f %-10.3f %-10.3f %-10.3f %-14.1f %-14.2f %d/%d%n",
          callers.size(),
          lost,
          100.0 * late / Math.max(1, received),
          100.0 * inLost / Math.max(1, inReceived + inLost),
          100.0 * inLate / Math.max(1, inReceived),
          100.0 * cpu / elapsed,
          cpu / 1000.0 / Math.max(1, ticks) / callers.size(),
          lateTicks,
          ticks);
    } finally {
      for (Mix mix : mixes) {
        mix.close();
      }
      for (Caller caller : callers) {
        caller.channel.close();
      }
      selector.close();
      mixer.deactivate();
    }
  }

  /** Sends every caller's next frame every 20 ms, against absolute deadlines. */
  private static void send(List<Caller> callers, int seconds) {
    long deadline = System.nanoTime();
    long end = deadline + TimeUnit.SECONDS.toNanos(seconds);
    while (deadline < end) {
      for (Caller caller : callers) {
        caller.sendFrame();
      }
      deadline += FRAME_NANOS;
      long wait;
      while ((wait = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  private static void receive(Selector selector, long forNanos, boolean counting) throws Exception {
    ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
    long end = System.nanoTime() + forNanos;
    while (System.nanoTime() < end) {
      selector.select(50);
      long now = System.nanoTime();
      for (SelectionKey key : selector.selectedKeys()) {
        Caller caller = (Caller) key.attachment();
        while (true) {
          buffer.clear();
          if (caller.channel.receive(buffer) == null) {
            break;
          }
          if (counting) {
            caller.arrived(buffer.getInt(4), now);
          }
        }
      }
      selector.selectedKeys().clear();
    }
  }

  private static long[] threadIds(String prefix) {
    long[] ids =
        Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().startsWith(prefix))
            .mapToLong(Thread::getId)
            .toArray();
    if (ids.length == 0) {
      throw new IllegalStateException("no thread " + prefix);
    }
    return ids;
  }

  private static long cpu(ThreadMXBean threads, long[] ids) {
    long sum = 0;
    for (long id : ids) {
      sum += threads.getThreadCpuTime(id);
    }
    return sum;
  }

  private static long clockTicks(EmbeddedMixer mixer) throws Exception {
    return (long) invoke(mixer, "ticks");
  }

  private static long lateTicks(EmbeddedMixer mixer) throws Exception {
    return (long) invoke(mixer, "lateTicks");
  }

  private static Object invoke(EmbeddedMixer mixer, String method) throws Exception {
    var clockMethod = EmbeddedMixer.class.getDeclaredMethod("clock");
    clockMethod.setAccessible(true);
    Object clock = clockMethod.invoke(mixer);
    var counter = clock.getClass().getDeclaredMethod(method);
    counter.setAccessible(true);
    return counter.invoke(clock);
  }

  /** A phone: one UDP socket, 20 ms of audio per packet in one codec. */
  private static final class Caller {
    final DatagramChannel channel;
    private final ByteBuffer packet = ByteBuffer.allocateDirect(12 + 1400);
    private final byte[][] frames = new byte[50][];
    private final String codec;
    private final int payloadType;
    private final String rtpmap;
    private final int unitsPerFrame;
    private final long nanosPerUnit100;
    private InetSocketAddress mixer;
    MediaLeg leg;
    private int sequence;
    private int timestamp;
    private int frame;
    long received;
    long late;
    private boolean haveFirst;
    private long firstArrival;
    private int firstTimestamp;

    Caller(String codec, double toneHz) throws Exception {
      this.codec = codec;
      channel = DatagramChannel.open();
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
      channel.configureBlocking(false);
      int rate = codec.equals("pcmu") || codec.equals("pcma") ? 8000 : 16000;
      short[][] pcm = new short[frames.length][rate / 50];
      for (int f = 0; f < frames.length; f++) {
        for (int i = 0; i < pcm[f].length; i++) {
          double t = (f * pcm[f].length + i) / (double) rate;
          pcm[f][i] = (short) (toneHz == 0 ? 0 : 6000 * Math.sin(2 * Math.PI * toneHz * t));
        }
      }
      switch (codec) {
        case "pcmu", "pcma" -> {
          payloadType = codec.equals("pcmu") ? 0 : 8;
          rtpmap = codec.equals("pcmu") ? "PCMU/8000" : "PCMA/8000";
          unitsPerFrame = 160;
          for (int f = 0; f < frames.length; f++) {
            frames[f] = new byte[160];
            for (int i = 0; i < 160; i++) {
              frames[f][i] = codec.equals("pcmu") ? ulaw(pcm[f][i]) : alaw(pcm[f][i]);
            }
          }
        }
        case "g722" -> {
          payloadType = 9;
          rtpmap = "G722/8000";
          unitsPerFrame = 160;
          G722 encoder = new G722();
          for (int f = 0; f < frames.length; f++) {
            frames[f] = encoder.encode(pcm[f]);
          }
        }
        case "opus" -> {
          payloadType = 111;
          rtpmap = "opus/48000/2";
          unitsPerFrame = 960;
          var encoder =
              new io.github.jaredmdobson.concentus.OpusEncoder(
                  16000, 1, io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_VOIP);
          encoder.setBitrate(24000);
          byte[] out = new byte[1400];
          for (int f = 0; f < frames.length; f++) {
            int length = encoder.encode(pcm[f], 0, pcm[f].length, out, 0, out.length);
            frames[f] = java.util.Arrays.copyOf(out, length);
          }
        }
        default -> throw new IllegalArgumentException("codec pcmu, pcma, g722 or opus: " + codec);
      }
      nanosPerUnit100 = 100L * 1_000_000_000L / (unitsPerFrame * 50L);
    }

    String offer() throws Exception {
      int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
      return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio "
          + port
          + " RTP/AVP "
          + payloadType
          + "\r\na=rtpmap:"
          + payloadType
          + " "
          + rtpmap
          + "\r\n";
    }

    void connect(String answer) {
      for (String line : answer.split("\r\n")) {
        if (line.startsWith("m=audio ")) {
          mixer = new InetSocketAddress("127.0.0.1", Integer.parseInt(line.split(" ")[1]));
        }
      }
    }

    void sendFrame() {
      packet.clear();
      packet.put((byte) 0x80).put((byte) payloadType).putShort((short) sequence++);
      packet.putInt(timestamp).putInt(0x5eed0000 + System.identityHashCode(this));
      packet.put(frames[frame]);
      frame = (frame + 1) % frames.length;
      timestamp += unitsPerFrame;
      packet.flip();
      try {
        channel.send(packet, mixer);
      } catch (Exception e) {
        // closed at the end of a step
      }
    }

    void resetCounts() {
      received = 0;
      late = 0;
      haveFirst = false;
    }

    void arrived(int rtpTimestamp, long now) {
      received++;
      if (!haveFirst) {
        haveFirst = true;
        firstArrival = now;
        firstTimestamp = rtpTimestamp;
        return;
      }
      long due = firstArrival + (long) (rtpTimestamp - firstTimestamp) * nanosPerUnit100 / 100;
      if (now - due > LATE_NANOS) {
        late++;
      }
    }

    private static byte alaw(int pcm) {
      int sign = pcm >= 0 ? 0xd5 : 0x55;
      int magnitude = Math.min(Math.abs(pcm), 0x7fff) >> 3;
      int segment = 0;
      while (segment < 7 && magnitude >= (32 << segment)) {
        segment++;
      }
      int mantissa = segment == 0 ? magnitude >> 1 : (magnitude >> segment) & 0x0f;
      return (byte) (((segment << 4) | mantissa) ^ sign);
    }

    private static byte ulaw(int pcm) {
      int sign = pcm < 0 ? 0x7f : 0xff;
      int magnitude = Math.min(Math.abs(pcm) + 0x84, 0x7fff);
      int segment = 7;
      for (int probe = 0x4000; (magnitude & probe) == 0 && segment > 0; probe >>= 1) {
        segment--;
      }
      return (byte) (((segment << 4) | ((magnitude >> (segment + 3)) & 0x0f)) ^ sign);
    }
  }

  /** The mixer's own G.722 encoder (package-private there), to make the callers' frames once. */
  private static final class G722 {
    private final Object encoder;
    private final java.lang.reflect.Method encode;

    G722() throws Exception {
      Class<?> type = Class.forName("io.xconf.mixer.rtp.internal.G722Encoder");
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      encoder = constructor.newInstance();
      encode =
          type.getDeclaredMethod(
              "encode", short[].class, int.class, int.class, byte[].class, int.class);
      encode.setAccessible(true);
    }

    byte[] encode(short[] pcm) throws Exception {
      byte[] out = new byte[pcm.length / 2];
      encode.invoke(encoder, pcm, 0, pcm.length, out, 0);
      return out;
    }
  }

  private static EmbeddedMixer.Config config() {
    return new EmbeddedMixer.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return EmbeddedMixer.Config.class;
      }

      @Override
      public int portMin() {
        return 20000;
      }

      @Override
      public int portMax() {
        return 29999;
      }

      @Override
      public String bindAddress() {
        return "127.0.0.1";
      }

      @Override
      public String mediaAddress() {
        return "127.0.0.1";
      }

      @Override
      public int clockThreads() {
        return 0;
      }

      @Override
      public int loudestSpeakers() {
        return 3;
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

  private static String argument(String[] args, String name, String otherwise) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return otherwise;
  }
}
