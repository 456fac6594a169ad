package io.xconf.schedule;

import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** When conferences are on, by the schedule's clock. */
@ProviderType
public interface ConferenceSchedule {

  /** Now, by the clock the schedule's timers follow. */
  Instant now();

  /** Whether a conference with this effective document is on now. */
  default boolean isActive(XmlElement document) {
    return Activation.isActive(document, now());
  }

  /** The occurrence in progress now, else the next one; empty once a recurrence is over. */
  default Optional<Activation.Window> window(XmlElement document) {
    return Activation.window(document, now());
  }
}
