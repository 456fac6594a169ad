package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.MediaStatistics;
import io.xconf.mixer.SdpException;
import io.xconf.mixer.Sound;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's RTP and RTCP. Its media work (reading, playout, sending) runs only on the media
 * clock's thread; other threads change its settings through volatile fields and hand over a new SDP
 * agreement, which the clock picks up at its next tick. It sends nothing until the call is
 * confirmed, and takes media only from the address the SDP names unless told to latch onto any
 * source.
 */
final class RtpLeg implements MediaLeg {

  private static final Logger LOG = LoggerFactory.getLogger(RtpLeg.class);

  private static final int MAX_PACKET = 1500;
  private static final int MAX_READS_PER_TICK = 16;
  private static final int RTCP_INTERVAL_TICKS = 250;

  /** What one SDP exchange gave: the terms, and the codec state made for them off the clock. */
  private record Negotiated(
      Sdp.Agreement agreement, AudioDecoder decoder, Outbound own, Outbound shared) {}

  private final String id;
  private final RtpMix mix;
  private final PortRange.Pair ports;
  private final String localAddress;
  private final JitterBuffer jitter;
  private final int ssrc = ThreadLocalRandom.current().nextInt();
  private final byte[] cname;

  private volatile String localSdp;

  /** The latest SDP exchange's terms and codec state (the clock adopts it at its next tick). */
  private volatile Negotiated negotiated;

  /** The codecs of our own offer (a dial-out), which its answer must pick from. */
  private volatile java.util.Set<AudioCodec> offered = java.util.Set.of();

  private final java.util.concurrent.atomic.AtomicReference<Negotiated> pending =
      new java.util.concurrent.atomic.AtomicReference<>();
  private volatile boolean muted;
  private volatile boolean inMix = true;
  private volatile int gainQ12 = 1 << 12;

  /** Sounds to play to this participant, in order; the clock takes them one by one. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Playback> toPlay =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private volatile boolean stopPlayingRequested;

  private record Playback(Sound sound, CompletableFuture<Void> done) {}

  private volatile boolean left;
  private volatile boolean confirmed;
  private volatile boolean earlyMedia;
  private volatile long lastMediaNanos = System.nanoTime();
  private final boolean latchAnySource;
  private long sdpVersion = 1;

  // Clock-thread state.
  private final ByteBuffer inbound = ByteBuffer.allocateDirect(MAX_PACKET + 1);
  private final ByteBuffer outbound = ByteBuffer.allocateDirect(12 + Outbound.MAX_PAYLOAD);
  private final ByteBuffer control = ByteBuffer.allocateDirect(MAX_PACKET);
  private final byte[] payload = new byte[MAX_PACKET];

  /** The participant's last 20 ms at its codec's rate, and with its gain applied. */
  final short[] heard = new short[RtpMix.SAMPLES_PER_TICK];

  private final short[] scaled = new short[RtpMix.SAMPLES_PER_TICK];
  private final int[] contribution = new int[RtpMix.SAMPLES_PER_TICK];
  private final HalfBand.Up up = new HalfBand.Up(RtpMix.SAMPLES_PER_TICK / 2);
  private final short[] played = new short[RtpMix.SAMPLES_PER_TICK];
  private volatile Playback playing;
  private int playedUpTo;
  double energy;
  boolean speaking;
  private Sdp.Agreement active;
  private Negotiated current;
  private InetSocketAddress rtpTarget;
  private InetSocketAddress rtcpTarget;
  private boolean latched;
  private boolean haveSource;
  private int sourceSsrc;
  private long lastFromSourceNanos;
  private int sequence = ThreadLocalRandom.current().nextInt(0x10000);
  private int timestamp = ThreadLocalRandom.current().nextInt();
  private boolean marker = true;
  private int ticksToReport = RTCP_INTERVAL_TICKS;
  private final ToneDigits toneDigits = new ToneDigits();
  private boolean haveEvent;
  private int eventSsrc;
  private int lastEventTimestamp;

  // RFC 3550 appendix A.1/A.8 receiver state.
  private int baseSequence;
  private int maxSequence;
  private int cycles;
  private long expectedPrior;
  private long receivedPrior;
  private double jitterSamples;
  private int lastTransit;
  private boolean haveTransit;
  private long lastSenderReport;
  private long lastSenderReportNanos;

