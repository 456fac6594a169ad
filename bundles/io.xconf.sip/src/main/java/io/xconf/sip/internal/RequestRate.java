package io.xconf.sip.internal;

/**
 * A token bucket for requests that start something costly (a call, a subscription): up to {@code
 * perSecond} a second on average, bursts of as many. What goes beyond is answered 503 with
 * Retry-After instead of piling up in the stack.
 */
final class RequestRate {

  private final double perSecond;
  private double tokens;
  private long lastNanos;

  RequestRate(int perSecond) {
    this.perSecond = Math.max(1, perSecond);
    this.tokens = this.perSecond;
    this.lastNanos = System.nanoTime();
  }

  synchronized boolean tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(perSecond, tokens + (now - lastNanos) / 1e9 * perSecond);
    lastNanos = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
