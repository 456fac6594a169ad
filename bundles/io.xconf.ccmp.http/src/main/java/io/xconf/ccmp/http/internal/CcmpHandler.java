package io.xconf.ccmp.http.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.accounts.DigestVerifier;
import io.xconf.accounts.LoginThrottle;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.ccmp.CcmpOutcome;
import io.xconf.ccmp.CcmpProcessor;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.http.HttpAuthenticator;
import io.xconf.http.HttpEndpoint;
import io.xconf.server.ServerIdentity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CCMP over HTTP (RFC 6503 section 9) at {@code /ccmp}: one POST, one CCMP answer. Everything CCMP
 * says, errors included, travels as HTTP 200; HTTP status codes are kept for HTTP-level faults.
 *
 * <p>An {@link HttpEndpoint} on Jetty's core API rather than a servlet: CCMP is spared Jetty's
 * servlet layer and Pax Web's wrappers around it, which cost more CPU per request than the CCMP
 * work on a small request (docs/performance.md).
 */
@Component(
    service = HttpEndpoint.class,
    configurationPid = "io.xconf.ccmp.http",
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    property = HttpEndpoint.PATH + "=/ccmp")
@Designate(ocd = CcmpHandler.Config.class)
public final class CcmpHandler implements HttpEndpoint {

  @ObjectClassDefinition(
      name = "Xconf CCMP over HTTP",
      description = "Authentication and limits of CCMP requests.")
  public @interface Config {
    @AttributeDefinition(
        name = "Passwords over plain HTTP",
        description =
            "Accept HTTP Basic credentials and CCMP subject passwords on unencrypted connections"
                + " (they travel in clear).")
    boolean basicOverPlainHttp() default false;

    @AttributeDefinition(
        name = "Largest request",
        description =
            "Bytes; a larger body gets 413 (a declared one refused before any of it is kept, a"
                + " chunked one at the limit).",
        min = "1024")
    long maxRequestBytes() default 1 << 20;

    @AttributeDefinition(
        name = "Requests in progress",
        description = "CCMP requests processed at once; more wait for a slot.",
        min = "1")
    int maxConcurrentRequests() default 64;

    @AttributeDefinition(
        name = "Wait for a slot",
        description =
            "Milliseconds a request waits for a slot before it is answered 510 (Request Timeout).",
        min = "0")
    long maxWaitMillis() default 2000;
  }

  private static final Logger LOG = LoggerFactory.getLogger(CcmpHandler.class);

  /**
   * What of a refused body is read and dropped so that its sender sees the 413: the same bandwidth
   * it spends sending, no memory; beyond, the connection is cut.
   */
  private static final long DROPPED_BYTES_AT_MOST = 64L << 20;

  /** How long dropping may take: a slow sender must not hold a thread with it. */
  private static final long DROPPING_NANOS_AT_MOST = TimeUnit.SECONDS.toNanos(5);

  private final CcmpProcessor processor;
  private final HttpAuthenticator authenticator;
  private final long maxRequestBytes;
  private final boolean basicOverPlainHttp;
  private final Semaphore slots;
  private final long maxWaitMillis;
  private final CcmpMetrics metrics;

  /** Wrong credentials per source address (Basic, Digest, the CCMP subject). */
  private final LoginThrottle guesses = LoginThrottle.standard(System::currentTimeMillis);

