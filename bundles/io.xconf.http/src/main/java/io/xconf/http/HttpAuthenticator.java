package io.xconf.http;

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
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * HTTP authentication against Xconf's accounts: Digest (RFC 7616, SHA-256 and MD5) through the
 * accounts' {@link DigestVerifier}, and Basic where the connection is encrypted (or where the
 * operator allowed it in clear). One per endpoint: its Digest nonces are good for that endpoint.
 */
public final class HttpAuthenticator {

  private final AccountDirectory accounts;
  private final DigestVerifier digest;
  private final boolean basicOverPlainHttp;

  /**
   * @param realm the Digest realm, the server's domain (the accounts keep their HA1 for it)
   * @param basicOverPlainHttp whether Basic credentials are checked on unencrypted connections
   * @param clock milliseconds, for the age of nonces
   */
  public HttpAuthenticator(
      AccountDirectory accounts, String realm, boolean basicOverPlainHttp, LongSupplier clock) {
    this.accounts = accounts;
    this.digest =
        DigestVerifier.signingBodies(
            accounts, realm, List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), clock);
    this.basicOverPlainHttp = basicOverPlainHttp;
  }

  public String realm() {
    return digest.realm();
  }

  /** The WWW-Authenticate values of a 401: SHA-256 first (RFC 7616 section 3.7), then MD5. */
  public List<String> challenges(boolean stale) {
    return digest.challenges(stale);
  }

  /**
   * Makes {@code response} a 401 with the Digest challenges, and Basic's where Basic is checked
   * (over TLS): the way in for accounts whose directory keeps no Digest HA1 (LDAP), for clients
   * that answer only what they are offered.
   */
  public void challenge(Response response, boolean secure, boolean staleNonce) {
    response.setStatus(HttpStatus.UNAUTHORIZED_401);
    for (String challenge : challenges(staleNonce)) {
      response.getHeaders().add(HttpHeader.WWW_AUTHENTICATE, challenge);
    }
    if (secure || basicOverPlainHttp) {
      response
          .getHeaders()
          .add(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + realm() + "\", charset=\"UTF-8\"");
    }
  }

  /**
   * Answers a request whose credentials named no account: 401 with the challenges, after counting a
   * wrong guess this authenticator checked (not an expired nonce, not a throttled name) against
   * {@code source}.
   */
  public void refuse(
      Outcome outcome,
      String authorization,
      boolean secure,
      LoginThrottle guesses,
      String source,
      Response response,
      Callback callback) {
    if (authorization != null
        && !outcome.staleNonce()
        && !outcome.throttled()
        && checks(authorization, secure)) {
      guesses.failed(source);
    }
    challenge(response, secure, outcome.staleNonce());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    callback.succeeded();
  }

  /** The account of an {@code Authorization} header of a request without a body. */
  public Outcome authenticate(
      String authorization, String method, String requestUri, boolean secure) {
    return authenticate(authorization, method, requestUri, secure, null);
  }

  /**
   * @param body the request's body, which {@code qop=auth-int} signs
   */
  public Outcome authenticate(
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
  public boolean checks(String authorization, boolean secure) {
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
