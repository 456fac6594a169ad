package io.xconf.operations.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.accounts.DigestVerifier;
import io.xconf.accounts.LoginThrottle;
import io.xconf.http.HttpAuthenticator;
import io.xconf.http.HttpEndpoint;
import io.xconf.http.Requests;
import io.xconf.metrics.MetricsText;
import io.xconf.server.ServerIdentity;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format, for clients on this machine (a
 * Prometheus or an agent beside Xconf) and, from elsewhere, for administrator accounts (HTTP
 * Digest, or Basic over TLS). Anyone else gets 401 or 403, and wrong passwords are throttled per
 * source as on {@code /ccmp}: the numbers tell how busy the server is and which calls fail.
 */
@Component(service = HttpEndpoint.class, property = HttpEndpoint.PATH + "=/metrics")
public final class MetricsEndpoint implements HttpEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final MetricsText meters;
  private final HttpAuthenticator authenticator;
  private final LoginThrottle guesses = LoginThrottle.standard(System::currentTimeMillis);

  /** Password checks are slow on purpose (PBKDF2): a few at a time, or a flood stalls the CPU. */
  private final Semaphore checks = new Semaphore(4);

  @Activate
  public MetricsEndpoint(
      @Reference MetricsText meters,
      @Reference AccountDirectory accounts,
      @Reference ServerIdentity identity) {
    this.meters = meters;
    this.authenticator =
        new HttpAuthenticator(accounts, identity.domain(), false, System::currentTimeMillis);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (!Requests.reads(request, response, callback)) {
      return true;
    }
    if (!Requests.fromThisMachine(request) && !administrator(request, response, callback)) {
      return true;
    }
    Requests.answer(
        request,
        response,
        callback,
        HttpStatus.OK_200,
        meters.contentType(),
        meters.scrape().getBytes(StandardCharsets.UTF_8));
    return true;
  }

  /** Whether the request comes from an administrator; if not, it has been answered. */
  private boolean administrator(Request request, Response response, Callback callback) {
    String source = Request.getRemoteAddr(request);
    long wait = guesses.waitMillis(source);
    if (wait > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf((wait + 999) / 1000));
      Response.writeError(
          request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "too many failed logins");
      return false;
    }
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    boolean secure = request.isSecure();
    if (!checks.tryAcquire()) {
      // Busy checking others' passwords: no Jetty thread waits for a turn.
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
      return false;
    }
    DigestVerifier.Outcome outcome;
    try {
      outcome =
          authenticator.authenticate(
              authorization, request.getMethod(), request.getHttpURI().getPathQuery(), secure);
    } catch (AccountDirectoryUnavailableException e) {
      LOG.debug("Metrics login from {} not checked: {}", source, e.getMessage());
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
      Response.writeError(
          request,
          response,
          callback,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          AccountDirectoryUnavailableException.CLIENT_MESSAGE);
      return false;
    } finally {
      checks.release();
    }
    if (outcome.account() == null) {
      authenticator.refuse(outcome, authorization, secure, guesses, source, response, callback);
      return false;
    }
    if (!outcome.account().administrator()) {
      Response.writeError(
          request, response, callback, HttpStatus.FORBIDDEN_403, "metrics are for administrators");
      return false;
    }
    return true;
  }
}
