package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.CodecPolicy;
import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.MixListener;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.Recording;
import io.xconf.mixer.SdpException;
import io.xconf.mixer.Speaker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The mix of one conference, at 16 kHz: each tick, every leg's next 20 ms is read, the loudest few
 * are summed, and every leg gets the sum minus its own contribution (mix-minus). Legs that are not
 * among the mixed all hear the same sum, so it is encoded once per codec setting and shared.
 */
final class RtpMix implements io.xconf.mixer.Mix {

  /**
   * The mix rate: wideband, as G.722 and Opus speech need and all a phone's voice holds; 48 kHz
   * would triple the cost of mixing and of encoding for nothing a caller hears.
   */
  static final int RATE = 16000;

  static final int SAMPLES_PER_TICK = RATE / 50;

  private static final double SPEECH_ENERGY = 32768.0 * 32768.0 * Math.pow(10, -50 / 10.0);
  private static final int SPEAKER_EVENT_TICKS = 10;
  private static final int STATISTICS_TICKS = 250;

  private final String conferenceUri;
  private final int lane;
  private final EmbeddedMixer mixer;
  private final MixListener listener;
  private final Executor events;
  private final CopyOnWriteArrayList<RtpLeg> legs = new CopyOnWriteArrayList<>();
  private volatile boolean muted;
  private volatile int gainQ12 = 1 << 12;
  private volatile boolean closed;
  private volatile Set<AudioCodec> codecs = EnumSet.allOf(AudioCodec.class);
  private final CopyOnWriteArrayList<Outbound> shared = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<WavRecording> recordings = new CopyOnWriteArrayList<>();

  // Clock-thread state.
  private final int[] mixed = new int[SAMPLES_PER_TICK];
  private long ticks;
  private final RtpLeg[] loudest;
  private List<Speaker> lastSpeakers = List.of();
  private int ticksToSpeakerEvent = SPEAKER_EVENT_TICKS;
  private int ticksToStatistics = STATISTICS_TICKS;

  RtpMix(
      String conferenceUri,
      EmbeddedMixer mixer,
      MixListener listener,
      Executor events,
      int loudestSpeakers,
      int lane) {
    this.conferenceUri = conferenceUri;
    this.lane = lane;
    this.mixer = mixer;
    this.listener = listener;
    this.events = events;
    this.loudest = new RtpLeg[loudestSpeakers];
  }

  static int gainQ12(int decibels) {
    int bounded = Math.max(-127, Math.min(127, decibels));
    double linear = Math.pow(10, bounded / 20.0);
    return (int) Math.min(Integer.MAX_VALUE / 65536, Math.round(linear * 4096));
  }

  /** The media clock lane this mix is run on, always the same thread. */
  int lane() {
    return lane;
  }

  @Override
  public String conferenceUri() {
    return conferenceUri;
  }

  @Override
  public MediaLeg join(String legId, String sdpOffer) throws SdpException, MixerException {
    RtpLeg leg = mixer.newLeg(legId, this, sdpOffer);
    add(leg);
    return leg;
  }

  @Override
  public MediaLeg offer(String legId) throws MixerException {
    RtpLeg leg = mixer.newOfferingLeg(legId, this);
    add(leg);
    return leg;
  }

  private void add(RtpLeg leg) throws MixerException {
    if (closed) {
      leg.leave();
      throw new MixerException("the mix of " + conferenceUri + " is closed");
    }
    legs.add(leg);
  }

  void remove(RtpLeg leg) {
    legs.remove(leg);
    leg.reportLoss(mixer.lostPackets());
  }

  /** The legs as they are now (the media clock's view). */
  List<RtpLeg> rtpLegs() {
    return legs;
  }

  @Override
  public Collection<MediaLeg> legs() {
    return List.copyOf(legs);
  }

  @Override
  public void setCodecPolicy(CodecPolicy policy) {
    Set<AudioCodec> allowed = EnumSet.noneOf(AudioCodec.class);
    for (AudioCodec codec : AudioCodec.values()) {
      if (policy.allows(codec.subtype())) {
        allowed.add(codec);
      }
    }
    codecs = allowed;
  }

  /** The codecs new agreements may use, in our order of preference. */
  Set<AudioCodec> codecs() {
    return codecs;
  }

  /**
   * The stream this mix shares among legs that agreed on {@code agreement}'s settings, made now
   * (off the media clock, where an encoder's making would cost a tick) if it has none yet.
   */
  Outbound sharedStream(Sdp.Agreement agreement) {
    for (Outbound stream : shared) {
      if (stream.sharedBy(agreement)) {
        return stream;
      }
    }
    synchronized (shared) {
      for (Outbound stream : shared) {
        if (stream.sharedBy(agreement)) {
          return stream;
        }
      }
      Outbound stream = new Outbound(agreement.codec(), agreement.bitrate());
      shared.add(stream);
      return stream;
    }
  }

