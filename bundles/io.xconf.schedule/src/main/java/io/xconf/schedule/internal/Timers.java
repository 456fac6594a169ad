package io.xconf.schedule.internal;

import java.time.Instant;

/** Runs tasks at instants of a clock; tests replace it with one they advance by hand. */
interface Timers {

  /** Runs {@code task} once at {@code at} (at once when that has passed); the handle cancels it. */
  Runnable schedule(Runnable task, Instant at);

  void shutdown();
}
