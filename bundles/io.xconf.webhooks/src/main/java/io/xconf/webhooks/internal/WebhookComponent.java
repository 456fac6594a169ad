package io.xconf.webhooks.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.schedule.ConferenceActivityListener;
import io.xconf.server.ServerIdentity;
import io.xconf.store.ConferenceHosting;
import io.xconf.store.StoreException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks: every change of a conference, its start and end by its schedule, and what the roster
 * says of its participants, POSTed as one signed JSON event per request to each configured URL.
 *
 * <p>At least once: an event is written to the outbox (SQLite in the data folder, fsync'd) by this
 * component's own thread, a few milliseconds after the change, so neither a CCMP answer nor a call
 * ever waits for it, and delivered until the receiver answers 2xx, with growing delays (1 s
 * doubling to 5 min) for {@code maxAgeHours}. A conference's events reach each URL in order: only
 * its oldest undelivered one is tried. A retried event keeps its {@code id}.
 */
@Component(
    immediate = true,
    service = {ConferenceChangeListener.class, ConferenceActivityListener.class},
    // The model tells its listeners in ascending ranking: this one hears a change before the
    // schedule turns it into a start, so conference.created comes before conference.started.
    property = "service.ranking:Integer=-1000",
    configurationPid = WebhookComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WebhookComponent.Config.class)
public final class WebhookComponent
    implements ConferenceChangeListener, ConferenceActivityListener {

  static final String PID = "io.xconf.webhooks";

  @ObjectClassDefinition(
      name = "Xconf webhooks",
      description = "Conference and participant events POSTed as signed JSON.")
  public @interface Config {
    @AttributeDefinition(
        name = "URLs",
        description =
            "Where events are POSTed, comma separated; empty, nowhere. https://, or http:// to"
                + " this machine unless plain HTTP is allowed.")
    String urls() default "";

    @AttributeDefinition(
        name = "Secret",
        description = "Key of the HMAC-SHA256 signature in X-Xconf-Signature; required with URLs.",
        type = AttributeType.PASSWORD)
    String secret() default "";

    @AttributeDefinition(
        name = "Plain HTTP to other machines",
        description = "Allow http:// URLs of other machines (events in clear on the network).")
    boolean allowPlain() default false;

    @AttributeDefinition(
        name = "Give up after",
        description = "Hours an undelivered event is retried before it is dropped (logged).",
        min = "1")
    int maxAgeHours() default 24;

    @AttributeDefinition(
        name = "Timeout",
        description = "Seconds to connect and to get an answer, per delivery.",
        min = "1")
    int timeoutSeconds() default 10;

    @AttributeDefinition(
        name = "Deliveries at once",
        description = "Events being delivered at the same time (to different conferences or URLs).",
        min = "1")
    int maxInFlight() default 16;
  }

  static final String FILE_NAME = "webhooks.db";
  private static final long FIRST_RETRY_MILLIS = 1000;
  private static final long LAST_RETRY_MILLIS = TimeUnit.MINUTES.toMillis(5);

  private static final Logger LOG = LoggerFactory.getLogger(WebhookComponent.class);

  private final ToLongFunction<String> versions;
  private final Clock clock;
  private final List<String> targets;
  private final WebhookSignature signature;
  private final long maxAgeMillis;
  private final Duration timeout;
  private final int maxInFlight;

  /** New events (lists) and deliveries that came back, for the worker, in arrival order. */
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();

  private final MeterRegistry meters;
  private final List<Meter> ownMeters = new ArrayList<>();
  private Outbox outbox;
  private HttpClient http;
  private Thread worker;
  private volatile boolean running;
  private Counter delivered;
  private Counter failed;
  private Counter dropped;

  /**
   * With several nodes, each node's schedule tells of a start or an end: the node that hosts the
   * conference (or takes it, when none does) sends the webhook, the others stay silent. The target
   * "hosting.target" in this PID's configuration names the engine.
   */
  @Reference(
      name = "hosting",
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile ConferenceHosting hosting;

  /** How long the hosting taken for a start or an end is kept, so no other node sends it too. */
  private static final long HOSTING_IDLE_MILLIS = 15_000;

  private boolean hostedHere(String conferenceUri) {
    ConferenceHosting current = hosting;
    if (current == null) {
      return true;
    }
    try {
      boolean here = current.host(conferenceUri, "webhooks");
      current.release(conferenceUri, "webhooks", HOSTING_IDLE_MILLIS);
      return here;
    } catch (StoreException e) {
      LOG.warn("Cannot tell which node hosts {}; sending its webhook here", conferenceUri);
      return true;
    }
  }

  @Activate
  public WebhookComponent(
      @Reference ServerIdentity identity,
      @Reference ConferenceService model,
      @Reference MeterRegistry meters,
      Config config)
      throws SQLException, java.io.IOException {
    this(
        identity.stateDirectory(),
        uri -> model.get(uri).map(ConferenceObject::version).orElse(-1L),
        meters,
        config,
        Clock.systemUTC());
  }

  /**
   * @param versions the current version of a conference, for its start and end; -1 once it is gone
   */
  WebhookComponent(
      Path stateDirectory,
      ToLongFunction<String> versions,
      MeterRegistry meters,
      Config config,
      Clock clock)
      throws SQLException, java.io.IOException {
    this.versions = versions;
    this.meters = meters;
    this.clock = clock;
    this.maxAgeMillis = TimeUnit.HOURS.toMillis(config.maxAgeHours());
    this.timeout = Duration.ofSeconds(config.timeoutSeconds());
    this.maxInFlight = config.maxInFlight();
    this.targets = WebhookTargets.parse(config.urls(), config.allowPlain());
    this.signature = new WebhookSignature(config.secret());
    if (targets.isEmpty()) {
      return;
    }
    if (config.secret().isEmpty()) {
      // An unsigned event could be forged by anyone who can reach the receiver.
      throw new IllegalArgumentException(
          "webhooks need a secret to sign them (XCONF_WEBHOOK_SECRET)");
    }
    if (config.secret().length() < 16) {
      LOG.warn("The webhook secret is short ({} characters): guessable", config.secret().length());
    }
    Files.createDirectories(stateDirectory);
    this.outbox = new Outbox(stateDirectory.resolve(FILE_NAME));
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.delivered = counter("delivered");
    this.failed = counter("failed");
    this.dropped = counter("dropped");
    ownMeters.add(
        Gauge.builder("xconf.webhooks.pending", this, WebhookComponent::owed)
            .description("Webhook deliveries owed (queued or being retried)")
            .strongReference(true)
            .register(meters));
    this.running = true;
    this.worker = new Thread(this::work, "xconf-webhooks");
    worker.setDaemon(true);
    worker.start();
    int forgotten = outbox.keepOnly(targets);
    if (forgotten > 0) {
      LOG.warn("{} webhook deliveries to URLs no longer configured are dropped", forgotten);
    }
    LOG.info(
        "Webhooks to {} ({} owed from before)",
        targets.stream().map(WebhookTargets::redacted).toList(),
        outbox.size());
  }

  private Counter counter(String outcome) {
    Counter counter =
        Counter.builder("xconf.webhooks.deliveries")
            .description("Webhook delivery attempts by outcome (dropped: given up)")
            .tag("outcome", outcome)
            .register(meters);
    ownMeters.add(counter);
    return counter;
  }

  @Deactivate
  void deactivate() throws InterruptedException {
    ownMeters.forEach(meters::remove);
    if (worker == null) {
      return;
    }
    running = false;
    worker.interrupt();
    worker.join(TimeUnit.SECONDS.toMillis(5));
    // Events not yet in the outbox are written before it closes: a normal stop loses none.
    // Deliveries still on their way are tried again at the next start (their ids unchanged).
    List<WebhookEvent> left = new ArrayList<>();
    for (Object item : inbox) {
      if (item instanceof List<?> events) {
        events.forEach(event -> left.add((WebhookEvent) event));
      }
    }
    try {
      if (!left.isEmpty()) {
        outbox.add(left, targets, clock.millis());
      }
      outbox.close();
    } catch (SQLException e) {
      LOG.error("Webhook events could not be queued at shutdown", e);
    }
  }

  // ----- events -----

  @Override
  public void changed(ConferenceChange change) {
    if (outbox != null) {
      inbox.add(ChangeEvents.of(change, clock.instant()));
    }
  }

  @Override
  public void started(String conferenceUri) {
    activity("conference.started", conferenceUri);
  }

  @Override
  public void ended(String conferenceUri) {
    activity("conference.ended", conferenceUri);
  }

  private void activity(String event, String conferenceUri) {
    if (outbox != null && hostedHere(conferenceUri)) {
      long version = versions.applyAsLong(conferenceUri);
      if (version < 0) {
        // Deleted: its conference.deleted, already queued, was its end.
        return;
      }
      inbox.add(List.of(WebhookEvent.of(event, conferenceUri, version, clock.instant(), Map.of())));
    }
  }

  // ----- the worker -----

  /** A delivery that came back: to be settled in the outbox by the worker. */
  private record Settled(Outbox.Delivery delivery, boolean ok) {}

  /**
   * The one thread that touches the outbox: it writes new events, starts due deliveries without
   * waiting for them (at most {@code maxInFlight} at once, each bounded by the timeout), and
   * settles those that came back. A receiver that hangs costs a slot, never the others' events.
   */
  private void work() {
    List<WebhookEvent> unwritten = new ArrayList<>();
    Map<String, Outbox.Delivery> inFlight = new HashMap<>();
    while (running) {
      try {
        long now = clock.millis();
        long wait =
            unwritten.isEmpty()
                ? Math.max(0, Math.min(outbox.nextDueMillis(inFlight.keySet()) - now, 1000))
                : 1000;
        Object first = inbox.poll(wait, TimeUnit.MILLISECONDS);
        List<Object> items = new ArrayList<>();
        if (first != null) {
          items.add(first);
          inbox.drainTo(items);
        }
        List<Settled> settled = new ArrayList<>();
        for (Object item : items) {
          if (item instanceof Settled done) {
            settled.add(done);
          } else if (item instanceof List<?> events) {
            events.forEach(event -> unwritten.add((WebhookEvent) event));
          }
        }
        if (!unwritten.isEmpty()) {
          // Kept until written: a failing disk delays events, it does not lose them.
          outbox.add(unwritten, targets, clock.millis());
          unwritten.clear();
        }
        settle(settled, inFlight);
        start(inFlight);
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
      } catch (SQLException | RuntimeException e) {
        LOG.error("Webhook outbox failed; trying again in a second", e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          break;
        }
      }
    }
    if (!unwritten.isEmpty()) {
      // Back in the inbox, where deactivate() finds what is left to write.
      inbox.add(List.copyOf(unwritten));
    }
  }

  /** Starts the deliveries that are due and not already on their way. */
  private void start(Map<String, Outbox.Delivery> inFlight) throws SQLException {
    int free = maxInFlight - inFlight.size();
    if (free <= 0) {
      return;
    }
    for (Outbox.Delivery delivery : outbox.due(clock.millis(), free, inFlight.keySet())) {
      inFlight.put(delivery.queue(), delivery);
      send(delivery)
          .whenComplete((ok, failure) -> inbox.add(new Settled(delivery, Boolean.TRUE.equals(ok))));
    }
  }

  private void settle(List<Settled> settled, Map<String, Outbox.Delivery> inFlight)
      throws SQLException {
    if (settled.isEmpty()) {
      return;
    }
    List<Long> done = new ArrayList<>();
    List<Outbox.Delivery> retried = new ArrayList<>();
    List<Long> retryAt = new ArrayList<>();
    long now = clock.millis();
    for (Settled result : settled) {
      Outbox.Delivery delivery = result.delivery();
      if (result.ok()) {
        delivered.increment();
        done.add(delivery.seq());
      } else if (now - delivery.createdMillis() >= maxAgeMillis) {
        dropped.increment();
        LOG.warn(
            "Webhook {} of {} to {} dropped after {} attempts in {} hours",
            delivery.event(),
            delivery.conference(),
            WebhookTargets.redacted(delivery.target()),
            delivery.attempts() + 1,
            TimeUnit.MILLISECONDS.toHours(maxAgeMillis));
        done.add(delivery.seq());
      } else {
        failed.increment();
        retried.add(delivery);
        retryAt.add(now + retryDelayMillis(delivery.attempts()));
      }
    }
    outbox.settle(done, retried, retryAt);
    settled.forEach(result -> inFlight.remove(result.delivery().queue()));
  }

  static long retryDelayMillis(int attemptsBefore) {
    return Math.min(LAST_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attemptsBefore, 20));
  }

  private CompletableFuture<Boolean> send(Outbox.Delivery delivery) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(delivery.target()))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Xconf")
            .header("X-Xconf-Event", delivery.event())
            .header(WebhookSignature.HEADER, signature.of(delivery.body()))
            .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        // The request's timeout covers the answer's headers; this, a receiver that trickles its
        // body too.
        .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
        .thenApply(
            response -> {
              boolean ok = response.statusCode() / 100 == 2;
              if (!ok) {
                LOG.debug(
                    "Webhook {} to {}: {}",
                    delivery.event(),
                    WebhookTargets.redacted(delivery.target()),
                    response.statusCode());
              }
              return ok;
            })
        .exceptionally(
            failure -> {
              LOG.debug(
                  "Webhook {} to {}: {}",
                  delivery.event(),
                  WebhookTargets.redacted(delivery.target()),
                  failure.toString());
              return false;
            });
  }

  /** Deliveries owed, or -1 when the outbox cannot say. */
  private double owed() {
    try {
      return outbox.size();
    } catch (SQLException e) {
      return -1;
    }
  }
}
