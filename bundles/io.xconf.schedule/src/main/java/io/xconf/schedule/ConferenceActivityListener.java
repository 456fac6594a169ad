package io.xconf.schedule;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: told when scheduled conferences start and end, on the schedule's timer thread, so
 * listeners return quickly. A conference that has no schedule, or is already on when Xconf starts,
 * is not announced: ask {@link ConferenceSchedule#isActive} for it.
 */
@ConsumerType
public interface ConferenceActivityListener {

  /** An occurrence of the conference began. */
  void started(String conferenceUri);

  /**
   * The conference is off: an occurrence ended, its last one is over, or a change moved it out of
   * its time. May be told again for a conference already off.
   */
  void ended(String conferenceUri);
}
