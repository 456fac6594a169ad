package io.xconf.webhooks.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One event as a receiver gets it: {@code id} (for de-duplication: a retried delivery carries the
 * same), {@code event}, {@code conference} (its XCON-URI), {@code version}, {@code at}, and the
 * event's own details, all strings.
 */
record WebhookEvent(
    String id,
    String event,
    String conference,
    long version,
    Instant at,
    Map<String, String> details) {

  WebhookEvent {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  static WebhookEvent of(
      String event, String conference, long version, Instant at, Map<String, String> details) {
    return new WebhookEvent(UUID.randomUUID().toString(), event, conference, version, at, details);
  }

  /** The body POSTed: one JSON object, {@code at} in RFC 3339 (UTC). */
  String json() {
    StringBuilder json =
        new StringBuilder(256)
            .append("{\"id\":")
            .append(Json.string(id))
            .append(",\"event\":")
            .append(Json.string(event))
            .append(",\"conference\":")
            .append(Json.string(conference))
            .append(",\"version\":")
            .append(version)
            .append(",\"at\":")
            .append(Json.string(at.toString()));
    for (Map.Entry<String, String> detail : details.entrySet()) {
      json.append(',').append(Json.string(detail.getKey())).append(':');
      json.append(Json.string(detail.getValue()));
    }
    return json.append('}').toString();
  }
}
