package io.xconf.mixer.rtp.internal;

import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media clock of the mixer: one thread per lane, each running its share of the mixes every 20
 * ms against absolute deadlines, so that ticks do not drift with the time the mixing takes. A mix
 * stays on one lane for its life (its legs' state is that thread's alone); lanes let wideband
 * codecs use every core.
 */
final class MediaClock {

  private static final Logger LOG = LoggerFactory.getLogger(MediaClock.class);
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** The name every lane's thread starts with. */
  static final String THREAD_NAME = "xconf-media-clock";

  private final Supplier<List<RtpMix>> mixes;
  private final Lane[] lanes;
  private final AtomicInteger nextLane = new AtomicInteger();
  private final Timer lateness;
  private volatile boolean running = true;

  MediaClock(Supplier<List<RtpMix>> mixes, Timer lateness, int laneCount) {
    this.mixes = mixes;
    this.lateness = lateness;
    this.lanes = new Lane[Math.max(1, laneCount)];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i);
    }
  }

  void start() {
    for (Lane lane : lanes) {
      lane.thread.start();
    }
  }

  void stop() {
    running = false;
    for (Lane lane : lanes) {
      LockSupport.unpark(lane.thread);
    }
    try {
      for (Lane lane : lanes) {
        lane.thread.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The lane for a new mix: each in turn, so that conferences spread over the cores. */
  int assignLane() {
    return Math.floorMod(nextLane.getAndIncrement(), lanes.length);
  }

  /** Ticks run so far, by the first lane (all lanes keep the same pace). */
  long ticks() {
    return lanes[0].ticks;
  }

  /** Ticks that started more than a tick after their deadline, on any lane. */
  long lateTicks() {
    long late = 0;
    for (Lane lane : lanes) {
      late += lane.lateTicks;
    }
    return late;
  }

  private final class Lane implements Runnable {
    private final int index;
    private final Thread thread;
    private volatile long ticks;
    private volatile long lateTicks;

    Lane(int index) {
      this.index = index;
      this.thread = new Thread(this, THREAD_NAME + "-" + index);
      thread.setDaemon(true);
      thread.setPriority(Thread.MAX_PRIORITY);
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
          if (mix.lane() != index) {
            continue;
          }
          try {
            mix.tick(start);
          } catch (RuntimeException | AssertionError e) {
            // A lane that died would silence every conference on it.
            LOG.error("Mixing {} failed; it goes on at the next tick", mix.conferenceUri(), e);
          }
        }
        ticks++;
        deadline += TICK_NANOS;
        long wait;
        while (running && (wait = deadline - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    }
  }
}
