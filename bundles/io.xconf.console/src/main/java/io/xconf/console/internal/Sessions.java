package io.xconf.console.internal;

import io.xconf.accounts.Account;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Who is signed in to the console: a random 256-bit token per sign-in (the cookie), the account it
 * proved, and its times. A session ends on sign-out, after {@code idleMillis} unused or {@code
 * maxMillis} in all (an open event stream counts as use); beyond {@code maxSessions} the least
 * recently used goes. They live in memory only: a restart signs everyone out.
 */
final class Sessions {

  /** One sign-in. */
  static final class Session {
    final String token;
    final Account account;
    final long createdMillis;
    volatile long lastUsedMillis;

    Session(String token, Account account, long now) {
      this.token = token;
      this.account = account;
      this.createdMillis = now;
      this.lastUsedMillis = now;
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final LongSupplier clock;
  private final long idleMillis;
  private final long maxMillis;
  private final int maxSessions;

  /** In access order: the eldest is the least recently used. */
  private final LinkedHashMap<String, Session> byToken = new LinkedHashMap<>(16, 0.75f, true);

  /** Sign-ins one account keeps at once: its oldest goes, not someone else's. */
  static final int MAX_PER_ACCOUNT = 10;

  Sessions(LongSupplier clock, long idleMillis, long maxMillis, int maxSessions) {
    this.clock = clock;
    this.idleMillis = idleMillis;
    this.maxMillis = maxMillis;
    this.maxSessions = maxSessions;
  }

  synchronized Session open(Account account) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(token, account, clock.getAsLong());
    List<String> own =
        byToken.values().stream()
            .filter(other -> other.account.userId().equals(account.userId()))
            .map(other -> other.token)
            .toList();
    if (own.size() >= MAX_PER_ACCOUNT) {
      // byToken is in access order: the first of the account's is its least recently used.
      byToken.remove(own.get(0));
    }
    byToken.put(token, session);
    if (byToken.size() > maxSessions) {
      Iterator<Map.Entry<String, Session>> eldest = byToken.entrySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return session;
  }

  /** The live session of a token, its use noted; empty when unknown, ended or expired. */
  synchronized Optional<Session> find(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Session session = byToken.get(token);
    if (session == null) {
      return Optional.empty();
    }
    long now = clock.getAsLong();
    if (now - session.lastUsedMillis > idleMillis || now - session.createdMillis > maxMillis) {
      byToken.remove(token);
      return Optional.empty();
    }
    session.lastUsedMillis = now;
    return Optional.of(session);
  }

  /**
   * Whether a session with an open event stream is still live; the stream counts as use. False once
   * it was signed out, pushed out or is past its longest life.
   */
  synchronized boolean watching(Session session) {
    long now = clock.getAsLong();
    if (byToken.get(session.token) != session || now - session.createdMillis > maxMillis) {
      return false;
    }
    session.lastUsedMillis = now;
    return true;
  }

  synchronized void close(String token) {
    byToken.remove(token);
  }
}
