package io.xconf.mixer;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** What a mix reports. Every method has an empty default. */
@ConsumerType
public interface MixListener {

  /** The legs mixed now, loudest first, when that set or their levels changed. */
  default void speakers(String conferenceUri, List<Speaker> speakers) {}

  /** A leg's media counters, every few seconds while it is joined. */
  default void statistics(String conferenceUri, String legId, MediaStatistics statistics) {}

  /**
   * A leg keyed a digit (RFC 4733 telephone-event): {@code 0}-{@code 9}, {@code *}, {@code #},
   * {@code A}-{@code D}; once per key press, however often the phone repeats its packets.
   */
  default void dtmf(String conferenceUri, String legId, char digit) {}
}
