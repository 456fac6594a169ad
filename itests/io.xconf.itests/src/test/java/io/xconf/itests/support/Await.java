package io.xconf.itests.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waiting by polling: asks again until the answer is the expected one or the time is up. The pause
 * between attempts only spaces the polls; nothing relies on it.
 */
public final class Await {

  private static final long POLL_MILLIS = 100;

  private Await() {}

  /**
   * Polls {@code probe} until {@code done} accepts its result; exceptions count as "not yet".
   *
   * @return the accepted result
   * @throws AssertionError naming {@code what} and the last result when time runs out
   */
  public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    while (true) {
      try {
        T result = probe.call();
        if (done.test(result)) {
          return result;
        }
        last = result;
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; last: " + last);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
