package io.xconf.sip.focus.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import org.junit.Test;

/** Guessing a PIN by calling again and again: a source is barred after a few failed calls. */
public class PinFailuresTest {

  @Test
  public void aSourceIsBarredAfterItsLimitUntilTheOldestFailureAgesOut() throws Exception {
    PinFailures failures = new PinFailures(PinFailures.DEFAULT_LIMIT);
    InetAddress guesser = InetAddress.getByName("192.0.2.7");
    InetAddress other = InetAddress.getByName("192.0.2.8");
    for (int i = 0; i < PinFailures.DEFAULT_LIMIT - 1; i++) {
      failures.failed(guesser, 1000 + i);
    }
    assertFalse(failures.barred(guesser, 2000));
    failures.failed(guesser, 2000);
    assertTrue(failures.barred(guesser, 2001));
    assertFalse(failures.barred(other, 2001));
    assertFalse(failures.barred(guesser, 1000 + PinFailures.WINDOW_MILLIS));
  }
}
