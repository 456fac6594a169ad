package io.xconf.ccmp.http.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.xconf.ccmp.CcmpOutcome;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * CCMP's numbers: {@code xconf_ccmp_requests_total} by message, operation and response code, and
 * the time from the whole request read to the answer handed to Jetty as a histogram by message.
 * Label values come from the request's type (a closed set of bindings), its operation (an enum) and
 * the code sent, never from free text, so a client cannot grow the series without bound.
 */
final class CcmpMetrics {

  /** Histogram buckets: a handful, chosen for dashboards, not Micrometer's seventy. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofMillis(1000),
    Duration.ofMillis(2500),
    Duration.ofMillis(10000)
  };

  private final MeterRegistry registry;
  private final Map<Key, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> refusals = new ConcurrentHashMap<>();

  CcmpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void answered(CcmpOutcome outcome, long startNanos) {
    String message = message(outcome.requestType());
    String operation = outcome.operation() == null ? "none" : outcome.operation();
    requests
        .computeIfAbsent(
            new Key(message, operation, outcome.responseCode()),
            key ->
                Counter.builder("xconf.ccmp.requests")
                    .description("CCMP requests answered")
                    .tag("message", key.message())
                    .tag("operation", key.operation())
                    .tag("code", Integer.toString(key.code()))
                    .register(registry))
        .increment();
    latencies
        .computeIfAbsent(
            message,
            name ->
                Timer.builder("xconf.ccmp.latency")
                    .description("Time from a CCMP request read to its answer written")
                    .tag("message", name)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A request refused at the HTTP level, before any CCMP answer: 405, 406, 412, 413, 429, and 401
   * to a request without a body. A flood of them shows here.
   */
  void refused(int httpStatus) {
    refusals
        .computeIfAbsent(
            httpStatus,
            status ->
                Counter.builder("xconf.ccmp.http.refusals")
                    .description("Requests to /ccmp refused before a CCMP answer, by HTTP status")
                    .tag("status", Integer.toString(status))
                    .register(registry))
        .increment();
  }

  /**
   * The RFC 6503 message name of a request type: {@code ccmp-conf-request-message-type} is {@code
   * confRequest}; {@code unreadable} when the request could not be read.
   */
  static String message(String requestType) {
    if (requestType == null
        || !requestType.startsWith("ccmp-")
        || !requestType.endsWith("-message-type")) {
      return "unreadable";
    }
    String[] words =
        requestType.substring(5, requestType.length() - "-message-type".length()).split("-");
    StringBuilder name = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      if (!words[i].isEmpty()) {
        name.append(words[i].substring(0, 1).toUpperCase(Locale.ROOT))
            .append(words[i].substring(1));
      }
    }
    return name.toString();
  }

  private record Key(String message, String operation, int code) {}
}
