package io.xconf.recordings.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.accounts.DigestVerifier;
import io.xconf.accounts.LoginThrottle;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.http.HttpAuthenticator;
import io.xconf.http.HttpEndpoint;
import io.xconf.http.Requests;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.server.ServerIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conferences' recordings at {@code /recordings/<conference id>/<file>.wav}, as the SIP focus
 * writes them under the data folder ({@code recordings/}) and lists them in each conference: to the
 * conference's managers (its owner, its administrators and moderators, the server's administrators)
 * only, after HTTP Digest or Basic, over HTTPS (plain HTTP from this machine only). A recording of
 * a deleted conference is no one's to fetch here: the operator has the file.
 */
@Component(service = HttpEndpoint.class, property = HttpEndpoint.PATH + "=/recordings/")
public final class RecordingsEndpoint implements HttpEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(RecordingsEndpoint.class);

  /** Exactly what the focus names: nothing else is a path here (no "..", no other file). */
  private static final Pattern PATH =
      Pattern.compile("/recordings/([a-z0-9]{1,64})/([0-9]{8}T[0-9]{6}Z(?:-[0-9]{1,4})?\\.wav)");

  private final ConferenceService model;
  private final String domain;
  private final Path folder;
  private final HttpAuthenticator authenticator;
  private final LoginThrottle guesses = LoginThrottle.standard(System::currentTimeMillis);

  @Activate
  public RecordingsEndpoint(
      @Reference AccountDirectory accounts,
      @Reference ConferenceService model,
      @Reference ServerIdentity identity) {
    this.model = model;
    this.domain = identity.domain();
    this.folder = identity.stateDirectory().resolve("recordings");
    this.authenticator =
        new HttpAuthenticator(accounts, identity.domain(), false, System::currentTimeMillis);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (!Requests.reads(request, response, callback)) {
      return true;
    }
    boolean secure = request.isSecure();
    if (!secure && !Requests.fromThisMachine(request)) {
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "HTTPS only");
      return true;
    }
    String source = Request.getRemoteAddr(request);
    if (guesses.waitMillis(source) > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
      Response.writeError(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429);
      return true;
    }
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    DigestVerifier.Outcome outcome;
    try {
      outcome =
          authenticator.authenticate(
              authorization, request.getMethod(), request.getHttpURI().getPath(), secure);
    } catch (AccountDirectoryUnavailableException e) {
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
      return true;
    }
    if (outcome.account() == null) {
      authenticator.refuse(outcome, authorization, secure, guesses, source, response, callback);
      return true;
    }
    Matcher path = PATH.matcher(request.getHttpURI().getPath());
    Optional<ConferenceObject> conference =
        path.matches() ? model.get("xcon:" + path.group(1) + "@" + domain) : Optional.empty();
    // A stranger learns nothing: what is not its to fetch is as absent as what does not exist.
    if (conference.isEmpty() || !ConferenceAccess.manages(conference.get(), outcome.account())) {
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return true;
    }
    Path file = folder.resolve(path.group(1)).resolve(path.group(2));
    if (!Files.isRegularFile(file)) {
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return true;
    }
    long size = Files.size(file);
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "audio/wav");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
    response
        .getHeaders()
        .put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + path.group(2) + "\"");
    if (HttpMethod.HEAD.is(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    LOG.debug("{} fetches {}", outcome.account().userId(), file);
    Content.copy(Content.Source.from(file, 0, size), response, callback);
    return true;
  }
}
