package io.xconf.metrics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every meter of the server's {@code MeterRegistry} (Micrometer) as one text, registered beside it
 * by the same object. Kept apart from the registry's bundle so that the registry, which every
 * component that counts depends on, needs nothing but Micrometer.
 */
@ProviderType
public interface MetricsText {

  /** The media type of {@link #scrape()}. */
  String contentType();

  /** The meters now, in the Prometheus text exposition format. */
  String scrape();
}
