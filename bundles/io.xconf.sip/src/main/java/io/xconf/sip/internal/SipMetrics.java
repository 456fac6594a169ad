package io.xconf.sip.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code xconf_sip_requests_total} by method and final status, counted when the final answer is
 * sent. A method outside the ones SIP defines is counted as {@code other}: the method is the
 * sender's free text, and every new label value would be a new series.
 */
final class SipMetrics {

  private static final Set<String> METHODS =
      Set.of(
          "INVITE",
          "ACK",
          "BYE",
          "CANCEL",
          "OPTIONS",
          "REGISTER",
          "SUBSCRIBE",
          "NOTIFY",
          "REFER",
          "INFO",
          "UPDATE",
          "PRACK",
          "MESSAGE",
          "PUBLISH");

  private final MeterRegistry registry;
  private final Map<Key, Counter> answered = new ConcurrentHashMap<>();

  SipMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void answered(String method, int status) {
    String known = METHODS.contains(method) ? method : "other";
    answered
        .computeIfAbsent(
            new Key(known, status),
            key ->
                Counter.builder("xconf.sip.requests")
                    .description("SIP requests answered, by method and final status")
                    .tag("method", key.method())
                    .tag("status", Integer.toString(key.status()))
                    .register(registry))
        .increment();
  }

  private record Key(String method, int status) {}
}
