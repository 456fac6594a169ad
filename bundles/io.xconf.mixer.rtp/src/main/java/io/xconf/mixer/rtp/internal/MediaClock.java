package io.xconf.mixer.rtp.internal;

import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one media clock of the mixer: a thread that runs every mix every 20 ms against absolute
 * deadlines, so that ticks do not drift with the time the mixing takes.
 */
final class MediaClock implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(MediaClock.class);
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Supplier<List<RtpMix>> mixes;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long ticks;
  private volatile long lateTicks;
  private volatile long busyNanos;
  private final Timer lateness;

  MediaClock(Supplier<List<RtpMix>> mixes, Timer lateness) {
    this.mixes = mixes;
    this.lateness = lateness;
    this.thread = new Thread(this, "xconf-media-clock");
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
  }

  void start() {
    thread.start();
  }

  void stop() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ticks run so far. */
  long ticks() {
    return ticks;
  }

  /** Ticks that started more than a tick after their deadline. */
  long lateTicks() {
    return lateTicks;
  }

  /** Time spent mixing, summed over all ticks. */
  long busyNanos() {
    return busyNanos;
  }

  @Override
  public void run() {
    long deadline = System.nanoTime();
    while (running) {
      long start = System.nanoTime();
      lateness.record(Math.max(0, start - deadline), TimeUnit.NANOSECONDS);
      if (start - deadline > TICK_NANOS) {
        lateTicks++;
        if (start - deadline > 5 * TICK_NANOS) {
          // Far behind (a stalled machine): skip ahead instead of bursting to catch up.
          deadline = start;
        }
      }
      for (RtpMix mix : mixes.get()) {
        try {
          mix.tick(start);
        } catch (RuntimeException e) {
          LOG.error("Mixing {} failed; it goes on at the next tick", mix.conferenceUri(), e);
        }
      }
      long end = System.nanoTime();
      busyNanos += end - start;
      ticks++;
      deadline += TICK_NANOS;
      long wait;
      while (running && (wait = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }
}
