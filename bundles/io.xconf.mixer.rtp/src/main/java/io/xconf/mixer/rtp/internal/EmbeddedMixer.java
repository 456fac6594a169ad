package io.xconf.mixer.rtp.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.xconf.mixer.Mix;
import io.xconf.mixer.MixListener;
import io.xconf.mixer.MixerControl;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.SdpException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded mixer: Opus, G.722 and G.711 audio mixed in-process at 16 kHz, on a media clock with
 * one lane (thread) per core.
 */
@Component(
    service = MixerControl.class,
    configurationPid = EmbeddedMixer.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    property = MixerControl.NAME + "=embedded")
@Designate(ocd = EmbeddedMixer.Config.class)
public final class EmbeddedMixer implements MixerControl {

  static final String PID = "io.xconf.mixer.rtp";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMixer.class);

  @ObjectClassDefinition(
      name = "Xconf embedded RTP mixer",
      description = "Mixes Opus, G.722 and G.711 audio at 16 kHz.")
  public @interface Config {
    @AttributeDefinition(name = "Lowest RTP port", min = "1024", max = "65534")
    int portMin() default 40000;

    @AttributeDefinition(name = "Highest RTP port", min = "1025", max = "65535")
    int portMax() default 49999;

    @AttributeDefinition(
        name = "Bind address",
        description =
            "Where the RTP sockets listen: this machine only unless told (the distribution"
                + " binds SIP's address); empty for all interfaces.")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(
        name = "Media address",
        description =
            "The address put into SDP; empty for the local address that routes to each"
                + " participant (set it behind NAT).")
    String mediaAddress() default "";

    @AttributeDefinition(
        name = "Loudest speakers mixed",
        description = "Only this many of the loudest participants are mixed at once.",
        min = "1",
        max = "16")
    int loudestSpeakers() default 3;

    @AttributeDefinition(name = "Smallest jitter buffer (ms)", min = "10", max = "200")
    int minJitterMillis() default 20;

    @AttributeDefinition(name = "Largest jitter buffer (ms)", min = "20", max = "300")
    int maxJitterMillis() default 200;

    @AttributeDefinition(
        name = "Media clock threads",
        description =
            "Threads that run the mixes, each a share of the conferences; 0 for one per core.",
        min = "0",
        max = "64")
    int clockThreads() default 0;

    @AttributeDefinition(
        name = "Latching",
        description =
            "Whose media a leg takes and answers: sdp, only from the address its SDP names (a"
                + " NAT may change the port); any, the first source that sends (phones behind NAT"
                + " that write a private address into SDP; anyone who guesses the port can take"
                + " the leg over).")
    String latching() default "sdp";
  }

  private final PortRange ports;
  private final String mediaAddress;
  private final int loudestSpeakers;
  private final int minJitterMillis;
  private final int maxJitterMillis;
  private final boolean latchAnySource;
  private final CopyOnWriteArrayList<RtpMix> mixes = new CopyOnWriteArrayList<>();
  private final ExecutorService events;
  private final ExecutorService recorder;
  private final MediaClock clock;
  private final LongAdder lostPackets = new LongAdder();
  private final MeterRegistry meters;
  private final List<Meter> meterList;

  @Activate
  public EmbeddedMixer(Config config, @Reference MeterRegistry meters) throws UnknownHostException {
    InetAddress bind =
        config.bindAddress().isBlank() ? null : InetAddress.getByName(config.bindAddress().strip());
    this.ports = new PortRange(bind, config.portMin(), config.portMax());
    this.mediaAddress = config.mediaAddress().strip();
    this.loudestSpeakers = Math.max(1, config.loudestSpeakers());
    this.minJitterMillis = config.minJitterMillis();
    this.maxJitterMillis = Math.max(config.minJitterMillis(), config.maxJitterMillis());
    String latching = config.latching().strip().toLowerCase(java.util.Locale.ROOT);
    if (!latching.equals("sdp") && !latching.equals("any")) {
      throw new IllegalArgumentException("latching is sdp or any, not " + config.latching());
    }
    this.latchAnySource = latching.equals("any");
    this.events =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-mixer-events");
              thread.setDaemon(true);
              return thread;
            });
    this.recorder =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-mixer-recorder");
              thread.setDaemon(true);
              return thread;
            });
    Timer lateness =
        Timer.builder("xconf.mixer.tick.lateness")
            .description("How late each 20 ms mixing tick started after its deadline")
            .serviceLevelObjectives(
                Duration.ofNanos(500_000),
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(20),
                Duration.ofMillis(40),
                Duration.ofMillis(100))
            .register(meters);
    int lanes =
        config.clockThreads() > 0
            ? config.clockThreads()
            : Runtime.getRuntime().availableProcessors();
    this.clock = new MediaClock(() -> mixes, lateness, lanes);
    this.meters = meters;
    this.meterList =
        List.of(
            lateness,
            FunctionCounter.builder("xconf.mixer.ticks.late", clock, MediaClock::lateTicks)
                .description("Mixing ticks that started more than a tick late")
                .register(meters),
            FunctionCounter.builder("xconf.rtp.packets.lost", this, EmbeddedMixer::countLoss)
                .description("RTP packets lost on their way in (expected less received)")
                .register(meters),
            Gauge.builder("xconf.mixer.legs", this, EmbeddedMixer::legCount)
                .description("Media legs in the embedded mixer's mixes")
                .strongReference(true)
                .register(meters));
    clock.start();
    LOG.info(
        "Embedded mixer on RTP ports {}-{}, mixing the {} loudest, on {} clock threads",
        config.portMin(),
        config.portMax(),
        loudestSpeakers,
        lanes);
  }

  @Deactivate
  public void deactivate() {
    meterList.forEach(meters::remove);
    for (RtpMix mix : mixes) {
      mix.close();
    }
    clock.stop();
    events.shutdown();
    recorder.shutdown();
    try {
      events.awaitTermination(2, TimeUnit.SECONDS);
      // Recordings the closing mixes stopped are completed on disk before the bundle goes.
      recorder.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Mix createMix(String conferenceUri, MixListener listener) {
    RtpMix mix =
        new RtpMix(
            conferenceUri,
            this,
            listener == null ? new MixListener() {} : listener,
            events,
            loudestSpeakers,
            clock.assignLane());
    mixes.add(mix);
    return mix;
  }

  /** Packets lost on all legs, the ones gone included. */
  private double countLoss() {
    for (RtpMix mix : mixes) {
      for (RtpLeg leg : mix.rtpLegs()) {
        leg.reportLoss(lostPackets);
      }
    }
    return lostPackets.sum();
  }

  private double legCount() {
    int legs = 0;
    for (RtpMix mix : mixes) {
      legs += mix.rtpLegs().size();
    }
    return legs;
  }

  /** The thread recordings are written on, one after the other. */
  java.util.concurrent.Executor recorder() {
    return recorder;
  }

  LongAdder lostPackets() {
    return lostPackets;
  }

  void remove(RtpMix mix) {
    mixes.remove(mix);
  }

  List<RtpMix> mixes() {
    return mixes;
  }

  MediaClock clock() {
    return clock;
  }

  int portsInUse() {
    return ports.inUse();
  }

  RtpLeg newLeg(String legId, RtpMix mix, String offer) throws SdpException, MixerException {
    PortRange.Pair pair = ports.allocate();
    RtpLeg leg =
        new RtpLeg(
            legId,
            mix,
            pair,
            addressFacing(offer),
            minJitterMillis,
            maxJitterMillis,
            latchAnySource);
    try {
      leg.acceptOffer(offer);
    } catch (SdpException | RuntimeException e) {
      leg.leave();
      throw e;
    }
    return leg;
  }

  RtpLeg newOfferingLeg(String legId, RtpMix mix) throws MixerException {
    PortRange.Pair pair = ports.allocate();
    RtpLeg leg =
        new RtpLeg(
            legId,
            mix,
            pair,
            addressFacing(null),
            minJitterMillis,
            maxJitterMillis,
            latchAnySource);
    leg.makeOffer();
    return leg;
  }

  /** The configured media address, or the local address the system routes the offer's way. */
  private String addressFacing(String offer) {
    if (!mediaAddress.isEmpty()) {
      return mediaAddress;
    }
    String remote = offer == null ? null : Sdp.connectionAddress(offer);
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(new InetSocketAddress(remote == null ? "192.0.2.1" : remote, 9));
      InetAddress local = probe.getLocalAddress();
      if (local != null && !local.isAnyLocalAddress()) {
        return local.getHostAddress();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("No route towards {}", remote, e);
    }
    return InetAddress.getLoopbackAddress().getHostAddress();
  }
}
