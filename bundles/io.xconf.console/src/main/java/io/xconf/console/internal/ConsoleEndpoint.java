package io.xconf.console.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.accounts.LoginThrottle;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.ccmp.CcmpProcessor;
import io.xconf.cli.CcmpTransport;
import io.xconf.cli.ConferenceCommands;
import io.xconf.cli.Json;
import io.xconf.http.HttpEndpoint;
import io.xconf.http.Requests;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.server.ServerIdentity;
import io.xconf.sip.focus.SpeakerListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console at {@code /console/}: a page, its script and style, and a small JSON API behind a
 * sign-in with an Xconf account. Every read and every action is a CCMP request, processed
 * in-process as the signed-in account ({@link ConferenceCommands}), so the console can do nothing
 * that account could not do over CCMP. Changes of a conference and who speaks in it are pushed to
 * the pages watching it as server-sent events.
 *
 * <p>Served over HTTPS, and over plain HTTP to this machine only (a password crosses it). Sessions
 * are HttpOnly, SameSite=Strict cookies; every POST must carry {@code X-Xconf-Console}, which no
 * other site's page can add without a CORS preflight this server never grants.
 */
@Component(
    service = {HttpEndpoint.class, ConferenceChangeListener.class, SpeakerListener.class},
    property = {
      HttpEndpoint.PATH + "=/console",
      HttpEndpoint.PATH + "=/console/",
      // A console on any node shows what changes, wherever the conference is hosted.
      ConferenceChangeListener.SCOPE + "=" + ConferenceChangeListener.EVERYWHERE
    })
