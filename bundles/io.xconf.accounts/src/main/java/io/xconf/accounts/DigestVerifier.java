package io.xconf.accounts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest authentication (RFC 7616 for HTTP, RFC 3261 section 22 and RFC 8760 for SIP) against the
 * HA1 values of an {@link AccountDirectory}: SHA-256 and MD5, {@code qop=auth} (and {@code
 * auth-int} where the transport gives the body) and RFC 2069 clients. Failed responses are
 * throttled per account name ({@link LoginThrottle}), and an unknown name costs what a known one
 * does. Nonces are a timestamp signed with a key of this instance and valid for five minutes, so
 * issuing them costs no memory; what is remembered, per nonce a valid response used, is its highest
 * nonce count and which of the 64 below it were used (RFC 7616 section 3.4, RFC 3261 section 22.4),
 * so a captured Authorization header cannot be replayed: a second use (or a count too far behind)
 * is answered as a stale nonce, which sends an honest client round again. Each account may have
 * only so many nonces remembered at once, so none can crowd the others out.
 */
public final class DigestVerifier {

  /**
   * What the credentials proved.
   *
   * @param account the authenticated account, or null
   * @param staleNonce the credentials were right but the nonce has expired: challenge again with
   *     {@code stale=true} so the client retries without asking its user
   * @param throttled the credentials were not checked: their account name has failed too often of
   *     late ({@link LoginThrottle}); no guess was made
   */
  public record Outcome(Account account, boolean staleNonce, boolean throttled) {
    public static final Outcome NONE = new Outcome(null, false);
    public static final Outcome THROTTLED = new Outcome(null, false, true);

    public Outcome(Account account, boolean staleNonce) {
      this(account, staleNonce, false);
    }

    public Optional<Account> authenticated() {
      return Optional.ofNullable(account);
    }
  }

  private static final long NONCE_MILLIS = 5 * 60 * 1000;
  private static final int MAC_BYTES = 16;

  /** A nonce: when it was made, 8 random bytes (no two clients share one), its MAC. */
  private static final int SIGNED_BYTES = 16;

  /**
   * Nonces whose counts are remembered, at most: beyond, every further new nonce is refused as
   * stale until old ones expire. Only valid credentials are remembered, so only accounts' own
   * traffic fills it.
   */
  private static final int MAX_REMEMBERED = 500_000;

  /**
   * Nonces remembered for one account at most (about 33 fresh nonces a second for five minutes):
   * beyond, that account's further new nonces are refused as stale, so that one account cannot use
   * up what everybody shares.
   */
  private static final int MAX_REMEMBERED_PER_ACCOUNT = 10_000;

  /** The nonce counts of one nonce that were used: the highest, and a window of 64 below it. */
  private static final class NonceUses {
    final long expiresMillis;
    final String account;
    private long highest = -1;
    private long window;

    NonceUses(long expiresMillis, String account) {
      this.expiresMillis = expiresMillis;
      this.account = account;
    }

    /** False if this count was used before, or is too far below the highest to tell. */
    synchronized boolean firstUse(long count) {
      if (count > highest) {
        long shift = count - highest;
        window = shift >= 64 ? 0 : window << shift;
        window |= 1;
        highest = count;
        return true;
      }
      long below = highest - count;
      if (below >= 64 || (window & (1L << below)) != 0) {
        return false;
      }
      window |= 1L << below;
      return true;
    }
  }

  private final AccountDirectory accounts;
  private final String realm;
  private final List<DigestAlgorithm> algorithms;
  private final LongSupplier clock;
  private final byte[] key = new byte[32];
  private final SecureRandom random = new SecureRandom();
  private final LoginThrottle throttle;
  private final String qopOffered;

  /** "algorithm:nonce" to its counts used: one nonce is offered with each algorithm at once. */
  private final Map<String, NonceUses> used = new ConcurrentHashMap<>();

  private final Map<String, Integer> rememberedPerAccount = new ConcurrentHashMap<>();
  private final int maxRemembered;
  private final int maxRememberedPerAccount;

  private long nextSweepMillis;

  /**
   * @param algorithms the algorithms to offer, in order of preference (RFC 7616 section 3.7 and RFC
   *     8760 section 2.4: SHA-256 before MD5)
   * @param clock milliseconds, for the nonces' age
   */
  public DigestVerifier(
      AccountDirectory accounts,
      String realm,
      List<DigestAlgorithm> algorithms,
      LongSupplier clock) {
    this(accounts, realm, algorithms, clock, MAX_REMEMBERED, MAX_REMEMBERED_PER_ACCOUNT, "auth");
  }

