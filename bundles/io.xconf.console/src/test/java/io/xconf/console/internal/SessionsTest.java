package io.xconf.console.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.Account;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class SessionsTest {

  private static final Account ALICE =
      new Account("alice", "xcon-userid:alice@example.com", false, List.of());

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Sessions sessions = new Sessions(now::get, 1000, 5000, 2);

  @Test
  public void tokensAreLongRandomAndOnlyTheirOwn() {
    Sessions.Session one = sessions.open(ALICE);
    Sessions.Session two = sessions.open(ALICE);
    assertNotEquals(one.token, two.token);
    assertTrue(one.token, one.token.length() >= 43);
    assertEquals(ALICE, sessions.find(one.token).orElseThrow().account);
    assertFalse(sessions.find(one.token + "x").isPresent());
    assertFalse(sessions.find(null).isPresent());
  }

  @Test
  public void unusedSessionsExpireAndUseKeepsThemUpToTheirLongestLife() {
    Sessions.Session used = sessions.open(ALICE);
    for (int i = 0; i < 5; i++) {
      now.addAndGet(900);
      assertTrue(sessions.find(used.token).isPresent());
    }
    now.addAndGet(900);
    assertFalse("past its longest life", sessions.find(used.token).isPresent());

    Sessions.Session idle = sessions.open(ALICE);
    now.addAndGet(1001);
    assertFalse("unused too long", sessions.find(idle.token).isPresent());
  }

  @Test
  public void signOutAndTooManySessionsEndThem() {
    Sessions.Session first = sessions.open(ALICE);
    Sessions.Session second = sessions.open(ALICE);
    sessions.find(first.token);
    Sessions.Session third = sessions.open(ALICE);
    assertFalse("the least recently used went", sessions.find(second.token).isPresent());
    assertTrue(sessions.find(first.token).isPresent());
    sessions.close(third.token);
    assertFalse(sessions.find(third.token).isPresent());
    assertFalse(sessions.watching(third));
    assertTrue(sessions.watching(first));
  }
}