  @Override
  public void setMuted(boolean muted) {
    this.muted = muted;
  }

  @Override
  public void setGain(int decibels) {
    gainQ12 = gainQ12(decibels);
  }

  @Override
  public Recording record(Path file) throws MixerException {
    if (closed) {
      throw new MixerException("the mix of " + conferenceUri + " is closed");
    }
    WavRecording[] made = new WavRecording[1];
    made[0] = WavRecording.create(file, mixer.recorder(), () -> recordings.remove(made[0]));
    recordings.add(made[0]);
    if (closed) {
      made[0].stop(); // the mix closed meanwhile: its close did not see this one
      throw new MixerException("the mix of " + conferenceUri + " is closed");
    }
    return made[0];
  }

  /** Runs a task off the media clock, on the mixer's event thread. */
  void later(Runnable task) {
    events.execute(task);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (WavRecording recording : recordings) {
      recording.stop();
    }
    mixer.remove(this);
    for (RtpLeg leg : legs) {
      leg.leave();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** One 20 ms step of this conference; runs on its media clock lane's thread only. */
  void tick(long nowNanos) {
    List<RtpLeg> current = legs;
    int chosen = 0;
    boolean everyoneMuted = muted;
    for (RtpLeg leg : current) {
      leg.receive(nowNanos);
      if (everyoneMuted || !leg.speaking || leg.energy < SPEECH_ENERGY) {
        continue;
      }
      chosen = insertByEnergy(leg, chosen);
    }
    java.util.Arrays.fill(mixed, 0);
    for (int k = 0; k < chosen; k++) {
      int[] contribution = loudest[k].contribute();
      for (int i = 0; i < mixed.length; i++) {
        mixed[i] += contribution[i];
      }
    }
    int outputGain = gainQ12;
    for (WavRecording recording : recordings) {
      recording.append(mixed, outputGain);
    }
    long tick = ++ticks;
    for (RtpLeg leg : current) {
      leg.send(mixed, isChosen(leg, chosen), outputGain, tick, nowNanos);
    }
    if (--ticksToSpeakerEvent <= 0) {
      ticksToSpeakerEvent = SPEAKER_EVENT_TICKS;
      reportSpeakers(chosen);
    }
    if (--ticksToStatistics <= 0) {
      ticksToStatistics = STATISTICS_TICKS;
      for (RtpLeg leg : current) {
        var statistics = leg.statistics();
        String legId = leg.id();
        events.execute(() -> listener.statistics(conferenceUri, legId, statistics));
      }
    }
    java.util.Arrays.fill(loudest, null);
  }

  /** Keeps {@code loudest} sorted, loudest first, with at most its length of legs. */
  private int insertByEnergy(RtpLeg leg, int count) {
    int position = count;
    while (position > 0 && loudest[position - 1].energy < leg.energy) {
      position--;
    }
    if (position >= loudest.length) {
      return count;
    }
    int kept = Math.min(count, loudest.length - 1);
    System.arraycopy(loudest, position, loudest, position + 1, kept - position);
    loudest[position] = leg;
    return kept + 1;
  }

  private boolean isChosen(RtpLeg leg, int chosen) {
    for (int k = 0; k < chosen; k++) {
      if (loudest[k] == leg) {
        return true;
      }
    }
    return false;
  }

  /** Tells the listener of a digit a leg keyed, off the media clock. */
  void dtmf(String legId, char digit) {
    events.execute(() -> listener.dtmf(conferenceUri, legId, digit));
  }

  private void reportSpeakers(int chosen) {
    List<Speaker> speakers = new ArrayList<>(chosen);
    for (int k = 0; k < chosen; k++) {
      speakers.add(new Speaker(loudest[k].id(), dbov(loudest[k].energy)));
    }
    if (changed(lastSpeakers, speakers)) {
      lastSpeakers = speakers;
      List<Speaker> snapshot = List.copyOf(speakers);
      events.execute(() -> listener.speakers(conferenceUri, snapshot));
    }
  }

  /** A new speaker, one gone, or a level that moved by 6 dB or more. */
  private static boolean changed(List<Speaker> before, List<Speaker> now) {
    if (before.size() != now.size()) {
      return true;
    }
    for (int i = 0; i < now.size(); i++) {
      Speaker was = before.get(i);
      Speaker is = now.get(i);
      if (!was.legId().equals(is.legId()) || Math.abs(was.levelDbov() - is.levelDbov()) >= 6) {
        return true;
      }
    }
    return false;
  }

  static int dbov(double energy) {
    if (energy <= 0) {
      return -127;
    }
    double db = 10 * Math.log10(energy / (32768.0 * 32768.0));
    return (int) Math.max(-127, Math.min(0, Math.round(db)));
  }
}
