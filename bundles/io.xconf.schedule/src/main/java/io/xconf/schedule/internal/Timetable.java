package io.xconf.schedule.internal;

import io.xconf.model.XmlElement;
import io.xconf.schedule.Activation;
import io.xconf.schedule.ConferenceActivityListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The timers of scheduled conferences and which conferences are on: each change of a conference
 * sets its timers again from its document, and a conference going on or off is told to the
 * listener. Timers are derived from the documents alone, so they are set again from the store after
 * a restart.
 */
final class Timetable {

  private final Clock clock;
  private final Timers timers;
  private final ConferenceActivityListener listener;
  private final Function<String, Optional<XmlElement>> documents;

  // Guarded by this.
  private final Map<String, List<Runnable>> timersByConference = new HashMap<>();
  private final Set<String> on = new HashSet<>();

  /**
   * @param documents a conference's effective document now, to follow a recurrence to its next
   *     occurrence
   */
  Timetable(
      Clock clock,
      Timers timers,
      ConferenceActivityListener listener,
      Function<String, Optional<XmlElement>> documents) {
    this.clock = clock;
    this.timers = timers;
    this.listener = listener;
    this.documents = documents;
  }

  Instant now() {
    return clock.instant();
  }

  /** A conference found in the store at start-up: timers set, nothing announced. */
  synchronized void load(String conferenceUri, XmlElement document) {
    if (Activation.isActive(document, now())) {
      on.add(conferenceUri);
    }
    arm(conferenceUri, document);
  }

  /** A conference created or changed: on or off as its document says now, timers set again. */
  synchronized void changed(String conferenceUri, XmlElement document) {
    turn(conferenceUri, Activation.isActive(document, now()));
    arm(conferenceUri, document);
  }

  /** A conference deleted: its timers cancelled, off if it was on. */
  synchronized void deleted(String conferenceUri) {
    cancel(conferenceUri);
    turn(conferenceUri, false);
  }

  synchronized boolean isOn(String conferenceUri) {
    return on.contains(conferenceUri);
  }

  void shutdown() {
    timers.shutdown();
  }

  /** Timers at the start and end of the occurrence in progress or next. */
  private void arm(String conferenceUri, XmlElement document) {
    cancel(conferenceUri);
    Instant now = now();
    Optional<Activation.Window> window = Activation.window(document, now);
    if (window.isEmpty()) {
      return;
    }
    List<Runnable> armed = new ArrayList<>();
    Instant start = window.get().start();
    if (start != null && now.isBefore(start)) {
      armed.add(timers.schedule(() -> fired(conferenceUri, false), start));
    }
    Instant end = window.get().end();
    if (end != null && now.isBefore(end)) {
      armed.add(timers.schedule(() -> fired(conferenceUri, true), end));
    }
    if (!armed.isEmpty()) {
      timersByConference.put(conferenceUri, armed);
    }
  }

  /**
   * A start or an end came: the conference is on or off as its document says now. An occurrence
   * that ends where the next begins still ends, so that the next one starts afresh.
   */
  private synchronized void fired(String conferenceUri, boolean end) {
    if (end) {
      turn(conferenceUri, false);
    }
    documents
        .apply(conferenceUri)
        .ifPresentOrElse(
            document -> changed(conferenceUri, document), () -> deleted(conferenceUri));
  }

  private void cancel(String conferenceUri) {
    List<Runnable> old = timersByConference.remove(conferenceUri);
    if (old != null) {
      old.forEach(Runnable::run);
    }
  }

  private void turn(String conferenceUri, boolean active) {
    if (active && on.add(conferenceUri)) {
      listener.started(conferenceUri);
    } else if (!active && on.remove(conferenceUri)) {
      listener.ended(conferenceUri);
    }
  }
}
