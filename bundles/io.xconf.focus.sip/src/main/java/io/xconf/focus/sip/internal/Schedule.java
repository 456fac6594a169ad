package io.xconf.focus.sip.internal;

import io.xconf.model.XmlElement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sip.message.Response;

/**
 * The start and end of scheduled conferences ({@link Activation}): at the start their dial-out
 * targets are called, at the end every call is hung up. Timers are derived from the conference
 * objects, so the focus sets them again from the store after a restart.
 */
final class Schedule {

  private static final long TIMER_MARGIN_MILLIS = 20;

  private final LiveConferences live;
  private final DialOut dialOut;
  private final DialIn dialIn;
  private final Function<String, Optional<XmlElement>> documents;
  private final Map<String, List<ScheduledFuture<?>>> timersByConference =
      new ConcurrentHashMap<>();
  final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-focus-timers");
            thread.setDaemon(true);
            return thread;
          });

  Schedule(
      LiveConferences live,
      DialOut dialOut,
      DialIn dialIn,
      Function<String, Optional<XmlElement>> documents) {
    this.live = live;
    this.dialOut = dialOut;
    this.dialIn = dialIn;
    this.documents = documents;
  }

  /**
   * Sets (again) the timers of a conference from its document: the start and end of its current or
   * next occurrence; at the end of a recurring one's occurrence, those of the next.
   */
  // Synchronized: the model's changes and the timers' own re-arming both set timers.
  synchronized void set(String conferenceUri, XmlElement document) {
    cancel(conferenceUri);
    Instant now = Instant.now();
    Optional<Activation.Window> window = Activation.window(document, now);
    if (window.isEmpty()) {
      endOccurrence(conferenceUri);
      return;
    }
    List<ScheduledFuture<?>> timersOfConference = new ArrayList<>();
    Instant start = window.get().start();
    if (start != null && now.isBefore(start)) {
      timersOfConference.add(
          timers.schedule(
              () -> dialOut.later(conferenceUri), delayUntil(now, start), TimeUnit.MILLISECONDS));
    }
    Instant end = window.get().end();
    if (end != null && now.isBefore(end)) {
      timersOfConference.add(
          timers.schedule(
              () -> {
                endOccurrence(conferenceUri);
                if (window.get().recurring()) {
                  documents.apply(conferenceUri).ifPresent(current -> set(conferenceUri, current));
                }
              },
              delayUntil(now, end),
              TimeUnit.MILLISECONDS));
    } else if (end != null) {
      endOccurrence(conferenceUri);
    }
    if (!timersOfConference.isEmpty()) {
      timersByConference.put(conferenceUri, timersOfConference);
    }
  }

  /**
   * Milliseconds until {@code instant}, rounded up with a margin: a timer that fires a moment early
   * (truncated milliseconds, the wall clock against the executor's) would find the conference not
   * started yet, or still running, and do nothing.
   */
  private static long delayUntil(Instant now, Instant instant) {
    return Duration.between(now, instant).toMillis() + TIMER_MARGIN_MILLIS;
  }

  /** Every call hung up; the dial-out targets are called again at the next occurrence. */
  private void endOccurrence(String conferenceUri) {
    dialIn.refuseWaiting(conferenceUri, Response.FORBIDDEN, "the conference ended");
    live.endAll(conferenceUri, "the conference ended");
    dialOut.forget(conferenceUri);
  }

  synchronized void cancel(String conferenceUri) {
    List<ScheduledFuture<?>> old = timersByConference.remove(conferenceUri);
    if (old != null) {
      old.forEach(timer -> timer.cancel(false));
    }
  }

  void shutdown() {
    timers.shutdownNow();
  }
}
