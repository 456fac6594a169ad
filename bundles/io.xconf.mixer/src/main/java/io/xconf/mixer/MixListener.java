package io.xconf.mixer;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** What a mix reports. Both methods have empty defaults. */
@ConsumerType
public interface MixListener {

  /** The legs mixed now, loudest first, when that set or their levels changed. */
  default void speakers(String conferenceUri, List<Speaker> speakers) {}

  /** A leg's media counters, every few seconds while it is joined. */
  default void statistics(String conferenceUri, String legId, MediaStatistics statistics) {}
}
