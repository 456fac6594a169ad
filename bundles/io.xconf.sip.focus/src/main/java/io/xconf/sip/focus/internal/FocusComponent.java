package io.xconf.sip.focus.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.xconf.accounts.Account;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.mixer.MixerControl;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ObjectKind;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import io.xconf.schedule.ConferenceActivityListener;
import io.xconf.schedule.ConferenceSchedule;
import io.xconf.sip.LocationService;
import io.xconf.sip.Sip;
import io.xconf.sip.SipAuthenticator;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import io.xconf.sip.SipRequestHandler;
import io.xconf.sip.focus.Admission;
import io.xconf.sip.focus.Focus;
import io.xconf.sip.focus.SpeakerListener;
import io.xconf.store.ConferenceHosting;
import io.xconf.store.HostingListener;
import io.xconf.store.StoreException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conference focus (RFC 4353, RFC 4579): takes INVITE, REFER and OPTIONS for conference URIs,
 * places the dial-outs of running conferences, keeps the roster, and decides who may join or watch
 * as whom ({@link AdmissionPolicy}). Configured by PID {@code io.xconf.sip.focus}.
 */
@Component(
    immediate = true,
    service = {
      SipRequestHandler.class,
      Focus.class,
      ConferenceChangeListener.class,
      ConferenceActivityListener.class,
      HostingListener.class
    },
    property = {
      SipRequestHandler.METHODS + "=INVITE",
      SipRequestHandler.METHODS + "=REFER",
      SipRequestHandler.METHODS + "=OPTIONS",
      "service.ranking:Integer=100"
    },
    configurationPid = FocusComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FocusComponent.Config.class)