  // Counters: written by the clock thread, read by anyone.
  private volatile long received;
  private final AtomicLong lossReported = new AtomicLong();

  /** Packets received, and lost before, under the sender's current numbering (receiving thread). */
  private long receivedInNumbering;

  private long lostBefore;

  /** Lost so far, all numberings: written by the receiving thread, read by metrics. */
  private volatile long lostSoFar;

  private volatile long discarded;
  private volatile long sent;
  private volatile long octetsSent;

  RtpLeg(
      String id,
      RtpMix mix,
      PortRange.Pair ports,
      String localAddress,
      int minJitterMillis,
      int maxJitterMillis,
      boolean latchAnySource) {
    this.id = id;
    this.latchAnySource = latchAnySource;
    this.mix = mix;
    this.ports = ports;
    this.localAddress = localAddress;
    this.jitter = new JitterBuffer(minJitterMillis, maxJitterMillis);
    this.cname =
        ("xconf-" + Integer.toHexString(ssrc) + "@" + localAddress)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** Answers a dial-in's offer. */
  void acceptOffer(String offer) throws SdpException {
    Sdp.Answered answered =
        Sdp.answer(offer, mix.codecs(), localAddress, ports.rtpPort(), sdpVersion++);
    localSdp = answered.sdp();
    agree(answered.agreement());
  }

  /** Makes the mixer's offer for a dial-out. */
  void makeOffer() {
    offered = mix.codecs();
    localSdp = Sdp.offer(offered, localAddress, ports.rtpPort(), sdpVersion++);
  }

  /**
   * Resolves the addresses and makes codec state here, on the caller's thread: the media clock must
   * never block or wait for an encoder to be built. A codec kept keeps its state.
   */
  private void agree(Sdp.Agreement next) {
    Sdp.Agreement resolved =
        next.withAddresses(resolved(next.remoteRtp()), resolved(next.remoteRtcp()));
    Negotiated before = negotiated;
    Negotiated now;
    if (before != null
        && before.agreement().codec() == resolved.codec()
        && before.own().sharedBy(resolved)) {
      now = new Negotiated(resolved, before.decoder(), before.own(), before.shared());
    } else {
      now =
          new Negotiated(
              resolved,
              resolved.codec().newDecoder(),
              new Outbound(resolved.codec(), resolved.bitrate()),
              mix.sharedStream(resolved));
    }
    negotiated = now;
    pending.set(now);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String localSdp() {
    return localSdp;
  }

  @Override
  public synchronized void answer(String sdpAnswer) throws SdpException {
    agree(Sdp.answered(sdpAnswer, offered));
  }

  @Override
  public synchronized String reoffer(String sdpOffer) throws SdpException {
    acceptOffer(sdpOffer);
    return localSdp;
  }

  @Override
  public void setMuted(boolean muted) {
    this.muted = muted;
  }

  @Override
  public boolean isMuted() {
    return muted;
  }

  @Override
  public void setGain(int decibels) {
    gainQ12 = RtpMix.gainQ12(decibels);
  }

  @Override
  public void setInMix(boolean inMix) {
    this.inMix = inMix;
  }

  @Override
  public CompletionStage<Void> play(Sound sound) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (left) {
      done.complete(null);
      return done;
    }
    toPlay.add(new Playback(sound, done));
    if (left) {
      finishPlaying(); // it left meanwhile: nothing will play it
    }
    return done;
  }

  /**
   * What was queued goes now, on this thread; the sound playing is cut at the next tick. A sound
   * queued right after (the usual stop-then-play) is not touched.
   */
  @Override
  public void stopPlaying() {
    stopPlayingRequested = true;
    finishPlaying();
  }

  /** Completes what was to be played (the leg left), off the media clock. */
  private void finishPlaying() {
    Playback next;
    while ((next = toPlay.poll()) != null) {
      next.done().complete(null);
    }
  }

  boolean left() {
    return left;
  }

  @Override
  public MediaStatistics statistics() {
    long expected = expected();
    long lost = Math.max(0, expected - received);
    Negotiated terms = negotiated;
    Sdp.Agreement agreed = terms == null ? null : terms.agreement();
    double sampleMillis = 1000.0 / (agreed == null ? 8000 : agreed.codec().clockRate());
    return new MediaStatistics(
        received, lost, jitter.late(), discarded, jitterSamples * sampleMillis, sent);
  }

  @Override
  public void confirm() {
    lastMediaNanos = System.nanoTime();
    confirmed = true;
  }

  @Override
  public void allowEarlyMedia() {
    earlyMedia = true;
  }

  @Override
  public long idleMillis() {
    Negotiated terms = negotiated;
    Sdp.Agreement agreed = terms == null ? null : terms.agreement();
    if (!confirmed || left || agreed == null || !agreed.direction().receives()) {
      return 0;
    }
    return (System.nanoTime() - lastMediaNanos) / 1_000_000;
  }

  @Override
  public void leave() {
    if (left) {
      return;
    }
    left = true;
    mix.remove(this);
    Playback current = playing;
    if (current != null) {
      current.done().complete(null);
    }
    finishPlaying();
    try {
      ports.rtp().close();
      ports.rtcp().close();
    } catch (IOException e) {
      LOG.debug("Closing the ports of {}", id, e);
    }
    ports.release();
  }

  /** The participant sends to us (their direction allows it). */
  boolean listens() {
    return active != null && active.direction().receives();
  }

  private boolean sendsToParticipant() {
    return active != null && active.direction().sends() && rtpTarget != null;
  }

  // ----- clock thread -----

  /** Reads what arrived since the last tick and takes the next 20 ms of the participant's audio. */
  void receive(long nowNanos) {
    Negotiated next = pending.getAndSet(null);
    if (next != null) {
      adopt(next);
    }
    try {
      for (int i = 0; i < MAX_READS_PER_TICK; i++) {
        inbound.clear();
        SocketAddress from = ports.rtp().receive(inbound);
        if (from == null) {
          break;
        }
        inbound.flip();
        onRtp(from, nowNanos);
      }
      for (int i = 0; i < MAX_READS_PER_TICK; i++) {
        control.clear();
        SocketAddress from = ports.rtcp().receive(control);
        if (from == null) {
          break;
        }
        control.flip();
        onRtcp(from, nowNanos);
      }
    } catch (IOException e) {
      if (!left) {
        LOG.debug("Reading media of {}", id, e);
      }
    }
    boolean playing = jitter.take(heard);
    int samples = active == null ? 0 : active.codec().samplesPerTick();
    if (playing && active.telephoneEventPayloadType() < 0 && active.codec().sampleRate() == 8000) {
      // A G.711 phone without RFC 4733 events: keys come as tones in the audio (heard even while
      // muted, so that a caller who muted itself can key its way back).
      char key = toneDigits.feed(heard, samples);
      if (key != 0) {
        mix.dtmf(id, key);
      }
    }
    speaking = playing && listens() && !muted && inMix;
    if (!speaking) {
      energy = 0;
      return;
    }
    int gain = gainQ12;
    long sum = 0;
    for (int i = 0; i < samples; i++) {
      int sample = G711.clip((heard[i] * gain) >> 12);
      scaled[i] = (short) sample;
      sum += (long) sample * sample;
    }
    energy = (double) sum / samples;
  }

  /** This tick's audio at the mix rate, gain applied: asked only of the legs being mixed. */
  int[] contribute() {
    if (active.codec().sampleRate() == RtpMix.RATE) {
      for (int i = 0; i < RtpMix.SAMPLES_PER_TICK; i++) {
        contribution[i] = scaled[i];
      }
    } else {
      up.convert(scaled, active.codec().samplesPerTick(), contribution);
    }
    return contribution;
  }

  private void adopt(Negotiated next) {
    boolean sameSource =
        active != null
            && java.util.Objects.equals(active.remoteRtp(), next.agreement().remoteRtp());
    if (current == null || current.decoder() != next.decoder()) {
      jitter.decodeWith(next.agreement().codec(), next.decoder());
    }
    current = next;
    active = next.agreement();
    haveEvent = false;
    if (!sameSource) {
      // A new address from the SDP: send there until packets show where the participant is.
      rtpTarget = active.remoteRtp();
      rtcpTarget = active.remoteRtcp();
      latched = false;
      haveSource = false;
      jitter.reset();
    }
  }

  private static InetSocketAddress resolved(InetSocketAddress unresolved) {
    InetSocketAddress address =
        new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    return address.isUnresolved() || address.getPort() == 0 ? null : address;
  }

  /**
   * Whether media from {@code from} is the participant's: from the address its SDP names (any port:
   * a NAT may map it), or from anywhere when latching onto any source.
   */
  private boolean fromParticipant(SocketAddress from) {
    if (latchAnySource) {
      return true;
    }
    Sdp.Agreement agreed = active;
    return agreed != null
        && agreed.remoteRtp() != null
        && from instanceof InetSocketAddress address
        && agreed.remoteRtp().getAddress() != null
        && agreed.remoteRtp().getAddress().equals(address.getAddress());
  }

  private void onRtp(SocketAddress from, long nowNanos) {
    Sdp.Agreement agreed = active;
    int length = inbound.remaining();
    if (agreed == null || length < 12 || length > MAX_PACKET || !fromParticipant(from)) {
      discarded++;
      return;
    }
    int first = inbound.get(0) & 0xff;
    if ((first >> 6) != 2) {
      discarded++;
      return;
    }
    int payloadType = inbound.get(1) & 0x7f;
    int headerLength = 12 + 4 * (first & 0x0f);
    if ((first & 0x10) != 0) {
      if (length < headerLength + 4) {
        discarded++;
        return;
      }
      headerLength += 4 + 4 * (inbound.getShort(headerLength + 2) & 0xffff);
    }
    int padding = (first & 0x20) != 0 ? inbound.get(length - 1) & 0xff : 0;
    int payloadLength = length - headerLength - padding;
    if (payloadLength < 0) {
      discarded++;
      return;
    }
    int packetSsrc = inbound.getInt(8);
    if (haveSource && packetSsrc != sourceSsrc) {
      // Another stream: accepted only once the current one has been silent a while (a restarted
      // phone), never interleaved with it.
      if (nowNanos - lastFromSourceNanos < 500_000_000L) {
        discarded++;
        return;
      }
      haveSource = false;
      jitter.reset();
    }
    if (payloadType == agreed.telephoneEventPayloadType()) {
      accept(from, packetSsrc, nowNanos);
      keyed(packetSsrc, inbound.getInt(4), headerLength, payloadLength);
      return; // DTMF is reported, never mixed.
    }
    if (payloadType != agreed.payloadType() || payloadLength == 0) {
      discarded++;
      return;
    }
    int sequenceNumber = inbound.getShort(2) & 0xffff;
    int packetTimestamp = inbound.getInt(4);
    accept(from, packetSsrc, nowNanos);
    track(sequenceNumber, packetTimestamp, nowNanos, agreed.codec().clockRate());
    inbound.get(headerLength, payload, 0, payloadLength);
    jitter.put(packetTimestamp, payload, 0, payloadLength);
  }

  /** RFC 4733 section 3.14: events 0-9, *, #, A-D; the others are no key. */
  private static final char[] DTMF_EVENTS = "0123456789*#ABCD".toCharArray();

  /**
   * An RFC 4733 event packet: one key press is one RTP timestamp, sent again and again while the
   * key is held and three times at its end, so a press is reported at its first packet and its
   * other packets are passed over.
   */
  private void keyed(int packetSsrc, int eventTimestamp, int headerLength, int payloadLength) {
    if (payloadLength < 4) {
      return;
    }
    int event = inbound.get(headerLength) & 0xff;
    if (haveEvent && packetSsrc == eventSsrc && eventTimestamp == lastEventTimestamp) {
      return;
    }
    haveEvent = true;
    eventSsrc = packetSsrc;
    lastEventTimestamp = eventTimestamp;
    if (event < DTMF_EVENTS.length) {
      mix.dtmf(id, DTMF_EVENTS[event]);
    }
  }

  private void accept(SocketAddress from, int packetSsrc, long nowNanos) {
    lastMediaNanos = nowNanos;
    if (!haveSource) {
      haveSource = true;
      sourceSsrc = packetSsrc;
      baseSequence = -1;
      haveTransit = false;
    }
    lastFromSourceNanos = nowNanos;
    if (!latched && from instanceof InetSocketAddress address) {
      // Symmetric RTP (RFC 4961): answer where the packets come from, which behind NAT is not
      // what the SDP says.
      latched = true;
      rtpTarget = address;
      if (rtcpTarget == null
          || !rtcpTarget.getAddress().equals(address.getAddress())
          || rtcpTarget.getPort() == 0) {
        rtcpTarget = new InetSocketAddress(address.getAddress(), address.getPort() + 1);
      }
    }
  }

  private void track(int sequenceNumber, int packetTimestamp, long nowNanos, int clockRate) {
    received++;
    boolean newNumbering = baseSequence < 0;
    if (!newNumbering) {
      int delta = (sequenceNumber - maxSequence) & 0xffff;
      if (delta < 3000) {
        if (sequenceNumber < maxSequence) {
          cycles += 0x10000;
        }
        maxSequence = sequenceNumber;
      } else if (delta > 0xffff - 100) {
        // A reordered or duplicated packet: counted, no new maximum.
      } else {
        // A jump: the sender restarted its numbering.
        newNumbering = true;
      }
    }
    if (newNumbering) {
      // What was lost under the old numbering stays lost; the new one counts from here.
      lostBefore = lostSoFar;
      receivedInNumbering = 0;
      baseSequence = sequenceNumber;
      maxSequence = sequenceNumber;
      cycles = 0;
    }
    receivedInNumbering++;
    lostSoFar = lostBefore + Math.max(0, expected() - receivedInNumbering);
    int arrival = (int) (long) (nowNanos * 1e-9 * clockRate);
    int transit = arrival - packetTimestamp;
    if (haveTransit) {
      int d = Math.abs(transit - lastTransit);
      jitterSamples += (d - jitterSamples) / 16.0;
    }
    lastTransit = transit;
    haveTransit = true;
  }

  /**
   * Adds what this leg lost since it last reported to {@code total}: the loss (expected less
   * received, RFC 3550 appendix A.3, summed over the sender's numberings) can be read any time by
   * any thread, but a counter only grows.
   */
  void reportLoss(LongAdder total) {
    long lost = lostSoFar;
    long before = lossReported.getAndAccumulate(lost, Math::max);
    if (lost > before) {
      total.add(lost - before);
    }
  }

  private long expected() {
    return baseSequence < 0 ? 0 : (long) cycles + maxSequence - baseSequence + 1;
  }

  private void onRtcp(SocketAddress from, long nowNanos) {
    int length = control.remaining();
    if (length < 8 || ((control.get(0) & 0xff) >> 6) != 2 || !fromParticipant(from)) {
      discarded++;
      return;
    }
    lastMediaNanos = nowNanos;
    if (from instanceof InetSocketAddress address) {
      rtcpTarget = address;
    }
    int packetType = control.get(1) & 0xff;
    if (packetType == 200 && length >= 28) {
      // Sender report: the middle 32 bits of its NTP time, for our LSR/DLSR (RFC 3550 6.4.1).
      lastSenderReport = control.getInt(10) & 0xffffffffL;
      lastSenderReportNanos = nowNanos;
    }
  }

  /** Sends this tick's 20 ms (silence included) and, every five seconds, an RTCP report. */
  void send(int[] mixed, boolean includesSelf, int mixGainQ12, long tick, long nowNanos) {
    if (!confirmed && !(earlyMedia && latched)) {
      nextPlayed(); // sounds keep time, heard or not: their stages complete
      advanceClock(); // nothing to an address that has not confirmed the call, or not sent
      return;
    }
    if (!sendsToParticipant()) {
      // On hold or receive-only: no media to them, but still a receiver report every 5 s.
      nextPlayed();
      advanceClock();
      if (--ticksToReport <= 0) {
        ticksToReport = RTCP_INTERVAL_TICKS;
        report(nowNanos, false);
      }
      return;
    }
    Outbound stream;
    boolean hearsMix = inMix;
    short[] sound = nextPlayed();
    try {
      if (includesSelf || !hearsMix || sound != null) {
        stream = current.own();
        stream.encode(
            hearsMix ? mixed : null, includesSelf ? contribution : null, mixGainQ12, sound);
      } else {
        stream = current.shared();
        if (stream.tick != tick) {
          stream.tick = tick;
          stream.length = 0;
          stream.encode(mixed, null, mixGainQ12, null);
        }
      }
    } catch (IllegalStateException e) {
      LOG.debug("Encoding for {} failed; this tick is skipped", id, e);
      advanceClock();
      return;
    }
    if (stream.length == 0) {
      advanceClock(); // its shared stream failed this tick
      return;
    }
    outbound.clear();
    outbound.put((byte) 0x80);
    outbound.put((byte) ((marker ? 0x80 : 0) | active.payloadType()));
    outbound.putShort((short) sequence);
    outbound.putInt(timestamp);
    outbound.putInt(ssrc);
    outbound.put(stream.payload, 0, stream.length);
    outbound.flip();
    try {
      ports.rtp().send(outbound, rtpTarget);
      sent++;
      octetsSent += stream.length;
      marker = false;
    } catch (IOException e) {
      if (!left) {
        LOG.debug("Sending media to {}", id, e);
      }
    }
    advanceClock();
    if (--ticksToReport <= 0) {
      ticksToReport = RTCP_INTERVAL_TICKS;
      report(nowNanos, true);
    }
  }

  /** This tick's samples of what is played to the participant, or null when nothing is. */
  private short[] nextPlayed() {
    if (stopPlayingRequested) {
      stopPlayingRequested = false;
      if (playing != null) {
        complete(playing);
        playing = null;
      }
    }
    if (playing == null) {
      playing = toPlay.poll();
      playedUpTo = 0;
      if (playing == null) {
        return null;
      }
    }
    int count = Math.min(played.length, playing.sound().length() - playedUpTo);
    playing.sound().copy(playedUpTo, played, 0, count);
    java.util.Arrays.fill(played, count, played.length, (short) 0);
    playedUpTo += count;
    if (playedUpTo >= playing.sound().length()) {
      complete(playing);
      playing = null;
    }
    return played;
  }

  private void complete(Playback playback) {
    mix.later(() -> playback.done().complete(null));
  }

  private void advanceClock() {
    sequence = (sequence + 1) & 0xffff;
    timestamp += active == null ? 160 : active.codec().unitsPerTick();
  }

  /**
   * A compound RTCP packet (RFC 3550 section 6.4): a sender report while we send media, a receiver
   * report otherwise, each with one report block when we receive, then SDES CNAME.
   */
  private void report(long nowNanos, boolean sender) {
    if (rtcpTarget == null) {
      return;
    }
    control.clear();
    boolean block = haveSource && received > 0;
    control.put((byte) (0x80 | (block ? 1 : 0)));
    control.put((byte) (sender ? 200 : 201));
    control.putShort((short) ((sender ? 6 : 1) + (block ? 6 : 0)));
    control.putInt(ssrc);
    if (sender) {
      long ntp = ntpNow();
      control.putInt((int) (ntp >>> 32));
      control.putInt((int) ntp);
      control.putInt(timestamp);
      control.putInt((int) sent);
      control.putInt((int) octetsSent);
    }
    if (block) {
      long expected = expected();
      long lost = Math.max(0, expected - received);
      long expectedInterval = expected - expectedPrior;
      long receivedInterval = received - receivedPrior;
      expectedPrior = expected;
      receivedPrior = received;
      long lostInterval = expectedInterval - receivedInterval;
      int fraction =
          expectedInterval == 0 || lostInterval <= 0
              ? 0
              : (int) ((lostInterval << 8) / expectedInterval);
      control.putInt(sourceSsrc);
      control.putInt((Math.min(fraction, 255) << 24) | (int) Math.min(lost, 0x7fffff));
      control.putInt(cycles + maxSequence);
      control.putInt((int) jitterSamples);
      control.putInt((int) lastSenderReport);
      long delay =
          lastSenderReport == 0 ? 0 : (nowNanos - lastSenderReportNanos) * 65536 / 1_000_000_000L;
      control.putInt((int) delay);
    }
    byte[] name = cname;
    int sdesBytes = 4 + 4 + 2 + name.length + 1;
    int padded = (sdesBytes + 3) & ~3;
    control.put((byte) 0x81);
    control.put((byte) 202);
    control.putShort((short) (padded / 4 - 1));
    control.putInt(ssrc);
    control.put((byte) 1);
    control.put((byte) name.length);
    control.put(name);
    for (int i = sdesBytes - 1; i < padded; i++) {
      control.put((byte) 0);
    }
    control.flip();
    try {
      ports.rtcp().send(control, rtcpTarget);
    } catch (IOException e) {
      LOG.debug("Sending RTCP to {}", id, e);
    }
  }

  private static long ntpNow() {
    long millis = System.currentTimeMillis();
    long seconds = millis / 1000 + 2_208_988_800L;
    long fraction = ((millis % 1000) << 32) / 1000;
    return (seconds << 32) | fraction;
  }

  String localAddress() {
    return localAddress;
  }

  int localPort() {
    return ports.rtpPort();
  }
}
