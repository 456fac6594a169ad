package io.xconf.focus.sip.internal;

import io.xconf.model.XmlElement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The start and end of scheduled conferences ({@link Activation}): at the start their dial-out
 * targets are called, at the end every call is hung up. Timers are derived from the conference
 * objects, so the focus sets them again from the store after a restart.
 */
final class Schedule {

  private final LiveConferences live;
  private final DialOut dialOut;
  private final Map<String, List<ScheduledFuture<?>>> timersByConference =
      new ConcurrentHashMap<>();
  final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-focus-timers");
            thread.setDaemon(true);
            return thread;
          });

  Schedule(LiveConferences live, DialOut dialOut) {
    this.live = live;
    this.dialOut = dialOut;
  }

  /** Sets (again) the timers of a conference from its document. */
  void set(String conferenceUri, XmlElement document) {
    cancel(conferenceUri);
    Instant now = Instant.now();
    List<ScheduledFuture<?>> timersOfConference = new ArrayList<>();
    Activation.start(document)
        .filter(now::isBefore)
        .ifPresent(
            start ->
                timersOfConference.add(
                    timers.schedule(
                        () -> dialOut.later(conferenceUri),
                        Duration.between(now, start).toMillis(),
                        TimeUnit.MILLISECONDS)));
    Activation.end(document)
        .ifPresent(
            end -> {
              if (now.isBefore(end)) {
                timersOfConference.add(
                    timers.schedule(
                        () -> live.endAll(conferenceUri, "the conference ended"),
                        Duration.between(now, end).toMillis(),
                        TimeUnit.MILLISECONDS));
              } else {
                live.endAll(conferenceUri, "the conference ended");
              }
            });
    if (!timersOfConference.isEmpty()) {
      timersByConference.put(conferenceUri, timersOfConference);
    }
  }

  void cancel(String conferenceUri) {
    List<ScheduledFuture<?>> old = timersByConference.remove(conferenceUri);
    if (old != null) {
      old.forEach(timer -> timer.cancel(false));
    }
  }

  void shutdown() {
    timers.shutdownNow();
  }
}
