package io.xconf.schedule.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Timers} on one thread of their own, following a clock. */
final class ExecutorTimers implements Timers {

  /**
   * Timers fire this much after their instant: one that fires a moment early (truncated
   * milliseconds, the wall clock against the executor's) would find the conference not on yet.
   */
  private static final long MARGIN_MILLIS = 20;

  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-schedule");
            thread.setDaemon(true);
            return thread;
          });

  ExecutorTimers(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Runnable schedule(Runnable task, Instant at) {
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis()) + MARGIN_MILLIS;
    ScheduledFuture<?> future = executor.schedule(task, delay, TimeUnit.MILLISECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void shutdown() {
    executor.shutdownNow();
  }
}
