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
  private final BlockingQueue<List<WebhookEvent>> incoming = new LinkedBlockingQueue<>();
  private final MeterRegistry meters;
  private final List<Meter> ownMeters = new ArrayList<>();
  private Outbox outbox;
  private HttpClient http;
  private Thread worker;
  private volatile boolean running;
  private Counter delivered;
  private Counter failed;
  private Counter dropped;

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
    LOG.info("Webhooks to {} ({} owed from before)", targets, outbox.size());
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
    worker.join(TimeUnit.SECONDS.toMillis(timeout.toSeconds() + 5));
    // Events not yet in the outbox are written before it closes: a normal stop loses none.
    List<List<WebhookEvent>> left = new ArrayList<>();
    incoming.drainTo(left);
    try {
      store(left);
      outbox.close();
    } catch (SQLException e) {
      LOG.error("Webhook events could not be queued at shutdown", e);
    }
  }

  // ----- events -----

  @Override
  public void changed(ConferenceChange change) {
    if (outbox != null) {
      incoming.add(ChangeEvents.of(change, clock.instant()));
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
    if (outbox != null) {
      long version = versions.applyAsLong(conferenceUri);
      if (version < 0) {
        // Deleted: its conference.deleted, already queued, was its end.
        return;
      }
      incoming.add(
          List.of(WebhookEvent.of(event, conferenceUri, version, clock.instant(), Map.of())));
    }
  }

  // ----- the worker -----

  private void work() {
    while (running) {
      try {
        long now = clock.millis();
        long wait = Math.max(0, Math.min(outbox.nextDueMillis() - now, 1000));
        List<List<WebhookEvent>> batch = new ArrayList<>();
        List<WebhookEvent> first = incoming.poll(wait, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          incoming.drainTo(batch);
        }
        store(batch);
        deliverDue();
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      } catch (SQLException | RuntimeException e) {
        LOG.error("Webhook outbox failed; trying again in a second", e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void store(List<List<WebhookEvent>> batch) throws SQLException {
    List<WebhookEvent> events = new ArrayList<>();
    batch.forEach(events::addAll);
    if (!events.isEmpty()) {
      outbox.add(events, targets, clock.millis());
    }
  }

  /** Tries every delivery that is due, at most {@code maxInFlight} at once. */
  private void deliverDue() throws SQLException, InterruptedException {
    List<Outbox.Delivery> due = outbox.due(clock.millis(), maxInFlight);
    if (due.isEmpty()) {
      return;
    }
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (Outbox.Delivery delivery : due) {
      answers.add(send(delivery));
    }
    List<Long> done = new ArrayList<>();
    List<Outbox.Delivery> retried = new ArrayList<>();
    List<Long> retryAt = new ArrayList<>();
    long now = clock.millis();
    for (int i = 0; i < due.size(); i++) {
      Outbox.Delivery delivery = due.get(i);
      boolean ok;
      try {
        ok = answers.get(i).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        ok = false;
      }
      if (ok) {
        delivered.increment();
        done.add(delivery.seq());
      } else if (now - delivery.createdMillis() >= maxAgeMillis) {
        dropped.increment();
        LOG.warn(
            "Webhook {} of {} to {} dropped after {} attempts in {} hours",
            delivery.event(),
            delivery.conference(),
            delivery.target(),
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
        .thenApply(
            response -> {
              boolean ok = response.statusCode() / 100 == 2;
              if (!ok) {
                LOG.debug(
                    "Webhook {} to {}: {}",
                    delivery.event(),
                    delivery.target(),
                    response.statusCode());
              }
              return ok;
            })
        .exceptionally(
            failure -> {
              LOG.debug(
                  "Webhook {} to {}: {}", delivery.event(), delivery.target(), failure.toString());
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
