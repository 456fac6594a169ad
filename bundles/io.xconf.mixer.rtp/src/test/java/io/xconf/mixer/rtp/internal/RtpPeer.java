package io.xconf.mixer.rtp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test participant on a real UDP socket: sends a tone every 20 ms to the mixer in its codec and
 * keeps the audio it gets back, decoded at the codec's rate.
 */
final class RtpPeer implements AutoCloseable {

  private static final int KEPT_SAMPLES = 16000 * 4;

  private final DatagramChannel socket;
  private final AudioCodec codec;
  private final AudioEncoder encoder;
  private final AudioDecoder decoder;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final short[] received = new short[KEPT_SAMPLES];
  private int receivedEnd;
  private final AtomicInteger packetsReceived = new AtomicInteger();
  private final Thread reader;
  private volatile InetSocketAddress mixer;
  private volatile double frequency;
  private volatile double secondFrequency;
  private volatile int amplitude;
  private int sequence;
  private int timestamp;
  private long phase;
  private final int ssrc = (int) System.nanoTime();
  private volatile int lastPayloadType = -1;

  RtpPeer(boolean alaw) throws IOException {
    this(alaw, "127.0.0.1");
  }

  RtpPeer(AudioCodec codec) throws IOException {
    this(codec, "127.0.0.1");
  }

  /** A peer on another loopback address, to play someone the SDP does not name. */
  RtpPeer(boolean alaw, String address) throws IOException {
    this(alaw ? AudioCodec.PCMA : AudioCodec.PCMU, address);
  }

  private RtpPeer(AudioCodec codec, String address) throws IOException {
    this.codec = codec;
    this.encoder = codec.newEncoder(24000, true);
    this.decoder = codec.newDecoder();
    socket = DatagramChannel.open();
    socket.bind(new InetSocketAddress(address, 0));
    reader = new Thread(this::read, "rtp-peer-reader");
    reader.setDaemon(true);
    reader.start();
    timer.scheduleAtFixedRate(this::sendFrame, 20, 20, TimeUnit.MILLISECONDS);
  }

  int port() throws IOException {
    return ((InetSocketAddress) socket.getLocalAddress()).getPort();
  }

  String offer() throws IOException {
    return offer("sendrecv");
  }

  String offer(String direction) throws IOException {
    return offer(direction, true);
  }

  /** An offer without RFC 4733 telephone-event: keys are tones in the audio. */
  String offerWithoutEvents() throws IOException {
    return offer("sendrecv", false);
  }

  private String offer(String direction, boolean events) throws IOException {
    int pt = codec.offeredPayloadType();
    String rtpmap = " " + codec.rtpmap();
    if (!events) {
      return "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio "
          + port()
          + " RTP/AVP "
          + pt
          + "\r\na=rtpmap:"
          + pt
          + rtpmap
          + "\r\na="
          + direction
          + "\r\n";
    }
    return "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio "
        + port()
        + " RTP/AVP "
        + pt
        + " 101\r\na=rtpmap:"
        + pt
        + rtpmap
        + "\r\na=rtpmap:101 telephone-event/8000\r\na="
        + direction
        + "\r\n";
  }

  /** Sends to the mixer's RTP port from the SDP answer, from now on. */
  void connect(String answer) {
    int port = -1;
    for (String line : answer.split("\r\n")) {
      if (line.startsWith("m=audio ")) {
        port = Integer.parseInt(line.split(" ")[1]);
      }
    }
    mixer = new InetSocketAddress("127.0.0.1", port);
  }

  void speak(double frequencyHz, int peakAmplitude) {
    secondFrequency = 0;
    frequency = frequencyHz;
    amplitude = peakAmplitude;
  }

  /** Two tones at once, each of this amplitude (a DTMF key, say). */
  void speak(double first, double second, int peakAmplitude) {
    secondFrequency = second;
    frequency = first;
    amplitude = peakAmplitude;
  }

  void silent() {
    amplitude = 0;
  }

  /** Sends one raw datagram to the mixer's RTP port (for bad-input tests). */
  void sendRaw(byte[] datagram) throws IOException {
    socket.send(ByteBuffer.wrap(datagram), mixer);
  }

