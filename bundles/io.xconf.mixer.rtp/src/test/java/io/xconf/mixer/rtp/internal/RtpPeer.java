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
 * A test participant on a real UDP socket: sends a G.711 tone every 20 ms to the mixer and keeps
 * the audio it gets back, decoded.
 */
final class RtpPeer implements AutoCloseable {

  private static final int KEPT_SAMPLES = 8000 * 4;

  private final DatagramChannel socket;
  private final boolean alaw;
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

  RtpPeer(boolean alaw) throws IOException {
    this(alaw, "127.0.0.1");
  }

  /** A peer on another loopback address, to play someone the SDP does not name. */
  RtpPeer(boolean alaw, String address) throws IOException {
    this.alaw = alaw;
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
    int pt = alaw ? 8 : 0;
    if (!events) {
      return "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio "
          + port()
          + " RTP/AVP "
          + pt
          + "\r\na=rtpmap:"
          + pt
          + (alaw ? " PCMA/8000" : " PCMU/8000")
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
        + (alaw ? " PCMA/8000" : " PCMU/8000")
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
      datagram.putShort((short) (160 * (packet + 1)));
      datagram.flip();
      socket.send(datagram, mixer);
    }
    sequence++;
    timestamp += 160 * 5;
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
    ByteBuffer packet = ByteBuffer.allocate(12 + 160);
    packet.put((byte) 0x80).put((byte) (alaw ? 8 : 0)).putShort((short) sequence++);
    packet.putInt(timestamp).putInt(ssrc);
    timestamp += 160;
    for (int i = 0; i < 160; i++) {
      double t = (phase++) / 8000.0;
      double tones = Math.sin(2 * Math.PI * frequency * t);
      if (secondFrequency > 0) {
        tones += Math.sin(2 * Math.PI * secondFrequency * t);
      }
      int sample = (int) Math.round(amplitude * tones);
      packet.put(alaw ? G711.encodeAlaw(sample) : G711.encodeUlaw(sample));
    }
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
        synchronized (this) {
          for (int i = 12; i < buffer.limit(); i++) {
            byte code = buffer.get(i);
            received[receivedEnd] = alaw ? G711.decodeAlaw(code) : G711.decodeUlaw(code);
            receivedEnd = (receivedEnd + 1) % KEPT_SAMPLES;
          }
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Power of one frequency in a signal (Goertzel), normalised by length. */
  static double power(short[] signal, double frequencyHz) {
    double coefficient = 2 * Math.cos(2 * Math.PI * frequencyHz / 8000);
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