  /**
   * A verifier whose challenges offer {@code qop="auth,auth-int"}, for a transport that gives
   * {@link #verify(String, String, Predicate, byte[])} the request's body (HTTP).
   */
  public static DigestVerifier signingBodies(
      AccountDirectory accounts,
      String realm,
      List<DigestAlgorithm> algorithms,
      LongSupplier clock) {
    return new DigestVerifier(
        accounts,
        realm,
        algorithms,
        clock,
        MAX_REMEMBERED,
        MAX_REMEMBERED_PER_ACCOUNT,
        "auth,auth-int");
  }

  DigestVerifier(
      AccountDirectory accounts,
      String realm,
      List<DigestAlgorithm> algorithms,
      LongSupplier clock,
      int maxRemembered,
      int maxRememberedPerAccount,
      String qopOffered) {
    this.qopOffered = qopOffered;
    this.maxRemembered = maxRemembered;
    this.maxRememberedPerAccount = maxRememberedPerAccount;
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("Digest needs at least one algorithm");
    }
    this.accounts = accounts;
    this.realm = realm;
    this.algorithms = List.copyOf(algorithms);
    this.clock = clock;
    this.throttle =
        accounts.loginThrottle() != null ? accounts.loginThrottle() : LoginThrottle.standard(clock);
    random.nextBytes(key);
  }

  public String realm() {
    return realm;
  }

  /** The values of the challenge headers (WWW-Authenticate), one per algorithm. */
  public List<String> challenges(boolean stale) {
    String common =
        "realm=\""
            + realm
            + "\", qop=\""
            + qopOffered
            + "\", nonce=\""
            + newNonce()
            + "\""
            + (stale ? ", stale=true" : "");
    return algorithms.stream().map(a -> "Digest " + common + ", algorithm=" + a.token()).toList();
  }

  /**
   * Checks the value of an Authorization header whose scheme is Digest.
   *
   * @param credentials the header's value after {@code Digest}
   * @param method the request's method
   * @param uriMatches whether the credentials' {@code uri} names the request's target
   */
  public Outcome verify(String credentials, String method, Predicate<String> uriMatches) {
    return verify(credentials, method, uriMatches, null);
  }

  /**
   * Checks the value of an Authorization header whose scheme is Digest, {@code qop=auth-int}
   * included when the request's body is given.
   *
   * @param body the request's body (the entity RFC 7616's auth-int signs), or null when the caller
   *     cannot give it: auth-int is then refused
   */
  public Outcome verify(
      String credentials, String method, Predicate<String> uriMatches, byte[] body) {
    Map<String, String> p = parameters(credentials);
    String username = p.get("username");
    String nonce = p.get("nonce");
    String uri = p.get("uri");
    String response = p.get("response");
    if (username == null
        || nonce == null
        || uri == null
        || response == null
        || !realm.equals(p.get("realm"))
        || !uriMatches.test(uri)) {
      return Outcome.NONE;
    }
    DigestAlgorithm algorithm = DigestAlgorithm.fromToken(p.getOrDefault("algorithm", "MD5"));
    if (algorithm == null || !algorithms.contains(algorithm)) {
      return Outcome.NONE;
    }
    if (throttle.waitMillis(username) > 0) {
      return Outcome.THROTTLED;
    }
    // An unknown name is checked against a made-up HA1: as long as a known one, and counted.
    Optional<String> knownHa1 = accounts.digestHa1(username, realm, algorithm);
    String ha1 = knownHa1.orElseGet(() -> hash(algorithm, username));
    String qop = p.get("qop");
    String ha2;
    if (qop == null || qop.equals("auth")) {
      ha2 = hash(algorithm, method + ":" + uri);
    } else if (qop.equals("auth-int") && body != null) {
      // RFC 7616 section 3.4.3: the body is signed too.
      ha2 = hash(algorithm, method + ":" + uri + ":" + hash(algorithm, body));
    } else {
      return Outcome.NONE;
    }
    String expected;
    if (qop == null) {
      expected = hash(algorithm, ha1 + ":" + nonce + ":" + ha2); // RFC 2069 clients
    } else if (p.get("nc") != null && p.get("cnonce") != null) {
      expected =
          hash(
              algorithm,
              ha1
                  + ":"
                  + nonce
                  + ":"
                  + p.get("nc")
                  + ":"
                  + p.get("cnonce")
                  + ":"
                  + qop
                  + ":"
                  + ha2);
    } else {
      return Outcome.NONE;
    }
    if (!MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
        || knownHa1.isEmpty()) {
      throttle.failed(username);
      return Outcome.NONE;
    }
    throttle.succeeded(username);
    // RFC 2069 clients send no count: their nonce is good once. RFC 7616: eight hex digits.
    if (qop != null && !p.get("nc").matches("[0-9a-fA-F]{1,8}")) {
      return Outcome.NONE;
    }
    long count = qop == null ? 0 : Long.parseLong(p.get("nc"), 16);
    long issuedAt = issuedAt(nonce);
    if (issuedAt == FORGED) {
      return Outcome.NONE;
    }
    if (issuedAt == EXPIRED) {
      return new Outcome(null, true);
    }
    return firstUse(algorithm.token() + ":" + nonce, issuedAt, username, count)
        ? new Outcome(accounts.byName(username).orElse(null), false)
        : new Outcome(null, true);
  }

  /** Remembers a nonce count until its nonce expires; false if it was used before. */
  private boolean firstUse(String nonceKey, long issuedAt, String username, long count) {
    long now = clock.getAsLong();
    sweep(now);
    NonceUses uses = used.get(nonceKey);
    if (uses == null) {
      if (used.size() >= maxRemembered || !rememberOneMore(username)) {
        return false;
      }
      NonceUses fresh = new NonceUses(issuedAt + NONCE_MILLIS, username);
      uses = used.putIfAbsent(nonceKey, fresh);
      if (uses == null) {
        uses = fresh;
      } else {
        forgetOne(username); // another request remembered this nonce first
      }
    }
    return uses.firstUse(count);
  }

  /**
   * Counts one more nonce remembered for the account, unless it has its share. Counted by the map's
   * own atomic update: a counter taken out of the map could be dropped from it by a sweep
   * meanwhile, and what it then counted would be lost.
   */
  private boolean rememberOneMore(String username) {
    if (rememberedPerAccount.merge(username, 1, Integer::sum) > maxRememberedPerAccount) {
      forgetOne(username);
      return false;
    }
    return true;
  }

  private void forgetOne(String username) {
    rememberedPerAccount.computeIfPresent(username, (name, count) -> count <= 1 ? null : count - 1);
  }

  private void sweep(long now) {
    synchronized (used) {
      if (now < nextSweepMillis) {
        return;
      }
      nextSweepMillis = now + 10_000;
    }
    used.values()
        .removeIf(
            uses -> {
              if (uses.expiresMillis >= now) {
                return false;
              }
              forgetOne(uses.account);
              return true;
            });
  }

  /** What {@link #issuedAt} answers for a nonce this verifier did not make. */
  private static final long FORGED = Long.MIN_VALUE;

  /** What {@link #issuedAt} answers for a nonce of this verifier's that is too old. */
  private static final long EXPIRED = Long.MIN_VALUE + 1;

  private String newNonce() {
    byte[] nonce =
        ByteBuffer.allocate(SIGNED_BYTES + MAC_BYTES)
            .putLong(clock.getAsLong())
            .putLong(random.nextLong())
            .array();
    System.arraycopy(mac(nonce, SIGNED_BYTES), 0, nonce, SIGNED_BYTES, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
  }

  /** When a nonce was made, or {@link #FORGED}, or {@link #EXPIRED}. */
  private long issuedAt(String nonce) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return FORGED;
    }
    if (bytes.length != SIGNED_BYTES + MAC_BYTES) {
      return FORGED;
    }
    byte[] expected = Arrays.copyOf(mac(bytes, SIGNED_BYTES), MAC_BYTES);
    if (!MessageDigest.isEqual(
        expected, Arrays.copyOfRange(bytes, SIGNED_BYTES, SIGNED_BYTES + MAC_BYTES))) {
      return FORGED;
    }
    long issued = ByteBuffer.wrap(bytes, 0, 8).getLong();
    long age = clock.getAsLong() - issued;
    return age >= 0 && age <= NONCE_MILLIS ? issued : EXPIRED;
  }

  private byte[] mac(byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static String hash(DigestAlgorithm algorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm.javaName()).digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + algorithm.javaName(), e);
    }
  }

  /** {@code H(text)} in lower-case hex. */
  public static String hash(DigestAlgorithm algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm.javaName())
                  .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + algorithm.javaName(), e);
    }
  }

  /**
   * The auth-params of a challenge or credentials: {@code key=token} or {@code key="quoted"}, keys
   * in lower case.
   */
  public static Map<String, String> parameters(String text) {
    Map<String, String> parameters = new HashMap<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
        i++;
      }
      int equals = text.indexOf('=', i);
      if (equals < 0) {
        break;
      }
      String name = text.substring(i, equals).trim().toLowerCase(Locale.ROOT);
      i = equals + 1;
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '"') {
        for (i++; i < n && text.charAt(i) != '"'; i++) {
          if (text.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(text.charAt(i));
        }
        i++;
      } else {
        for (; i < n && text.charAt(i) != ','; i++) {
          value.append(text.charAt(i));
        }
      }
      parameters.put(name, value.toString().trim());
    }
    return parameters;
  }
}