public final class ConsoleEndpoint
    implements HttpEndpoint, ConferenceChangeListener, SpeakerListener {

  static final String COOKIE = "xconf_console";
  static final String CSRF_HEADER = "X-Xconf-Console";
  private static final int MAX_FORM_BYTES = 8 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoint.class);

  /** The page and what it loads: nothing else is served, nothing from elsewhere. */
  private static final Map<String, String> STATIC =
      Map.of(
          "/console/", "index.html",
          "/console/app.js", "app.js",
          "/console/app.css", "app.css");

  private final CcmpProcessor processor;
  private final AccountDirectory accounts;
  private final String domain;
  private final Map<String, byte[]> files = new HashMap<>();
  private final Sessions sessions =
      new Sessions(
          System::currentTimeMillis,
          TimeUnit.MINUTES.toMillis(30),
          TimeUnit.HOURS.toMillis(12),
          1000);
  private final EventStreams streams = new EventStreams(500, 8);
  private final LoginThrottle guesses = LoginThrottle.standard(System::currentTimeMillis);
  private final Semaphore passwordChecks = new Semaphore(4);
  private final Map<String, Set<String>> lastSpeakers = new ConcurrentHashMap<>();
  private final Set<String> rechecking = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-console-heartbeat");
            thread.setDaemon(true);
            return thread;
          });

  @Activate
  public ConsoleEndpoint(
      @Reference CcmpProcessor processor,
      @Reference AccountDirectory accounts,
      @Reference ServerIdentity identity)
      throws IOException {
    this.processor = processor;
    this.accounts = accounts;
    this.domain = identity.domain();
    for (String file : STATIC.values()) {
      try (InputStream in =
          ConsoleEndpoint.class.getResourceAsStream("/io/xconf/console/static/" + file)) {
        if (in == null) {
          throw new IOException("the console's " + file + " is missing from its bundle");
        }
        files.put(file, in.readAllBytes());
      }
    }
    // Idle proxies and Jetty's idle timeout would cut a quiet stream: a comment every 15 s.
    heartbeat.scheduleWithFixedDelay(this::keepStreamsAlive, 15, 15, TimeUnit.SECONDS);
  }

  @Deactivate
  void deactivate() {
    heartbeat.shutdownNow();
    streams.all().forEach(EventStreams.Stream::close);
  }

  // ----- pushed events -----

  @Override
  public void changed(ConferenceChange change) {
    if (change.kind() == ConferenceChange.Kind.DELETED) {
      lastSpeakers.remove(change.uri());
    }
    streams.send(
        change.uri(),
        "changed",
        "{\"version\":"
            + change.newVersion()
            + ",\"kind\":\""
            + change.kind().name().toLowerCase(java.util.Locale.ROOT)
            + "\"}");
    recheck(change);
  }

  /**
   * A change can take a watcher's right to see the conference (removed from it, a password set):
   * each stream's account is asked again, off the model's thread, and the ones that may no longer
   * retrieve the conference are closed. A deletion closes them all.
   */
  private void recheck(ConferenceChange change) {
    if (change.kind() == ConferenceChange.Kind.DELETED) {
      streams.of(change.uri()).forEach(EventStreams.Stream::close);
      return;
    }
    if (rechecking.add(change.uri())) {
      heartbeat.execute(
          () -> {
            rechecking.remove(change.uri());
            for (EventStreams.Stream stream : streams.of(change.uri())) {
              try {
                Optional<Account> account = current(stream.session);
                if (account.isEmpty()
                    || commandsOf(account.get(), stream.conferencePassword)
                            .show(change.uri())
                            .status()
                        != 0) {
                  stream.close();
                }
              } catch (IOException | RuntimeException e) {
                LOG.debug("Checking a console watcher of {} failed", change.uri(), e);
                stream.close();
              }
            }
          });
    }
  }

  @Override
  public void speaking(String conferenceUri, List<String> endpoints) {
    // The mixer reports every change of levels; watchers care about who, not how loud.
    Set<String> now = new TreeSet<>(endpoints);
    Set<String> before =
        now.isEmpty() ? lastSpeakers.remove(conferenceUri) : lastSpeakers.put(conferenceUri, now);
    if (now.isEmpty() && before == null) {
      return;
    }
    if (!now.equals(before)) {
      streams.send(conferenceUri, "speakers", Json.of(List.copyOf(now)));
    }
  }

  private void keepStreamsAlive() {
    // An exception would cancel the schedule for good.
    try {
      for (EventStreams.Stream stream : streams.all()) {
        if (sessions.watching(stream.session) && current(stream.session).isPresent()) {
          stream.send(": keep-alive\n\n");
        } else {
          stream.close();
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Console event streams could not be kept alive", e);
    }
  }

  /**
   * The session's account as the directory has it now: a removed account's sessions end, and a
   * demoted administrator acts as what it is now.
   */
  private Optional<Account> current(Sessions.Session session) {
    try {
      Optional<Account> account = accounts.byUserId(session.account.userId());
      if (account.isEmpty()) {
        sessions.close(session.token);
      }
      return account;
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  // ----- HTTP -----

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    if (!request.isSecure() && !Requests.fromThisMachine(request)) {
      return text(
          response, callback, HttpStatus.FORBIDDEN_403, "The console is served over HTTPS.");
    }
    String path = Request.getPathInContext(request);
    if (path.equals("/console")) {
      // The page's addresses are relative to /console/.
      response.getHeaders().put(HttpHeader.LOCATION, "/console/");
      return text(response, callback, HttpStatus.MOVED_PERMANENTLY_301, "/console/");
    }
    if (!path.startsWith("/console/api/")) {
      return serveFile(request, response, callback, path);
    }
    boolean post = HttpMethod.POST.is(request.getMethod());
    // Read before any answer: a body left unread would cost the client its connection.
    Map<String, String> form = post ? form(request) : Map.of();
    if (post && request.getHeaders().get(CSRF_HEADER) == null) {
      return text(response, callback, HttpStatus.FORBIDDEN_403, "missing " + CSRF_HEADER);
    }
    if (!post && !HttpMethod.GET.is(request.getMethod())) {
      headers.put(HttpHeader.ALLOW, "GET, POST");
      return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "GET or POST");
    }
    String api = path.substring("/console/api/".length());
    if (post && api.equals("login")) {
      return login(request, response, callback, form);
    }
    Optional<Sessions.Session> session = sessions.find(cookie(request));
    Optional<Account> account = session.flatMap(this::current);
    if (account.isEmpty()) {
      return json(response, callback, HttpStatus.UNAUTHORIZED_401, "{\"error\":\"sign in\"}");
    }
    Fields query = Request.extractQueryParameters(request);
    // A password-protected conference's password, when the page was given one (RFC 6503 5.1).
    String conferencePassword = post ? form.get("p") : query.getValue("p");
    ConferenceCommands commands = commandsOf(account.get(), conferencePassword);
    return switch (post ? "POST " + api : "GET " + api) {
      case "GET session" -> json(response, callback, HttpStatus.OK_200, whoIs(account.get()));
      case "POST logout" -> {
        sessions.close(session.get().token);
        Response.addCookie(response, cookie("", request.isSecure(), 0));
        yield json(response, callback, HttpStatus.OK_200, "{}");
      }
      case "GET conferences" -> answer(response, callback, commands.list());
      case "GET conference" -> conference(response, callback, commands, query.getValue("c"));
      case "GET events" ->
          events(response, callback, session.get(), commands, query, conferencePassword);
      case "POST action" -> action(response, callback, commands, form);
      default -> json(response, callback, HttpStatus.NOT_FOUND_404, "{\"error\":\"no such call\"}");
    };
  }

  private boolean serveFile(Request request, Response response, Callback callback, String path) {
    String file = STATIC.get(path);
    if (file == null) {
      return text(response, callback, HttpStatus.NOT_FOUND_404, "not found");
    }
    if (!Requests.reads(request, response, callback)) {
      return true;
    }
    Requests.answer(
        request,
        response,
        callback,
        HttpStatus.OK_200,
        file.endsWith(".js")
            ? "text/javascript; charset=utf-8"
            : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8",
        files.get(file));
    return true;
  }

  /** Sign-in: a form with user and password; throttled as every login is. */
  private boolean login(
      Request request, Response response, Callback callback, Map<String, String> form) {
    String source = Request.getRemoteAddr(request);
    long wait = guesses.waitMillis(source);
    if (wait > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf((wait + 999) / 1000));
      return json(
          response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "{\"error\":\"too many tries\"}");
    }
    String name = form.getOrDefault("user", "");
    String password = form.getOrDefault("password", "");
    LoginThrottle perName = accounts.loginThrottle();
    if (perName != null && perName.waitMillis(name) > 0) {
      return json(
          response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "{\"error\":\"too many tries\"}");
    }
    if (!passwordChecks.tryAcquire()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      return json(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "{\"error\":\"busy\"}");
    }
    Optional<Account> account;
    try {
      account =
          name.isEmpty() || password.isEmpty()
              ? Optional.empty()
              : accounts.authenticate(name, password);
    } catch (AccountDirectoryUnavailableException e) {
      return json(
          response,
          callback,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          Json.of(Map.of("error", AccountDirectoryUnavailableException.CLIENT_MESSAGE)));
    } finally {
      passwordChecks.release();
    }
    if (account.isEmpty()) {
      guesses.failed(source);
      return json(
          response,
          callback,
          HttpStatus.UNAUTHORIZED_401,
          "{\"error\":\"wrong user or password\"}");
    }
    Sessions.Session session = sessions.open(account.get());
    LOG.info("{} signed in to the console from {}", account.get().name(), source);
    Response.addCookie(response, cookie(session.token, request.isSecure(), -1));
    return json(response, callback, HttpStatus.OK_200, whoIs(account.get()));
  }

  /** A conference as its page shows it: the summary and the roster, as the account may see it. */
  private boolean conference(
      Response response, Callback callback, ConferenceCommands commands, String conference)
      throws IOException {
    if (conference == null || conference.isBlank()) {
      return json(response, callback, HttpStatus.BAD_REQUEST_400, "{\"error\":\"which?\"}");
    }
    ConferenceCommands.Result show = commands.show(conference);
    if (show.status() != 0) {
      return answer(response, callback, show);
    }
    ConferenceCommands.Result roster = commands.roster(conference);
    if (roster.status() != 0) {
      return answer(response, callback, roster);
    }
    return json(
        response,
        callback,
        HttpStatus.OK_200,
        "{\"conference\":"
            + show.output().strip()
            + ",\"roster\":"
            + roster.output().strip()
            + "}");
  }

  private boolean events(
      Response response,
      Callback callback,
      Sessions.Session session,
      ConferenceCommands commands,
      Fields query,
      String conferencePassword)
      throws IOException {
    String conference = query.getValue("c");
    if (conference == null || !conference.startsWith("xcon:")) {
      return json(response, callback, HttpStatus.BAD_REQUEST_400, "{\"error\":\"which?\"}");
    }
    // Only what the account may retrieve: the events say little, but not to strangers.
    ConferenceCommands.Result allowed = commands.show(conference);
    if (allowed.status() != 0) {
      return answer(response, callback, allowed);
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    EventStreams.Stream stream =
        streams.open(conference, session, conferencePassword, response, callback);
    if (stream == null) {
      return json(
          response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "{\"error\":\"too many streams\"}");
    }
    stream.send("retry: 2000\n\nevent: hello\ndata: {}\n\n");
    return true;
  }

  /** One action on a conference, as a form: c (the conference), a (the action), who, target. */
  private boolean action(
      Response response, Callback callback, ConferenceCommands commands, Map<String, String> form)
      throws IOException {
    String conference = form.get("c");
    String who = form.getOrDefault("who", "");
    if (conference == null || !conference.startsWith("xcon:")) {
      return json(response, callback, HttpStatus.BAD_REQUEST_400, "{\"error\":\"which?\"}");
    }
    ConferenceCommands.Result result =
        switch (form.getOrDefault("a", "")) {
          case "mute" -> commands.mute(conference, who, true);
          case "unmute" -> commands.mute(conference, who, false);
          case "kick" -> commands.kick(conference, who);
          case "admit" -> commands.admit(conference, who, true);
          case "deny" -> commands.admit(conference, who, false);
          case "lock" -> commands.lock(conference, true);
          case "unlock" -> commands.lock(conference, false);
          case "dial" -> commands.dial(conference, form.getOrDefault("target", ""));
          case "end" -> commands.delete(conference);
          default -> null;
        };
    if (result == null) {
      return json(response, callback, HttpStatus.BAD_REQUEST_400, "{\"error\":\"no such action\"}");
    }
    return answer(response, callback, result);
  }

  // ----- helpers -----

  private ConferenceCommands commandsOf(Account account, String conferencePassword) {
    CcmpTransport inProcess =
        request -> {
          ByteArrayOutputStream answer = new ByteArrayOutputStream();
          processor.process(
              new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)),
              answer,
              new CcmpCaller(account, true));
          return answer.toString(StandardCharsets.UTF_8);
        };
    return new ConferenceCommands(inProcess, account.userId(), domain, true, conferencePassword);
  }

  /** A command's JSON: 200 when done, 409 with CCMP's code and reason when refused. */
  private static boolean answer(
      Response response, Callback callback, ConferenceCommands.Result result) {
    return json(
        response,
        callback,
        result.status() == 0 ? HttpStatus.OK_200 : HttpStatus.CONFLICT_409,
        result.output().strip());
  }

  private static boolean json(Response response, Callback callback, int status, String json) {
    return write(response, callback, status, "application/json", json);
  }

  private static boolean text(Response response, Callback callback, int status, String text) {
    return write(response, callback, status, "text/plain; charset=utf-8", text + "\n");
  }

  private static boolean write(
      Response response, Callback callback, int status, String type, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }

  private static String cookie(Request request) {
    for (HttpCookie cookie : Request.getCookies(request)) {
      if (COOKIE.equals(cookie.getName())) {
        return cookie.getValue();
      }
    }
    return null;
  }

  private static HttpCookie cookie(String value, boolean secure, int maxAge) {
    HttpCookie.Builder cookie =
        HttpCookie.build(COOKIE, value)
            .path("/console/")
            .httpOnly(true)
            .secure(secure)
            .sameSite(HttpCookie.SameSite.STRICT);
    if (maxAge >= 0) {
      cookie.maxAge(maxAge);
    }
    return cookie.build();
  }

  /** An application/x-www-form-urlencoded body, at most 8 KiB. */
  private static Map<String, String> form(Request request) throws IOException {
    byte[] body = Content.Source.asInputStream(request).readNBytes(MAX_FORM_BYTES + 1);
    Map<String, String> form = new HashMap<>();
    if (body.length > MAX_FORM_BYTES) {
      return form;
    }
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        try {
          form.putIfAbsent(
              URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // A malformed escape: that field is not there.
        }
      }
    }
    return form;
  }

  /** Who is signed in, as the page shows it. */
  private static String whoIs(Account account) {
    Map<String, Object> who = new java.util.LinkedHashMap<>();
    who.put("user", account.name());
    who.put("administrator", account.administrator());
    return Json.of(who);
  }
}
