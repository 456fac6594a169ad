package io.xconf.ccmp.http.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.DigestVerifier;
import io.xconf.accounts.DigestVerifier.Outcome;
import io.xconf.accounts.LoginThrottle;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * HTTP authentication of CCMP requests: Digest (RFC 7616) through the accounts' {@link
 * DigestVerifier}, and Basic where the connection is encrypted.
 */
final class HttpAuthenticator {

  private final AccountDirectory accounts;
  private final DigestVerifier digest;
  private final boolean basicOverPlainHttp;

  HttpAuthenticator(
      AccountDirectory accounts, String realm, boolean basicOverPlainHttp, LongSupplier clock) {
    this.accounts = accounts;
    this.digest =
        DigestVerifier.signingBodies(
            accounts, realm, List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), clock);
    this.basicOverPlainHttp = basicOverPlainHttp;
  }

  String realm() {
    return digest.realm();
  }

  /** The WWW-Authenticate values of a 401: SHA-256 first (RFC 7616 section 3.7), then MD5. */
  List<String> challenges(boolean stale) {
    return digest.challenges(stale);
  }

  Outcome authenticate(String authorization, String method, String requestUri, boolean secure) {
    return authenticate(authorization, method, requestUri, secure, null);
  }

  /**
   * @param body the request's body, which {@code qop=auth-int} signs
   */
  Outcome authenticate(
      String authorization, String method, String requestUri, boolean secure, byte[] body) {
    if (authorization == null) {
      return Outcome.NONE;
    }
    String trimmed = authorization.trim();
    int space = trimmed.indexOf(' ');
    if (space < 0) {
      return Outcome.NONE;
    }
    String scheme = trimmed.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = trimmed.substring(space + 1).trim();
    if (scheme.equals("basic")) {
      return secure || basicOverPlainHttp ? basic(credentials) : Outcome.NONE;
    }
    // Clients put the path or the absolute URI into uri= (RFC 7616 section 3.4).
    return scheme.equals("digest")
        ? digest.verify(
            credentials, method, uri -> uri.equals(requestUri) || uri.endsWith(requestUri), body)
        : Outcome.NONE;
  }

  /**
   * Whether credentials of this header are checked at all here (Digest; Basic only over TLS or
   * where allowed): a refusal of unchecked ones is no failed guess.
   */
  boolean checks(String authorization, boolean secure) {
    String trimmed = authorization == null ? "" : authorization.trim().toLowerCase(Locale.ROOT);
    return trimmed.startsWith("digest ")
        || (trimmed.startsWith("basic ") && (secure || basicOverPlainHttp));
  }

  private Outcome basic(String credentials) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Outcome.NONE;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Outcome.NONE;
    }
    LoginThrottle throttle = accounts.loginThrottle();
    if (throttle != null && throttle.waitMillis(decoded.substring(0, colon)) > 0) {
      return Outcome.THROTTLED;
    }
    return new Outcome(
        accounts
            .authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
            .orElse(null),
        false);
  }
}
