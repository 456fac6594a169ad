package io.xconf.sip.focus.internal;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wrong PINs, by source address, whatever call they came in: a source with its limit of wrong PINs
 * (a PIN not keyed in time counts as one) within {@link #WINDOW_MILLIS} has no PIN compared until
 * the oldest ages out, and its calls into PIN rooms are refused, so that a PIN of a few digits
 * cannot be guessed by calling again and again, or many times at once. Bounded: the sources that
 * failed least lately are forgotten first.
 */
final class PinFailures {

  static final int DEFAULT_LIMIT = 10;
  static final long WINDOW_MILLIS = 60 * 60_000L;
  private static final int MAX_SOURCES = 10_000;

  private final int limit;

  PinFailures(int limit) {
    this.limit = Math.max(1, limit);
  }

  private final Map<InetAddress, Deque<Long>> bySource =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Deque<Long>> eldest) {
          return size() > MAX_SOURCES;
        }
      };

  synchronized void failed(InetAddress source, long nowMillis) {
    if (source == null) {
      return;
    }
    Deque<Long> times = bySource.computeIfAbsent(source, s -> new ArrayDeque<>());
    times.addLast(nowMillis);
    while (times.size() > limit) {
      times.removeFirst();
    }
  }

  /** Whether a source has failed too often lately to be let try again. */
  synchronized boolean barred(InetAddress source, long nowMillis) {
    Deque<Long> times = source == null ? null : bySource.get(source);
    if (times == null) {
      return false;
    }
    while (!times.isEmpty() && nowMillis - times.peekFirst() >= WINDOW_MILLIS) {
      times.removeFirst();
    }
    if (times.isEmpty()) {
      bySource.remove(source);
      return false;
    }
    return times.size() >= limit;
  }
}