  /**
   * Keys an RFC 4733 event as phones send it, in the audio stream's SSRC: a packet with the marker
   * bit, updates while held, then three end packets, all of one RTP timestamp (the next audio one).
   */
  synchronized void key(int event) throws IOException {
    int eventTimestamp = timestamp;
    for (int packet = 0; packet < 7; packet++) {
      boolean end = packet >= 4;
      ByteBuffer datagram = ByteBuffer.allocate(16);
      datagram.put((byte) 0x80).put((byte) ((packet == 0 ? 0x80 : 0) | 101));
      datagram.putShort((short) (end ? sequence : sequence++));
      datagram.putInt(eventTimestamp).putInt(ssrc);
      datagram.put((byte) event).put((byte) (end ? 0x80 | 10 : 10));
      datagram.putShort((short) (codec.unitsPerTick() * (packet + 1)));
      datagram.flip();
      socket.send(datagram, mixer);
    }
    sequence++;
    timestamp += codec.unitsPerTick() * 5;
  }

  int packetsReceived() {
    return packetsReceived.get();
  }

  /** The last {@code samples} samples heard. */
  synchronized short[] lastHeard(int samples) {
    short[] out = new short[samples];
    for (int i = 0; i < samples; i++) {
      out[i] = received[Math.floorMod(receivedEnd - samples + i, KEPT_SAMPLES)];
    }
    return out;
  }

  private synchronized void sendFrame() {
    InetSocketAddress target = mixer;
    if (target == null) {
      return;
    }
    ByteBuffer packet = ByteBuffer.allocate(12 + 1400);
    packet.put((byte) 0x80).put((byte) codec.offeredPayloadType()).putShort((short) sequence++);
    packet.putInt(timestamp).putInt(ssrc);
    timestamp += codec.unitsPerTick();
    short[] pcm = new short[codec.samplesPerTick()];
    for (int i = 0; i < pcm.length; i++) {
      double t = (phase++) / (double) codec.sampleRate();
      double tones = Math.sin(2 * Math.PI * frequency * t);
      if (secondFrequency > 0) {
        tones += Math.sin(2 * Math.PI * secondFrequency * t);
      }
      pcm[i] = (short) G711.clip((int) Math.round(amplitude * tones));
    }
    byte[] payload = new byte[1400];
    packet.put(payload, 0, encoder.encode(pcm, payload));
    packet.flip();
    try {
      socket.send(packet, target);
    } catch (IOException e) {
      // closed
    }
  }

  private void read() {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    while (socket.isOpen()) {
      try {
        buffer.clear();
        socket.receive(buffer);
        buffer.flip();
        if (buffer.remaining() <= 12) {
          continue;
        }
        packetsReceived.incrementAndGet();
        lastPayloadType = buffer.get(1) & 0x7f;
        byte[] payload = new byte[buffer.limit() - 12];
        buffer.get(12, payload);
        short[] pcm = new short[1920];
        int samples = decoder.decode(payload, 0, payload.length, pcm);
        synchronized (this) {
          for (int i = 0; i < samples; i++) {
            received[receivedEnd] = pcm[i];
            receivedEnd = (receivedEnd + 1) % KEPT_SAMPLES;
          }
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  /** The payload type of the last packet that came. */
  int lastPayloadType() {
    return lastPayloadType;
  }

  /** Power of one frequency in what this peer heard over the last {@code millis}. */
  double heard(double frequencyHz, int millis) {
    return power(lastHeard(codec.sampleRate() * millis / 1000), frequencyHz, codec.sampleRate());
  }

  /** Power of one frequency in an 8 kHz signal (Goertzel), normalised by length. */
  static double power(short[] signal, double frequencyHz) {
    return power(signal, frequencyHz, 8000);
  }

  static double power(short[] signal, double frequencyHz, int rate) {
    double coefficient = 2 * Math.cos(2 * Math.PI * frequencyHz / rate);
    double previous = 0;
    double beforePrevious = 0;
    for (short sample : signal) {
      double current = sample + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    double power =
        previous * previous
            + beforePrevious * beforePrevious
            - coefficient * previous * beforePrevious;
    return power / signal.length / signal.length;
  }

  @Override
  public void close() throws IOException {
    timer.shutdownNow();
    socket.close();
  }
}
