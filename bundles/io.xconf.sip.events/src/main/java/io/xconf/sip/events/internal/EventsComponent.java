package io.xconf.sip.events.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ObjectKind;
import io.xconf.sip.Sip;
import io.xconf.sip.SipAuthenticator;
import io.xconf.sip.SipRequest;
import io.xconf.sip.SipRequestHandler;
import io.xconf.sip.focus.Admission;
import io.xconf.sip.focus.Focus;
import io.xconf.store.HostingListener;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.Dialog;
import javax.sip.header.EventHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;
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
 * The conference event package (RFC 4575 over RFC 6665, RFC 6502's formats): SUBSCRIBE to a
 * conference URI, a full NOTIFY at once and on every refresh, then a NOTIFY for every change of the
 * conference object, whether it came from CCMP or from SIP. Watchers are admitted by the focus as
 * participants are; how many a conference and a source may have is bounded. Configured by PID
 * {@code io.xconf.sip.events}.
 */
@Component(
    immediate = true,
    service = {SipRequestHandler.class, ConferenceChangeListener.class, HostingListener.class},
    property = {SipRequestHandler.METHODS + "=SUBSCRIBE", "service.ranking:Integer=100"},
    configurationPid = EventsComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EventsComponent.Config.class)
public final class EventsComponent
    implements SipRequestHandler, ConferenceChangeListener, Subscription.Owner, HostingListener {

  static final String PID = "io.xconf.sip.events";
  static final String EVENT = "conference";
  private static final Logger LOG = LoggerFactory.getLogger(EventsComponent.class);
  private static final int RETRY_AFTER_SECONDS = 30;

  /** What the event package holds a conference on this node as, while it has watchers here. */
  static final String HOLDER = "events";

  @ObjectClassDefinition(
      name = "Xconf conference event package",
      description = "Who may watch conferences, and how many.")
  public @interface Config {
    @AttributeDefinition(name = "Watchers per conference", min = "1")
    int maxPerConference() default 1000;

    @AttributeDefinition(name = "Subscriptions per source address", min = "1")
    int maxPerSource() default 100;

    @AttributeDefinition(
        name = "Longest subscription",
        description = "Seconds; a SUBSCRIBE asking more gets this (RFC 4575 suggests 3600).",
        min = "60")
    int maxExpiresSeconds() default 3600;

    @AttributeDefinition(
        name = "NOTIFY threads",
        description = "Send NOTIFYs to watchers over UDP, which never waits.",
        min = "1",
        max = "32")
    int notifyThreads() default 4;

    @AttributeDefinition(
        name = "NOTIFY threads for TCP and TLS",
        description =
            "At most this many watchers over TCP or TLS are sent to at once, each on its own"
                + " thread: connecting to an address that leads nowhere waits up to 8 s, and"
                + " that must hold up no one else.",
        min = "1",
        max = "4096")
    int notifyStreamThreads() default 256;
  }

  private final Sip sip;
  private final SipAuthenticator authenticator;
  private final Focus focus;
  private final ConferenceService model;
  private final int maxPerConference;
  private final int maxPerSource;
  private final int maxExpires;
  private final ExecutorService notifiers;
  private final ThreadPoolExecutor streamNotifiers;
  private final ScheduledExecutorService timers;
  private final Map<String, Set<Subscription>> byConference = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> bySource = new ConcurrentHashMap<>();

  private final MeterRegistry meters;
  private final Meter subscriptionsGauge;

  private int subscriptions() {
    int count = 0;
    for (Set<Subscription> subscriptions : byConference.values()) {
      count += subscriptions.size();
    }
    return count;
  }

  @Activate
  public EventsComponent(
      @Reference Sip sip,
      @Reference SipAuthenticator authenticator,
      @Reference Focus focus,
      @Reference ConferenceService model,
      @Reference MeterRegistry meters,
      Config config) {
    this.meters = meters;
    this.subscriptionsGauge =
        Gauge.builder("xconf.subscriptions.active", this, EventsComponent::subscriptions)
            .description("Conference event package subscriptions in force")
            .strongReference(true)
            .register(meters);
    this.sip = sip;
    this.authenticator = authenticator;
    this.focus = focus;
    this.model = model;
    this.maxPerConference = config.maxPerConference();
    this.maxPerSource = config.maxPerSource();
    this.maxExpires = config.maxExpiresSeconds();
    AtomicInteger threads = new AtomicInteger();
    this.notifiers =
        Executors.newFixedThreadPool(
            config.notifyThreads(),
            task -> {
              Thread thread = new Thread(task, "xconf-events-notify-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    AtomicInteger streamThreads = new AtomicInteger();
    this.streamNotifiers =
        new ThreadPoolExecutor(
            config.notifyStreamThreads(),
            config.notifyStreamThreads(),
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread =
                  new Thread(task, "xconf-events-notify-stream-" + streamThreads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    streamNotifiers.allowCoreThreadTimeOut(true);
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-events-expiry");
              thread.setDaemon(true);
              return thread;
            });
    timers.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  @Deactivate
  void deactivate() {
    meters.remove(subscriptionsGauge);
    timers.shutdownNow();
    for (Set<Subscription> subscriptions : byConference.values()) {
      subscriptions.forEach(s -> s.end(SubscriptionStateHeader.DEACTIVATED, true));
    }
    notifiers.shutdown();
    streamNotifiers.shutdown();
    try {
      // The last NOTIFYs (terminated) go out before the stack stops; two seconds at most.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      notifiers.awaitTermination(2, TimeUnit.SECONDS);
      streamNotifiers.awaitTermination(
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ----- SUBSCRIBE -----

  @Override
  public boolean takes(SipRequest request) {
    return !request.hasToTag() && focus.conferenceOf(request).isPresent();
  }

  @Override
  public void handle(SipRequest request) {
    if (request.transaction() == null) {
      return; // a retransmission the stack answers
    }
    EventHeader event = (EventHeader) request.message().getHeader(EventHeader.NAME);
    if (event == null || !EVENT.equals(event.getEventType())) {
      try {
        Response bad = request.response(Response.BAD_EVENT);
        bad.addHeader(sip.headers().createAllowEventsHeader(EVENT));
        request.send(bad);
      } catch (Exception e) {
        request.respond(Response.BAD_EVENT, "only the conference event package");
      }
      return;
    }
    ConferenceObject conference = focus.conferenceOf(request).orElseThrow();
    Admission admission = focus.admit(request, conference, Focus.Purpose.WATCH);
    switch (admission.verdict()) {
      case REFUSE -> {
        request.respond(admission.status(), admission.reason());
        return;
      }
      case CHALLENGE -> {
        authenticator.challenge(request, authenticator.identify(request).staleCredentials());
        return;
      }
      default -> {}
    }
    // Watchers are told where the conference is hosted, as its callers are.
    if (!focus.servedHere(request, conference, HOLDER)) {
      return;
    }
    try {
      subscribe(request, conference, admission);
    } finally {
      if (!byConference.containsKey(conference.uri())) {
        focus.leave(conference.uri(), HOLDER);
      }
    }
  }

  private void subscribe(SipRequest request, ConferenceObject conference, Admission admission) {
    int expires = expires(request);
    InetAddress source = request.source().getAddress();
    Subscription subscription =
        new Subscription(
            sip,
            this,
            notifiers,
            streamNotifiers,
            conference.uri(),
            source,
            focus.contact(conference),
            new Bodies.View(Bodies.Format.accepted(request.message()), admission.manager()));
    if (expires > 0 && !take(subscription)) {
      overloaded(request);
      return;
    }
    Dialog dialog = accept(request, subscription, expires, conference);
    if (dialog == null) {
      forget(subscription);
      return;
    }
    subscription.renewed(System.currentTimeMillis() + expires * 1000L, subscription.view());
    if (expires == 0) {
      // A fetch (RFC 6665 section 4.4.3): the state once, then the subscription is over.
      subscription.end(SubscriptionStateHeader.TIMEOUT, true);
    }
  }

  /** A refresh within the subscription's dialog: admitted again, a full state again. */
  @Override
  public void refresh(SipRequest request, Subscription subscription) {
    Optional<ConferenceObject> conference = conference(subscription.conferenceUri);
    if (conference.isEmpty()) {
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "the conference is gone");
      subscription.end(SubscriptionStateHeader.NO_RESOURCE, true);
      return;
    }
    Admission admission = focus.admit(request, conference.get(), Focus.Purpose.WATCH);
    if (admission.verdict() == Admission.Verdict.CHALLENGE) {
      authenticator.challenge(request, authenticator.identify(request).staleCredentials());
      return;
    }
    if (admission.verdict() == Admission.Verdict.REFUSE) {
      request.respond(admission.status(), admission.reason());
      subscription.end(SubscriptionStateHeader.DEACTIVATED, true);
      return;
    }
    int expires = expires(request);
    try {
      Response ok = request.response(Response.OK);
      ok.addHeader(sip.headers().createExpiresHeader(expires));
      ok.addHeader(focus.contact(conference.get()));
      request.send(ok);
    } catch (Exception e) {
      LOG.debug("200 to a refresh failed", e);
      return;
    }
    if (expires == 0) {
      subscription.end(SubscriptionStateHeader.TIMEOUT, true);
    } else {
      subscription.renewed(
          System.currentTimeMillis() + expires * 1000L,
          new Bodies.View(Bodies.Format.accepted(request.message()), admission.manager()));
    }
  }

  private int expires(SipRequest request) {
    ExpiresHeader header = (ExpiresHeader) request.message().getHeader(ExpiresHeader.NAME);
    int asked = header == null ? 3600 : header.getExpires();
    return Math.max(0, Math.min(maxExpires, asked));
  }

  /** 200 with the subscription's length, the focus's Contact and a Record-Route; the dialog. */
  private Dialog accept(
      SipRequest request, Subscription subscription, int expires, ConferenceObject conference) {
    try {
      Response ok = request.response(Response.OK);
      ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(sip.newTag());
      ok.addHeader(sip.headers().createExpiresHeader(expires));
      ok.addHeader(focus.contact(conference));
      if (request.message().getHeader(RecordRouteHeader.NAME) == null) {
        ok.addHeader(sip.recordRoute(request.transport()));
      }
      Dialog dialog = sip.dialog(request.transaction(), subscription);
      subscription.dialog(dialog);
      request.send(ok);
      return dialog;
    } catch (Exception e) {
      LOG.error("SUBSCRIBE to {} failed", conference.uri(), e);
      request.respond(Response.SERVER_INTERNAL_ERROR, null);
      return null;
    }
  }

  /** Counts a subscription in, unless its conference or its source has enough. */
  private boolean take(Subscription subscription) {
    // Counted by the map's own atomic update: a counter taken out of the map could be dropped
    // from it by a subscription ending meanwhile, and what it then counted would be lost.
    if (bySource.merge(subscription.source, 1, Integer::sum) > maxPerSource) {
      release(subscription.source);
      return false;
    }
    boolean[] taken = {false};
    byConference.compute(
        subscription.conferenceUri,
        (uri, subscriptions) -> {
          Set<Subscription> set =
              subscriptions == null ? ConcurrentHashMap.newKeySet() : subscriptions;
          if (set.size() < maxPerConference) {
            set.add(subscription);
            taken[0] = true;
          }
          return set.isEmpty() ? null : set;
        });
    if (!taken[0]) {
      release(subscription.source);
    }
    return taken[0];
  }

  private void release(InetAddress source) {
    bySource.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
  }

  private void forget(Subscription subscription) {
    boolean[] removed = {false};
    byConference.computeIfPresent(
        subscription.conferenceUri,
        (uri, subscriptions) -> {
          removed[0] = subscriptions.remove(subscription);
          return subscriptions.isEmpty() ? null : subscriptions;
        });
    if (removed[0]) {
      release(subscription.source);
      if (!byConference.containsKey(subscription.conferenceUri)) {
        focus.leave(subscription.conferenceUri, HOLDER);
      }
    }
  }

  /** 503 with Retry-After (RFC 6665 section 4.2.1.1: too many subscriptions now). */
  private void overloaded(SipRequest request) {
    try {
      Response busy = request.response(Response.SERVICE_UNAVAILABLE);
      busy.setReasonPhrase("too many subscriptions");
      busy.addHeader(sip.headers().createRetryAfterHeader(RETRY_AFTER_SECONDS));
      request.send(busy);
    } catch (Exception e) {
      LOG.debug("503 failed", e);
    }
  }

  // ----- Subscription.Owner -----

  @Override
  public Optional<ConferenceObject> conference(String uri) {
    return model.get(uri).filter(o -> o.kind() == ObjectKind.CONFERENCE);
  }

  @Override
  public void ended(Subscription subscription) {
    forget(subscription);
  }

  // ----- hosting (several nodes) -----

  @Override
  public void takenOver(String conferenceUri) {
    // Watchers of the node that is gone subscribe again (their refresh fails) and come here.
  }

  /** Another node may host the conference now: its watchers here subscribe again, and go there. */
  @Override
  public void lost(String conferenceUri) {
    Set<Subscription> subscriptions = byConference.get(conferenceUri);
    if (subscriptions != null) {
      subscriptions.forEach(s -> s.end(SubscriptionStateHeader.DEACTIVATED, true));
    }
  }

  // ----- changes -----

  @Override
  public void changed(ConferenceChange change) {
    if (change.kind() == ConferenceChange.Kind.CREATED) {
      return;
    }
    Set<Subscription> subscriptions = byConference.get(change.uri());
    if (subscriptions == null) {
      return;
    }
    if (change.kind() == ConferenceChange.Kind.DELETED || change.after() == null) {
      subscriptions.forEach(s -> s.end(SubscriptionStateHeader.NO_RESOURCE, true));
      return;
    }
    // Each view's body is written once per change, however many watchers read it.
    Map<Bodies.View, Bodies.Body> bodies = new ConcurrentHashMap<>();
    String sipUri = sipUriOf(change.uri());
    for (Subscription subscription : subscriptions) {
      subscription.changed(change, sipUri, bodies);
    }
  }

  private String sipUriOf(String xconUri) {
    return "sip:" + xconUri.substring("xcon:".length(), xconUri.indexOf('@')) + "@" + sip.domain();
  }

  /** Ends the subscriptions whose time is up (RFC 6665 section 4.1.2.2). */
  private void expire() {
    long now = System.currentTimeMillis();
    for (Set<Subscription> subscriptions : byConference.values()) {
      for (Subscription subscription : subscriptions) {
        if (subscription.expiredAt(now)) {
          subscription.end(SubscriptionStateHeader.TIMEOUT, true);
        }
      }
    }
  }
}