public final class FocusComponent
    implements SipRequestHandler,
        Focus,
        ConferenceChangeListener,
        ConferenceActivityListener,
        HostingListener {

  static final String PID = "io.xconf.sip.focus";
  private static final Logger LOG = LoggerFactory.getLogger(FocusComponent.class);

  /**
   * How long a conference stays hosted here with nothing going on (no call, no subscription), so
   * that a call arriving just after the last one ended finds it here still.
   */
  static final long IDLE_MILLIS = 15_000;

  @ObjectClassDefinition(name = "Xconf SIP focus", description = "Where conferences meet SIP.")
  public @interface Config {
    @AttributeDefinition(
        name = "Mixer",
        description =
            "The xconf.mixer.name of the mixer for conferences whose document names none"
                + " (xconf:mixer in conference-description, inherited from the blueprint).")
    String mixer() default "embedded";

    @AttributeDefinition(
        name = "Calls per source",
        description =
            "Calls (connected, ringing or waiting) one IP address may have at once; more are"
                + " answered 503.",
        min = "1")
    int maxCallsPerSource() default 30;

    @AttributeDefinition(
        name = "Media timeout",
        description =
            "Seconds a call may send neither RTP nor RTCP (while its SDP says it sends) before"
                + " the focus hangs up; 0 never.",
        min = "0")
    int mediaTimeoutSeconds() default 60;

    @AttributeDefinition(
        name = "Dial-out schemes",
        description = "URI schemes the focus calls (dial-out targets, REFER): sip, sips, tel.")
    String dialOutSchemes() default "sip,sips";

    @AttributeDefinition(
        name = "Dial-out hosts",
        description = "Hosts the focus calls: * for any, *.example.com for a domain's, or hosts.")
    String dialOutHosts() default "*";

    @AttributeDefinition(
        name = "Telephone numbers abroad",
        description =
            "Whether the focus calls telephone numbers (numeric user parts, user=phone) at hosts"
                + " of other domains, such as PSTN gateways.")
    boolean dialOutNumbersAbroad() default false;

    @AttributeDefinition(
        name = "Prompts",
        description =
            "The folder of the voice prompts (<name>.wav, 16-bit PCM mono 16 kHz); empty for"
                + " etc/xconf/prompts.")
    String promptDirectory() default "";

    @AttributeDefinition(
        name = "Recordings' address",
        description =
            "The HTTPS URL recordings are served under (the server's /recordings/), which each"
                + " listed recording's uri starts with.")
    String recordingBaseUrl() default "https://localhost:8443/recordings/";

    @AttributeDefinition(
        name = "PIN guesses per hour",
        description =
            "Wrong PINs one IP address may key within an hour, in any calls, before its calls into"
                + " PIN rooms are refused and no PIN is compared for it.",
        min = "1")
    int pinGuessesPerHour() default PinFailures.DEFAULT_LIMIT;
  }

  private final Sip sip;
  private final SipAuthenticator authenticator;
  private final ConferenceService model;
  private final FocusContext focus;
  private final DialIn dialIn;
  private final DialOut dialOut;
  private final Referrals referrals;
  private final int mediaTimeoutMillis;
  private final SecureRandom random = new SecureRandom();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-focus-timers");
            thread.setDaemon(true);
            return thread;
          });

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile LocationService locations;

  private final MeterRegistry meters;
  private final List<Meter> gauges;

  @Reference(
      service = SpeakerListener.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile List<SpeakerListener> speakerListeners = List.of();

  /** A digit a caller keyed: its controls (*6). */
  private void keyed(Leg leg, char digit) {
    if (leg instanceof Call call) {
      focus.controls.keyed(call, digit);
    }
  }

  private void tellSpeakers(String conferenceUri, List<String> endpoints) {
    for (SpeakerListener listener : speakerListeners) {
      try {
        listener.speaking(conferenceUri, endpoints);
      } catch (RuntimeException e) {
        LOG.warn("A speaker listener failed on {}", conferenceUri, e);
      }
    }
  }

  @Activate
  public FocusComponent(
      @Reference Sip sip,
      @Reference SipAuthenticator authenticator,
      @Reference ConferenceService model,
      @Reference ConferenceSchedule schedule,
      @Reference MeterRegistry meters,
      // Which engine's leases: the target "hosting.target" in this PID's configuration.
      @Reference(name = "hosting") ConferenceHosting hosting,
      @Reference io.xconf.server.ServerIdentity identity,
      Config config,
      org.osgi.framework.BundleContext context) {
    this.sip = sip;
    this.authenticator = authenticator;
    this.model = model;
    this.focus =
        new FocusContext(
            sip,
            model,
            schedule,
            new RosterWriter(model),
            new LiveConferences(
                config.mixer().strip(),
                config.maxCallsPerSource(),
                this::tellSpeakers,
                this::keyed),
            hosting,
            new Prompts(promptFolder(config, context)),
            // Where the recordings endpoint serves them from (io.xconf.recordings).
            identity.stateDirectory().resolve("recordings"),
            config.recordingBaseUrl().strip(),
            new PinFailures(config.pinGuessesPerHour()),
            timers);
    this.referrals = new Referrals(focus, this);
    this.dialIn = new DialIn(focus, this, referrals);
    this.dialOut =
        new DialOut(
            focus,
            referrals,
            DialOutPolicy.of(
                config.dialOutSchemes(), config.dialOutNumbersAbroad(), config.dialOutHosts()),
            () -> locations);
    referrals.dialOut(dialOut);
    this.mediaTimeoutMillis = config.mediaTimeoutSeconds() * 1000;
    reconcile();
    for (ConferenceObject conference : model.conferences()) {
      if (schedule.isActive(conference.document())) {
        dialOut.later(conference.uri());
      }
    }
    timers.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    this.meters = meters;
    LiveConferences live = focus.live;
    this.gauges =
        List.of(
            Gauge.builder("xconf.calls.active", live, LiveConferences::calls)
                .description("Calls in progress (dial-in and dial-out, any state)")
                .strongReference(true)
                .register(meters),
            Gauge.builder("xconf.conferences.active", live, LiveConferences::conferences)
                .description("Conferences with at least one call in progress")
                .strongReference(true)
                .register(meters));
  }

  private static java.nio.file.Path promptFolder(
      Config config, org.osgi.framework.BundleContext context) {
    if (!config.promptDirectory().isBlank()) {
      return java.nio.file.Path.of(config.promptDirectory().strip());
    }
    String etc = context.getProperty("karaf.etc");
    return etc == null ? null : java.nio.file.Path.of(etc, "xconf", "prompts");
  }

  @Deactivate
  void deactivate() {
    // A gauge registered again under the same name would be the old one, reading this instance.
    gauges.forEach(meters::remove);
    timers.shutdownNow();
    dialOut.shutdown();
    for (Leg leg : focus.live.all()) {
      leg.end(null, false);
    }
    focus.roster.shutdown();
  }

  @Reference(
      service = MixerControl.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void addMixer(MixerControl mixer, Map<String, Object> properties) {
    Object name = properties.get(MixerControl.NAME);
    if (name != null) {
      focus.live.addMixer(name.toString(), mixer);
    }
  }

  void removeMixer(MixerControl mixer, Map<String, Object> properties) {
    Object name = properties.get(MixerControl.NAME);
    if (name != null) {
      focus.live.removeMixer(name.toString(), mixer);
    }
  }

  // ----- SIP: INVITE, REFER, OPTIONS to a conference URI -----

  @Override
  public boolean takes(SipRequest request) {
    return !request.hasToTag() && conferenceOf(request).isPresent();
  }

  @Override
  public void handle(SipRequest request) {
    ConferenceObject conference = conferenceOf(request).orElseThrow();
    if (request.method().equals(Request.OPTIONS)) {
      request.respond(Response.OK, null);
      return;
    }
    if (request.transaction() == null || !servedHere(request, conference, FocusContext.HOLDER)) {
      return; // a retransmission the stack answers, or one for the conference's host
    }
    switch (request.method()) {
      case Request.INVITE -> dialIn.invite(request, conference);
      case Request.REFER -> referrals.refer(request, conference);
      default -> request.respond(Response.OK, null);
    }
  }

  // ----- Focus -----

  @Override
  public Optional<ConferenceObject> conferenceOf(SipRequest request) {
    SipURI uri = request.target();
    if (uri == null || uri.getUser() == null || !sip.isLocal(uri)) {
      return Optional.empty();
    }
    return model
        .get("xcon:" + uri.getUser() + "@" + sip.domain())
        .filter(object -> object.kind() == ObjectKind.CONFERENCE);
  }

  @Override
  public Admission admit(SipRequest request, ConferenceObject conference, Purpose purpose) {
    return decide(conference, caller(request, conference), purpose, List.of());
  }

  @Override
  public ContactHeader contact(ConferenceObject conference) {
    return focus.contact(conference.uri());
  }

  @Override
  public boolean servedHere(SipRequest request, ConferenceObject conference, String holder) {
    ConferenceHosting hosting = focus.hosting;
    try {
      // Twice: a lease that lapses between taking and looking is free for the second try.
      for (int tries = 0; tries < 2; tries++) {
        if (hosting.host(conference.uri(), holder)) {
          return true;
        }
        Optional<ConferenceHosting.Host> host = hosting.hostOf(conference.uri());
        if (host.isPresent() && !host.get().here()) {
          redirect(request, conference, host.get());
          return false;
        }
      }
      unavailable(request, "the conference is moving between nodes");
    } catch (StoreException e) {
      LOG.warn("Cannot tell which node hosts {}: {}", conference.uri(), e.getMessage());
      unavailable(request, "cannot tell which node hosts the conference");
    }
    return false;
  }

  @Override
  public void leave(String conferenceUri, String holder) {
    focus.hosting.release(conferenceUri, holder, IDLE_MILLIS);
  }

  /**
   * 302 to the conference at the node that hosts it (RFC 3261 section 21.3.3), so that a caller who
   * reached another node is mixed with the others there, never beside them.
   */
  private void redirect(
      SipRequest request, ConferenceObject conference, ConferenceHosting.Host host) {
    try {
      SipURI node = (SipURI) sip.addresses().createURI(host.sipUri());
      node.setUser(FocusContext.conferenceId(conference.uri()));
      Response moved = request.response(Response.MOVED_TEMPORARILY);
      moved.setReasonPhrase("Hosted by node " + host.node());
      moved.addHeader(sip.headers().createContactHeader(sip.addresses().createAddress(node)));
      request.send(moved);
      LOG.debug("{} for {} sent to node {}", request.method(), conference.uri(), host.node());
    } catch (Exception e) {
      LOG.warn("Cannot redirect to node {} ({}): {}", host.node(), host.sipUri(), e.toString());
      unavailable(request, "the conference's node cannot be reached");
    }
  }

  private void unavailable(SipRequest request, String reason) {
    try {
      Response busy = request.response(Response.SERVICE_UNAVAILABLE);
      busy.setReasonPhrase(reason);
      busy.addHeader(sip.headers().createRetryAfterHeader(2));
      request.send(busy);
    } catch (Exception e) {
      request.respond(Response.SERVICE_UNAVAILABLE, reason);
    }
  }

  /** What a request tells of its sender: what it proved, and what its From claims. */
  AdmissionPolicy.Caller caller(SipRequest request, ConferenceObject conference) {
    SipIdentity identity = authenticator.identify(request);
    FromHeader from = (FromHeader) request.message().getHeader(FromHeader.NAME);
    String claimed = UserIds.comparable(from.getAddress().getURI().toString());
    boolean claimsLocal =
        from.getAddress().getURI() instanceof SipURI uri
            && uri.getHost() != null
            && uri.getHost().equalsIgnoreCase(sip.domain());
    Account account = identity.account();
    return new AdmissionPolicy.Caller(
        identity,
        claimed,
        claimsLocal,
        account != null && authenticator.owns(account, claimed),
        account != null && ConferenceAccess.manages(conference, account));
  }

  Admission decide(
      ConferenceObject conference,
      AdmissionPolicy.Caller caller,
      Purpose purpose,
      List<String> givenIdentities) {
    return AdmissionPolicy.decide(
        conference.document(), caller, purpose, this::anonymousUser, givenIdentities);
  }

  void challenge(SipRequest request, AdmissionPolicy.Caller caller) {
    authenticator.challenge(request, caller.identity().staleCredentials());
  }

  /** A user for a caller that proved nothing: new each time, whatever its From says. */
  private String anonymousUser() {
    return UserIds.derived(
        "anonymous:" + random.nextLong() + ":" + random.nextLong(), sip.domain());
  }

  // ----- the model and the schedule -----

  /**
   * A user this change took out of the conference (a userRequest/delete, RFC 6503 section 5.3.6)
   * takes its calls with it. Only users the document had before: a caller whose roster entry is
   * still being written is not one.
   */
  private void endCallsOfRemovedUsers(ConferenceChange change) {
    if (change.before() == null) {
      return;
    }
    for (Leg leg : focus.live.legs(change.uri())) {
      if (Roster.user(change.before(), leg.entity()).isPresent()
          && Roster.user(change.after(), leg.entity()).isEmpty()) {
        LOG.info(
            "{}: {} was removed from the conference; its call ends", change.uri(), leg.entity());
        // Its user is gone from the roster: nothing to record there.
        leg.end(null, false);
      }
    }
  }

  @Override
  public void changed(ConferenceChange change) {
    if (change.kind() == ConferenceChange.Kind.DELETED || change.after() == null) {
      dialOut.forget(change.uri());
      focus.live.endAll(change.uri(), null);
      focus.hosting.release(change.uri(), FocusContext.HOLDER, 0);
      return;
    }
    if (RosterWriter.ACTOR.equals(change.actor())) {
      return; // the focus's own roster updates change nothing it acts on
    }
    Optional<ConferenceObject> conference =
        model.get(change.uri()).filter(o -> o.kind() == ObjectKind.CONFERENCE);
    if (conference.isEmpty()) {
      return;
    }
    XmlElement after = change.after();
    endCallsOfRemovedUsers(change);
    if (focus.schedule.isActive(after)) {
      dialOut.later(change.uri());
    }
    dialIn.reconsider(conference.get());
    focus.controls.apply(change.uri(), after);
  }

  @Override
  public void started(String conferenceUri) {
    dialOut.later(conferenceUri);
  }

  @Override
  public void ended(String conferenceUri) {
    focus.live.endAll(conferenceUri, "the conference ended");
    dialOut.forget(conferenceUri);
  }

  // ----- hosting (several nodes) -----

  /**
   * The node that hosted the conference is gone, and with it its calls: their users leave the
   * roster (or show why they are disconnected), the dial-out targets are called again, callers are
   * taken in here.
   */
  @Override
  public void takenOver(String conferenceUri) {
    timers.execute(
        () -> {
          if (!focus.hostHere(conferenceUri)) {
            return;
          }
          Optional<ConferenceObject> conference =
              model.get(conferenceUri).filter(o -> o.kind() == ObjectKind.CONFERENCE);
          if (conference.isEmpty()) {
            focus.hosting.release(conferenceUri, FocusContext.HOLDER, 0);
            return;
          }
          reconcile(conference.get(), "the call was lost with the node that hosted it");
          dialOut.forget(conferenceUri);
          if (focus.schedule.isActive(conference.get().document())) {
            dialOut.later(conferenceUri);
          }
          dialIn.reconsider(conference.get());
        });
  }

  /**
   * Another node may host the conference now: its calls here end at once, and the roster is left to
   * that node.
   */
  @Override
  public void lost(String conferenceUri) {
    dialOut.forget(conferenceUri);
    for (Leg leg : focus.live.legs(conferenceUri)) {
      leg.end(null, false);
    }
  }

  // ----- upkeep -----

  private void sweep() {
    try {
      long now = System.currentTimeMillis();
      dialIn.expireWaiting(now);
      dialIn.expirePinEntry(now);
      dialOut.expire(now);
      for (String hosted : focus.hosting.hosted()) {
        if (focus.live.legs(hosted).isEmpty()) {
          focus.hosting.release(hosted, FocusContext.HOLDER, IDLE_MILLIS);
        }
      }
      if (mediaTimeoutMillis > 0) {
        for (Leg leg : focus.live.all()) {
          if (leg instanceof Call call
              && call.state() == Call.State.CONFIRMED
              && call.media().idleMillis() > mediaTimeoutMillis) {
            LOG.debug("No media from {} in {}: hung up", call.endpoint(), call.conferenceUri());
            call.end("no media for " + mediaTimeoutMillis / 1000 + " s", false);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.error("Focus upkeep failed", e);
    }
  }

  /**
   * The calls the stored rosters show in progress ended with the process or component that had
   * them, unless another node hosts their conference now: on the conferences this node takes, users
   * the focus added leave, the others show why they are disconnected.
   */
  private void reconcile() {
    for (ConferenceObject conference : model.conferences()) {
      if (Roster.liveEndpoints(conference.document()).isEmpty()) {
        continue;
      }
      if (focus.hostHere(conference.uri())) {
        reconcile(conference, "the call was lost when the focus restarted");
      }
    }
  }

  /** Writes the live endpoints of the roster that are no calls here as lost. */
  private void reconcile(ConferenceObject conference, String why) {
    Set<String> here = new HashSet<>();
    for (Leg leg : focus.live.legs(conference.uri())) {
      here.add(leg.endpoint());
    }
    Set<String> removed = new HashSet<>();
    List<XmlElement> updates = new ArrayList<>();
    for (Roster.LiveEndpoint stale : Roster.liveEndpoints(conference.document())) {
      if (here.contains(stale.endpoint())) {
        continue;
      }
      if (stale.addedByFocus()) {
        if (removed.add(stale.entity())) {
          updates.add(Roster.left(stale.entity(), stale.endpoint(), true));
        }
      } else {
        updates.add(
            Roster.disconnected(stale.entity(), stale.endpoint(), "failed", focus.now(), why));
      }
    }
    if (!updates.isEmpty()) {
      LOG.info("{}: {} calls lost ({})", conference.uri(), updates.size(), why);
      updates.forEach(update -> focus.roster.write(conference.uri(), update));
    }
  }
}
