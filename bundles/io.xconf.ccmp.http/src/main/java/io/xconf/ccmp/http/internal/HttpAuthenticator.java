package io.xconf.ccmp.http.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP authentication of CCMP requests: Digest (RFC 7616, SHA-256 and MD5, qop=auth) against the
 * HA1 values the account directory keeps, and Basic where the connection is encrypted. Nonces are
 * stateless: a timestamp signed with a key of this instance, valid for five minutes.
 */
final class HttpAuthenticator {

  /** What the Authorization header proved. */
  record Result(Account account, boolean staleNonce) {
    static final Result NONE = new Result(null, false);
  }

  private static final long NONCE_MILLIS = 5 * 60 * 1000;
  private static final int MAC_BYTES = 16;

  private final AccountDirectory accounts;
  private final String realm;
  private final boolean basicOverPlainHttp;
  private final LongSupplier clock;
  private final byte[] key = new byte[32];

  HttpAuthenticator(
      AccountDirectory accounts, String realm, boolean basicOverPlainHttp, LongSupplier clock) {
    this.accounts = accounts;
    this.realm = realm;
    this.basicOverPlainHttp = basicOverPlainHttp;
    this.clock = clock;
    new SecureRandom().nextBytes(key);
  }

  /** The WWW-Authenticate values of a 401: SHA-256 first (RFC 7616 section 3.7), then MD5. */
  List<String> challenges(boolean stale) {
    String nonce = newNonce();
    String common =
        "realm=\""
            + realm
            + "\", qop=\"auth\", nonce=\""
            + nonce
            + "\""
            + (stale ? ", stale=true" : "");
    return List.of(
        "Digest " + common + ", algorithm=SHA-256", "Digest " + common + ", algorithm=MD5");
  }

  Result authenticate(String authorization, String method, String requestUri, boolean secure) {
    if (authorization == null) {
      return Result.NONE;
    }
    String trimmed = authorization.trim();
    int space = trimmed.indexOf(' ');
    if (space < 0) {
      return Result.NONE;
    }
    String scheme = trimmed.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = trimmed.substring(space + 1).trim();
    if (scheme.equals("basic")) {
      return secure || basicOverPlainHttp ? basic(credentials) : Result.NONE;
    }
    return scheme.equals("digest")
        ? digest(parameters(credentials), method, requestUri)
        : Result.NONE;
  }

  private Result basic(String credentials) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Result.NONE;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Result.NONE;
    }
    return new Result(
        accounts
            .authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
            .orElse(null),
        false);
  }

  private Result digest(Map<String, String> p, String method, String requestUri) {
    String username = p.get("username");
    String nonce = p.get("nonce");
    String uri = p.get("uri");
    String response = p.get("response");
    if (username == null
        || nonce == null
        || uri == null
        || response == null
        || !realm.equals(p.get("realm"))) {
      return Result.NONE;
    }
    if (!uri.equals(requestUri) && !uri.endsWith("://" + requestUri) && !uri.endsWith(requestUri)) {
      return Result.NONE;
    }
    DigestAlgorithm algorithm = algorithm(p.getOrDefault("algorithm", "MD5"));
    if (algorithm == null) {
      return Result.NONE;
    }
    Optional<String> ha1 = accounts.digestHa1(username, realm, algorithm);
    if (ha1.isEmpty()) {
      return Result.NONE;
    }
    String ha2 = hash(algorithm, method + ":" + uri);
    String qop = p.get("qop");
    String expected;
    if (qop == null) {
      expected = hash(algorithm, ha1.get() + ":" + nonce + ":" + ha2); // RFC 2069 clients
    } else if (qop.equals("auth") && p.get("nc") != null && p.get("cnonce") != null) {
      expected =
          hash(
              algorithm,
              ha1.get() + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
    } else {
      return Result.NONE;
    }
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      return Result.NONE;
    }
    NonceState state = checkNonce(nonce);
    if (state == NonceState.FORGED) {
      return Result.NONE;
    }
    if (state == NonceState.EXPIRED) {
      return new Result(null, true);
    }
    return new Result(accounts.byName(username).orElse(null), false);
  }

  private static DigestAlgorithm algorithm(String token) {
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      if (algorithm.token().equalsIgnoreCase(token.trim())) {
        return algorithm;
      }
    }
    return null;
  }

  private enum NonceState {
    VALID,
    EXPIRED,
    FORGED
  }

  private String newNonce() {
    byte[] nonce = ByteBuffer.allocate(8 + MAC_BYTES).putLong(clock.getAsLong()).array();
    System.arraycopy(mac(nonce, 8), 0, nonce, 8, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
  }

  private NonceState checkNonce(String nonce) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return NonceState.FORGED;
    }
    if (bytes.length != 8 + MAC_BYTES) {
      return NonceState.FORGED;
    }
    byte[] expected = mac(bytes, 8);
    byte[] given = new byte[MAC_BYTES];
    System.arraycopy(bytes, 8, given, 0, MAC_BYTES);
    if (!MessageDigest.isEqual(java.util.Arrays.copyOf(expected, MAC_BYTES), given)) {
      return NonceState.FORGED;
    }
    long issued = ByteBuffer.wrap(bytes, 0, 8).getLong();
    long age = clock.getAsLong() - issued;
    return age >= 0 && age <= NONCE_MILLIS ? NonceState.VALID : NonceState.EXPIRED;
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

  static String hash(DigestAlgorithm algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm.javaName())
                  .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + algorithm.javaName(), e);
    }
  }

  /** The auth-params of a credentials header: {@code key=token} or {@code key="quoted"}. */
  static Map<String, String> parameters(String text) {
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
