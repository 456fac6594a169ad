package io.xconf.accounts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed logins counted per key (an account name, a source address): the first few cost nothing,
 * then each further failure doubles the time the key must wait before its next attempt is checked
 * at all, up to a ceiling. Attempts made while waiting are refused unchecked, so guessing runs at
 * one try per ceiling at best, and a refused attempt costs no password hash. A success clears the
 * key. At most so many keys are remembered; beyond, the longest unused one is forgotten.
 */
public final class LoginThrottle {

  /** The defaults: 5 free failures, then 1 s, 2 s, 4 s ... up to 60 s; 100,000 keys. */
  public static LoginThrottle standard(LongSupplier clockMillis) {
    return new LoginThrottle(clockMillis, 5, 1000, 60_000, 100_000);
  }

  private static final class Failures {
    int count;
    long lastMillis;
    long notBeforeMillis;
  }

  private final LongSupplier clock;
  private final int freeFailures;
  private final long firstWaitMillis;
  private final long maxWaitMillis;
  private final Map<String, Failures> byKey;

  /**
   * The keys with failures, readable without the lock: every login asks, and almost all of them
   * have none.
   */
  private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public LoginThrottle(
      LongSupplier clockMillis,
      int freeFailures,
      long firstWaitMillis,
      long maxWaitMillis,
      int maxKeys) {
    this.clock = clockMillis;
    this.freeFailures = freeFailures;
    this.firstWaitMillis = firstWaitMillis;
    this.maxWaitMillis = maxWaitMillis;
    this.byKey =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            if (size() > maxKeys) {
              failing.remove(eldest.getKey());
              return true;
            }
            return false;
          }
        };
  }

  /** Milliseconds until an attempt of this key is checked again; 0 when it may try now. */
  public long waitMillis(String key) {
    if (!failing.contains(key)) {
      return 0;
    }
    synchronized (this) {
      Failures failures = byKey.get(key);
      if (failures == null) {
        return 0;
      }
      long now = clock.getAsLong();
      if (now - failures.lastMillis > maxWaitMillis * 10) {
        // Long quiet: the key starts afresh.
        byKey.remove(key);
        failing.remove(key);
        return 0;
      }
      return Math.max(0, failures.notBeforeMillis - now);
    }
  }

  /** Counts a failed attempt that was checked. */
  public synchronized void failed(String key) {
    long now = clock.getAsLong();
    Failures failures = byKey.computeIfAbsent(key, k -> new Failures());
    failing.add(key);
    failures.count++;
    failures.lastMillis = now;
    int beyond = failures.count - freeFailures;
    if (beyond > 0) {
      long wait = firstWaitMillis << Math.min(beyond - 1, 30);
      failures.notBeforeMillis = now + Math.min(wait, maxWaitMillis);
    }
  }

  /** A checked attempt that succeeded: the key's failures are forgotten. */
  public void succeeded(String key) {
    if (failing.contains(key)) {
      synchronized (this) {
        byKey.remove(key);
        failing.remove(key);
      }
    }
  }
}
