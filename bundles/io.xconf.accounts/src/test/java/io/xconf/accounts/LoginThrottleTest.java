package io.xconf.accounts;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class LoginThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LoginThrottle throttle = new LoginThrottle(now::get, 3, 1000, 8000, 2);

  @Test
  public void failuresBeyondTheFreeOnesDoubleTheWaitUpToItsCeiling() {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, throttle.waitMillis("bob"));
      throttle.failed("bob");
    }
    assertEquals(0, throttle.waitMillis("bob"));
    long[] waits = {1000, 2000, 4000, 8000, 8000};
    for (long wait : waits) {
      throttle.failed("bob");
      assertEquals(wait, throttle.waitMillis("bob"));
      now.addAndGet(wait);
      assertEquals(0, throttle.waitMillis("bob"));
    }
  }

  @Test
  public void aSuccessOrALongQuietForgetsTheFailures() {
    for (int i = 0; i < 4; i++) {
      throttle.failed("bob");
    }
    assertTrue(throttle.waitMillis("bob") > 0);
    throttle.succeeded("bob");
    assertEquals(0, throttle.waitMillis("bob"));
    for (int i = 0; i < 4; i++) {
      throttle.failed("bob");
    }
    now.addAndGet(80_001);
    assertEquals(0, throttle.waitMillis("bob"));
    throttle.failed("bob");
    assertEquals("counted afresh", 0, throttle.waitMillis("bob"));
  }

  @Test
  public void itRemembersAtMostSoManyKeys() {
    for (int i = 0; i < 4; i++) {
      throttle.failed("a");
    }
    throttle.failed("b");
    throttle.failed("c");
    assertEquals("the longest unused is forgotten", 0, throttle.waitMillis("a"));
  }
}
