package io.xconf.ccmp.http.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.accounts.DigestVerifier;
import io.xconf.accounts.LoginThrottle;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.ccmp.CcmpOutcome;
import io.xconf.ccmp.CcmpProcessor;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.server.ServerIdentity;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CCMP over HTTP (RFC 6503 section 9): one POST, one CCMP answer. Everything CCMP says, errors
 * included, travels as HTTP 200; HTTP status codes are kept for HTTP-level faults.
 */
@Component(
    service = Servlet.class,
    configurationPid = "io.xconf.ccmp.http",
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CcmpServlet.Config.class)
@HttpWhiteboardServletName("ccmp")
@HttpWhiteboardServletPattern(CcmpServlet.PATH)
public final class CcmpServlet extends HttpServlet {

  static final String PATH = "/ccmp";

  @ObjectClassDefinition(
      name = "Xconf CCMP over HTTP",
      description = "Authentication of CCMP requests.")
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
            "Bytes; a larger body gets 413 (a declared one unread, a chunked one at the limit).",
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

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CcmpServlet.class);

  private final transient CcmpProcessor processor;
  private final transient HttpAuthenticator authenticator;
  private final long maxRequestBytes;
  private final boolean basicOverPlainHttp;
  private final transient Semaphore slots;
  private final long maxWaitMillis;

  /** Wrong credentials per source address (Basic, Digest, the CCMP subject). */
  private final transient LoginThrottle guesses = LoginThrottle.standard(System::currentTimeMillis);

  @Activate
  public CcmpServlet(
      @Reference CcmpProcessor processor,
      @Reference AccountDirectory accounts,
      @Reference ServerIdentity identity,
      Config config) {
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
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    if (!"POST".equals(request.getMethod())) {
      // Only POST carries CCMP; other methods learn nothing about the server (section 9).
      response.setHeader("Allow", "POST");
      response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      return;
    }
    if (hasConditionalHeader(request)) {
      response.sendError(
          HttpServletResponse.SC_PRECONDITION_FAILED, "CCMP requests are not conditional");
      return;
    }
    if (!MediaTypes.isCcmpContentType(request.getContentType())
        || !MediaTypes.acceptsCcmp(request.getHeader("Accept"))) {
      response.sendError(
          HttpServletResponse.SC_NOT_ACCEPTABLE,
          "CCMP is exchanged as " + MediaTypes.CCMP_UTF8 + " (Content-Type and Accept)");
      return;
    }
    if (request.getContentLengthLong() > maxRequestBytes) {
      // Refused before reading a byte of it; Jetty closes rather than drain a huge body.
      response.setHeader("Connection", "close");
      response.sendError(
          HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "CCMP requests are at most " + maxRequestBytes + " bytes");
      return;
    }
    // The whole request is read before a processing slot is taken, so slow senders wait in
    // Jetty's idle timeout and cannot occupy the slots.
    byte[] ccmpRequest = readBody(request);
    if (ccmpRequest.length > maxRequestBytes) {
      response.setHeader("Connection", "close");
      response.sendError(
          HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "CCMP requests are at most " + maxRequestBytes + " bytes");
      return;
    }
    String source = request.getRemoteAddr();
    long wait = guesses.waitMillis(source);
    if (wait > 0) {
      // Too many wrong credentials from here: nothing is checked until the wait is over.
      response.setHeader("Retry-After", String.valueOf((wait + 999) / 1000));
      response.sendError(429, "too many failed logins from " + source + "; try again later");
      return;
    }
    String authorization = request.getHeader("Authorization");
    if (ccmpRequest.length == 0 && authorization == null) {
      // No CCMP request at all: an HTTP client probing for its Digest challenge (curl does).
      challenge(request, response, false);
      response.setContentLength(0);
      return;
    }
    // A conference answer is some kilobytes: sized so that it is not copied as it grows.
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    DigestVerifier.Outcome authentication = DigestVerifier.Outcome.NONE;
    CcmpOutcome outcome;
    // Checking a password is slow on purpose (PBKDF2): it takes a slot like the work it guards.
    if (acquireSlot()) {
      try {
        String query = request.getQueryString();
        try {
          authentication =
              authenticator.authenticate(
                  authorization,
                  request.getMethod(),
                  request.getRequestURI() + (query == null ? "" : "?" + query),
                  request.isSecure(),
                  ccmpRequest);
        } catch (AccountDirectoryUnavailableException e) {
          // Not a failed login: the credentials could not be checked at all.
          LOG.debug("Credentials from {} not checked: {}", source, e.getMessage());
          answer(
              request,
              response,
              processor.refuse(
                  new ByteArrayInputStream(ccmpRequest),
                  body,
                  CcmpResponseCode.SERVER_INTERNAL_ERROR,
                  AccountDirectoryUnavailableException.CLIENT_MESSAGE),
              body,
              authentication);
          return;
        }
        if (authorization != null && authentication.account() == null) {
          if (!authentication.staleNonce()
              && !authentication.throttled()
              && authenticator.checks(authorization, request.isSecure())) {
            guesses.failed(source);
          }
          if (ccmpRequest.length == 0) {
            challenge(request, response, authentication.staleNonce());
            response.setContentLength(0);
            return;
          }
        }
        outcome =
            processor.process(
                new ByteArrayInputStream(ccmpRequest),
                body,
                new CcmpCaller(authentication.account(), request.isSecure(), basicOverPlainHttp));
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
          "CCMP {} from {} answered {}",
          outcome.requestType(),
          request.getRemoteAddr(),
          outcome.responseCode());
    }
    answer(request, response, outcome, body, authentication);
  }

  private void answer(
      HttpServletRequest request,
      HttpServletResponse response,
      CcmpOutcome outcome,
      ByteArrayOutputStream body,
      DigestVerifier.Outcome authentication)
      throws IOException {
    if (outcome.authenticationRequired()) {
      // Section 10.2 credentials missing or wrong: challenge, with the CCMP 424 as the body.
      challenge(request, response, authentication.staleNonce());
    } else {
      response.setStatus(HttpServletResponse.SC_OK);
    }
    response.setContentType(MediaTypes.CCMP_UTF8);
    response.setContentLength(body.size());
    body.writeTo(response.getOutputStream());
  }

  /**
   * The request's body, at most one byte more than allowed. A declared length is read up to that
   * length, without the extra read for the end of the stream that costs a round through Jetty's
   * input machinery; a chunked body is read until its end.
   */
  private byte[] readBody(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared < 0 || declared > Integer.MAX_VALUE - 8) {
      return request
          .getInputStream()
          .readNBytes((int) Math.min(maxRequestBytes + 1, Integer.MAX_VALUE));
    }
    // Grows as the bytes come (a slow sender does not get the declared size reserved up front) and
    // stops at the declared length without another read.
    return request.getInputStream().readNBytes((int) declared);
  }

  private boolean acquireSlot() {
    try {
      return slots.tryAcquire() || slots.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * 401 with the Digest challenges, and Basic's where Basic is checked (over TLS): the way in for
   * accounts whose directory keeps no Digest HA1 (LDAP), for clients that answer only what they are
   * offered.
   */
  private void challenge(
      HttpServletRequest request, HttpServletResponse response, boolean staleNonce) {
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    for (String challenge : authenticator.challenges(staleNonce)) {
      response.addHeader("WWW-Authenticate", challenge);
    }
    if (request.isSecure() || basicOverPlainHttp) {
      response.addHeader(
          "WWW-Authenticate", "Basic realm=\"" + authenticator.realm() + "\", charset=\"UTF-8\"");
    }
  }

  private static boolean hasConditionalHeader(HttpServletRequest request) {
    for (String name : Collections.list(request.getHeaderNames())) {
      if (name.regionMatches(true, 0, "If-", 0, 3)) {
        return true;
      }
    }
    return false;
  }
}