  @Activate
  public CcmpHandler(
      @Reference CcmpProcessor processor,
      @Reference AccountDirectory accounts,
      @Reference ServerIdentity identity,
      @Reference MeterRegistry meters,
      Config config) {
    this.metrics = new CcmpMetrics(meters);
    this.processor = processor;
    this.maxRequestBytes = config.maxRequestBytes();
    this.basicOverPlainHttp = config.basicOverPlainHttp();
    this.slots = new Semaphore(config.maxConcurrentRequests());
    this.maxWaitMillis = config.maxWaitMillis();
    this.authenticator =
        new HttpAuthenticator(
            accounts, identity.domain(), config.basicOverPlainHttp(), System::currentTimeMillis);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    if (!HttpMethod.POST.is(request.getMethod())) {
      // Only POST carries CCMP; other methods learn nothing about the server (section 9).
      headers.put(HttpHeader.ALLOW, "POST");
      metrics.refused(HttpStatus.METHOD_NOT_ALLOWED_405);
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
      return true;
    }
    HttpFields fields = request.getHeaders();
    if (hasConditionalHeader(fields)) {
      metrics.refused(HttpStatus.PRECONDITION_FAILED_412);
      Response.writeError(
          request,
          response,
          callback,
          HttpStatus.PRECONDITION_FAILED_412,
          "CCMP requests are not conditional");
      return true;
    }
    if (!MediaTypes.isCcmpContentType(fields.get(HttpHeader.CONTENT_TYPE))
        || !MediaTypes.acceptsCcmp(fields.get(HttpHeader.ACCEPT))) {
      metrics.refused(HttpStatus.NOT_ACCEPTABLE_406);
      Response.writeError(
          request,
          response,
          callback,
          HttpStatus.NOT_ACCEPTABLE_406,
          "CCMP is exchanged as " + MediaTypes.CCMP_UTF8 + " (Content-Type and Accept)");
      return true;
    }
    long declared = request.getLength();
    if (declared > maxRequestBytes) {
      // Refused before a byte of it is kept. A client waiting for 100 Continue is not asked for
      // the body (reading would ask), nor is one too large to drop.
      boolean drop =
          declared <= DROPPED_BYTES_AT_MOST && !fields.contains(HttpHeader.EXPECT, "100-continue");
      tooLarge(response, request, callback, drop ? Content.Source.asInputStream(request) : null);
      return true;
    }
    // The whole request is read before a processing slot is taken, so slow senders wait in
    // Jetty's idle timeout and cannot occupy the slots.
    InputStream in = Content.Source.asInputStream(request);
    byte[] ccmpRequest = readBody(in, declared);
    if (ccmpRequest.length > maxRequestBytes) {
      tooLarge(response, request, callback, in);
      return true;
    }
    long startNanos = System.nanoTime();
    String source = Request.getRemoteAddr(request);
    long wait = guesses.waitMillis(source);
    if (wait > 0) {
      // Too many wrong credentials from here: nothing is checked until the wait is over.
      headers.put(HttpHeader.RETRY_AFTER, String.valueOf((wait + 999) / 1000));
      metrics.refused(HttpStatus.TOO_MANY_REQUESTS_429);
      Response.writeError(
          request,
          response,
          callback,
          HttpStatus.TOO_MANY_REQUESTS_429,
          "too many failed logins from " + source + "; try again later");
      return true;
    }
    String authorization = fields.get(HttpHeader.AUTHORIZATION);
    boolean secure = request.isSecure();
    if (ccmpRequest.length == 0 && authorization == null) {
      // No CCMP request at all: an HTTP client probing for its Digest challenge (curl does).
      metrics.refused(HttpStatus.UNAUTHORIZED_401);
      authenticator.challenge(response, secure, false);
      headers.put(HttpHeader.CONTENT_LENGTH, 0);
      callback.succeeded();
      return true;
    }
    // A conference answer is some kilobytes: sized so that it is not copied as it grows.
    Body body = new Body(16 * 1024);
    DigestVerifier.Outcome authentication = DigestVerifier.Outcome.NONE;
    CcmpOutcome outcome;
    // Checking a password is slow on purpose (PBKDF2): it takes a slot like the work it guards.
    if (acquireSlot()) {
      try {
        String query = request.getHttpURI().getQuery();
        try {
          authentication =
              authenticator.authenticate(
                  authorization,
                  request.getMethod(),
                  request.getHttpURI().getPath() + (query == null ? "" : "?" + query),
                  secure,
                  ccmpRequest);
        } catch (AccountDirectoryUnavailableException e) {
          // Not a failed login: the credentials could not be checked at all.
          LOG.debug("Credentials from {} not checked: {}", source, e.getMessage());
          outcome =
              processor.refuse(
                  new ByteArrayInputStream(ccmpRequest),
                  body,
                  CcmpResponseCode.SERVER_INTERNAL_ERROR,
                  AccountDirectoryUnavailableException.CLIENT_MESSAGE);
          answer(response, callback, secure, outcome, body, authentication);
          metrics.answered(outcome, startNanos);
          return true;
        }
        if (authorization != null && authentication.account() == null) {
          if (!authentication.staleNonce()
              && !authentication.throttled()
              && authenticator.checks(authorization, secure)) {
            guesses.failed(source);
          }
          if (ccmpRequest.length == 0) {
            metrics.refused(HttpStatus.UNAUTHORIZED_401);
            authenticator.challenge(response, secure, authentication.staleNonce());
            headers.put(HttpHeader.CONTENT_LENGTH, 0);
            callback.succeeded();
            return true;
          }
        }
        outcome =
            processor.process(
                new ByteArrayInputStream(ccmpRequest),
                body,
                new CcmpCaller(authentication.account(), secure, basicOverPlainHttp));
        if (outcome.credentialsRefused()) {
          guesses.failed(source);
        }
      } finally {
        slots.release();
      }
    } else {
      // Overloaded: an early, cheap answer beats a queue that grows until clients give up
      // (RFC 6503 section 4.4).
      outcome =
          processor.refuse(
              new ByteArrayInputStream(ccmpRequest),
              body,
              CcmpResponseCode.REQUEST_TIMEOUT,
              "the server is busy; try again");
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "CCMP {} from {} answered {}", outcome.requestType(), source, outcome.responseCode());
    }
    answer(response, callback, secure, outcome, body, authentication);
    metrics.answered(outcome, startNanos);
    return true;
  }

  /** The CCMP answer as HTTP 200, or as the 401 of a challenge when credentials are wanted. */
  private void answer(
      Response response,
      Callback callback,
      boolean secure,
      CcmpOutcome outcome,
      Body body,
      DigestVerifier.Outcome authentication) {
    HttpFields.Mutable headers = response.getHeaders();
    if (outcome.authenticationRequired()) {
      // Section 10.2 credentials missing or wrong: challenge, with the CCMP 424 as the body.
      authenticator.challenge(response, secure, authentication.staleNonce());
    } else {
      response.setStatus(HttpStatus.OK_200);
    }
    headers.put(HttpHeader.CONTENT_TYPE, MediaTypes.CCMP_UTF8);
    headers.put(HttpHeader.CONTENT_LENGTH, body.size());
    response.write(true, body.asByteBuffer(), callback);
  }

  /**
   * 413, and the connection closed after it. Unless {@code rest} is null, the rest of the body is
   * read and dropped first (up to {@link #DROPPED_BYTES_AT_MOST}, for {@link
   * #DROPPING_NANOS_AT_MOST} at most): closing a socket with unread bytes makes the kernel reset
   * it, and a client still sending would then lose the 413 for a broken connection.
   */
  private void tooLarge(Response response, Request request, Callback callback, InputStream rest) {
    metrics.refused(HttpStatus.PAYLOAD_TOO_LARGE_413);
    if (rest != null) {
      dropRest(rest);
    }
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    Response.writeError(
        request,
        response,
        callback,
        HttpStatus.PAYLOAD_TOO_LARGE_413,
        "CCMP requests are at most " + maxRequestBytes + " bytes");
  }

  private static void dropRest(InputStream body) {
    try (InputStream rest = body) {
      byte[] buffer = new byte[64 * 1024];
      long dropped = 0;
      long deadline = System.nanoTime() + DROPPING_NANOS_AT_MOST;
      for (int n;
          dropped <= DROPPED_BYTES_AT_MOST
              && System.nanoTime() < deadline
              && (n = rest.read(buffer)) >= 0; ) {
        dropped += n;
      }
    } catch (IOException e) {
      // Gone already: the 413 goes nowhere, and nothing is lost.
    }
  }

  /**
   * The request's body, at most one byte more than allowed. A declared length is read up to that
   * length, without the extra read for the end of the stream; a chunked body is read until its end.
   * Grows as the bytes come: a slow sender does not get the declared size reserved up front.
   */
  private byte[] readBody(InputStream in, long declared) throws IOException {
    if (declared < 0 || declared > Integer.MAX_VALUE - 8) {
      return in.readNBytes((int) Math.min(maxRequestBytes + 1, Integer.MAX_VALUE - 8));
    }
    return in.readNBytes((int) declared);
  }

  private boolean acquireSlot() {
    try {
      return slots.tryAcquire() || slots.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean hasConditionalHeader(HttpFields fields) {
    for (HttpField field : fields) {
      if (field.getName().regionMatches(true, 0, "If-", 0, 3)) {
        return true;
      }
    }
    return false;
  }

  /** The answer as it is written, handed to Jetty without a copy. */
  private static final class Body extends java.io.ByteArrayOutputStream {
    Body(int size) {
      super(size);
    }

    ByteBuffer asByteBuffer() {
      return ByteBuffer.wrap(buf, 0, count);
    }
  }
}
