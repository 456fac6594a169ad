package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.Digest;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.Hosts;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * What operators watch, on the packed distribution: the start-up banner and a quiet console, {@code
 * /health} while starting, up and with a part down, and {@code /metrics} for this machine and for
 * administrators elsewhere, following a real SIP call.
 */
public class OperationsIT {

  private static final String DOMAIN = "ops.example.net";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path work;
  private static XconfServer server;
  private static Conferences alice;

  /** Health answers seen from the moment bin/xconf was started until it said up. */
  private static final List<String> healthWhileStarting =
      Collections.synchronizedList(new ArrayList<>());

  /** An address of this machine that is not loopback: where a stranger's requests come from. */
  private static InetAddress outside;

  @BeforeClass
  public static void start() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    outside = Hosts.nonLoopback();
    work = Path.of(System.getProperty("xconf.work"), "servers", "operations");
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_HTTP_ADDRESS", "127.0.0.1," + outside.getHostAddress())
            .withEnvironment("XCONF_RTP_PORT_MIN", "47000")
            .withEnvironment("XCONF_RTP_PORT_MAX", "47099");
    assertEquals(0, server.userWithInput("secret\n", "add", "alice").exitCode());
    assertEquals(0, server.userWithInput("rootpw\n", "add", "root", "--admin").exitCode());
    URI health = URI.create("http://127.0.0.1:" + server.httpPort() + "/health");
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  HttpResponse<String> answer = get(health, null);
                  healthWhileStarting.add(answer.statusCode() + " " + answer.body().strip());
                  if (answer.statusCode() == 200) {
                    return;
                  }
                } catch (java.io.IOException e) {
                  // Not listening yet.
                } catch (InterruptedException e) {
                  return;
                }
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    watcher.setDaemon(true);
    watcher.start();
    server.start();
    watcher.join(30_000);
    watcher.interrupt();
    alice = server.conferencesOf("alice", "secret");
  }

  @AfterClass
  public static void stop() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  @Test
  public void healthSaysStartingUntilEverythingIsUpThenUp() throws Exception {
    List<String> seen = List.copyOf(healthWhileStarting);
    assertFalse("no answer from /health while starting", seen.isEmpty());
    assertEquals(
        seen.toString(),
        "200 {\"status\":\"up\",\"ccmp\":\"up\",\"sip\":\"up\",\"store\":\"up\"}",
        seen.get(seen.size() - 1));
    for (String answer : seen.subList(0, seen.size() - 1)) {
      // 503 from Xconf's front handler or /health itself; 404 only in the half second Pax Web
      // runs its Jetty before it restarts it with Xconf's handler (docs/development.md).
      assertTrue(
          seen.toString(), answer.startsWith("503 {\"status\":\"") || answer.startsWith("404"));
    }
    HttpResponse<String> head =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base("127.0.0.1") + "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
    assertEquals("no-store", head.headers().firstValue("Cache-Control").orElse(""));
    HttpResponse<String> post =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base("127.0.0.1") + "/health"))
                .POST(HttpRequest.BodyPublishers.ofString("up"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  public void theConsoleShowsTheBannerAndNotTheStartUpChatter() throws Exception {
    String console = server.output();
    assertTrue(console, console.contains("Xconf 0.1.0.SNAPSHOT is up"));
    assertTrue(
        console,
        console.contains(
            "CCMP     http://127.0.0.1:"
                + server.httpPort()
                + "/ccmp  https://127.0.0.1:"
                + server.httpsPort()
                + "/ccmp"));
    assertTrue(console, console.contains("SIP      udp 127.0.0.1:" + server.sipPort()));
    assertTrue(console, console.contains("domain   " + DOMAIN));
    assertTrue(console, console.contains("store    SQLite"));
    for (String line : console.split("\n")) {
      if (line.contains("| INFO  |")) {
        assertTrue("third-party INFO on the console: " + line, line.contains(" - io.xconf."));
      }
    }
    String log = Files.readString(server.data().resolve("log/karaf.log"));
    assertTrue("Pax Web's INFO lines are kept in karaf.log", log.contains("pax-web-jetty"));
    assertTrue(log.contains("Xconf 0.1.0.SNAPSHOT is up"));
  }

  @Test
  public void metricsNameTheSeriesAndFollowASipCall() throws Exception {
    String conference = alice.create();
    try (Sipp caller =
        Sipp.call(
            work.resolve("caller"),
            "uac",
            server.sipPort(),
            Conferences.idOf(conference),
            FreePorts.next(),
            "-d",
            "4000")) {
      Await.until(
          "xconf_calls_active 1 while the call lasts",
          Duration.ofSeconds(20),
          () -> metricsFromHere(),
          body -> value(body, "xconf_calls_active") == 1.0);
      assertEquals(caller.log(), 0, caller.await(30));
    }
    String after =
        Await.until(
            "xconf_calls_active back to 0 after the BYE",
            Duration.ofSeconds(10),
            () -> metricsFromHere(),
            body -> value(body, "xconf_calls_active") == 0.0);
    for (String series :
        List.of(
            "xconf_ccmp_requests_total{code=\"200\",message=\"confRequest\",operation=\"create\"}",
            "xconf_ccmp_latency_seconds_bucket{message=\"confRequest\",le=\"0.1\"}",
            "xconf_sip_requests_total{method=\"INVITE\",status=\"200\"}",
            "xconf_sip_requests_total{method=\"BYE\",status=\"200\"}",
            "xconf_conferences_active ",
            "xconf_subscriptions_active ",
            "xconf_mixer_tick_lateness_seconds_bucket{le=\"0.02\"}",
            "xconf_mixer_ticks_late_total ",
            "xconf_rtp_packets_lost_total ",
            "xconf_store_commit_seconds_bucket{outcome=\"ok\",le=\"0.1\"}",
            "jvm_memory_used_bytes{",
            "jvm_threads_live_threads ",
            "process_cpu_usage ")) {
      assertTrue(series + " in\n" + after, after.contains(series));
    }
    assertTrue(after, value(after, "xconf_store_commit_seconds_count{outcome=\"ok\"}") >= 1);

    // The sample dashboard shows series that exist.
    String dashboard =
        Files.readString(
            Path.of(System.getProperty("user.dir"), "../../docs/grafana-dashboard.json"));
    Matcher names = Pattern.compile("xconf_[a-z_]+").matcher(dashboard);
    int found = 0;
    while (names.find()) {
      found++;
      assertTrue(names.group() + " of the dashboard", after.contains(names.group()));
    }
    assertTrue(dashboard, found >= 10);
  }

  @Test
  public void fromElsewhereMetricsAreForAdministratorsOnlyAndGuessingIsSlowed() throws Exception {
    URI metrics = URI.create(base(outside.getHostAddress()) + "/metrics");
    HttpResponse<String> stranger = get(metrics, null);
    assertEquals(401, stranger.statusCode());
    assertFalse(stranger.body(), stranger.body().contains("xconf_"));
    String challenge = stranger.headers().firstValue("WWW-Authenticate").orElse("");
    assertTrue(challenge, challenge.startsWith("Digest "));

    // Basic in clear is not a way in (and costs the server no password check).
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString("root:rootpw".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, get(metrics, basic).statusCode());

    HttpResponse<String> user =
        get(metrics, Digest.answer(challenge, "GET", "/metrics", "alice", "secret", 1));
    assertEquals(403, user.statusCode());
    assertFalse(user.body(), user.body().contains("xconf_"));

    HttpResponse<String> admin =
        get(metrics, Digest.answer(fresh(metrics), "GET", "/metrics", "root", "rootpw", 1));
    assertEquals(admin.body(), 200, admin.statusCode());
    assertTrue(admin.body(), admin.body().contains("xconf_calls_active"));

    // The same credentials again: a replayed nonce count is no way in.
    HttpResponse<String> replayed =
        HTTP.send(
            HttpRequest.newBuilder(metrics)
                .header(
                    "Authorization", admin.request().headers().firstValue("Authorization").get())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, replayed.statusCode());

    // Guessing the administrator's password: slowed per source (this address, which is why it
    // comes last), the right password included once it is.
    int status = 0;
    String latest = challenge;
    for (int guess = 0; guess < 12 && status != 429; guess++) {
      HttpResponse<String> answer =
          get(metrics, Digest.answer(latest, "GET", "/metrics", "root", "guess" + guess, 1));
      status = answer.statusCode();
      latest = answer.headers().firstValue("WWW-Authenticate").orElse(latest);
    }
    assertEquals(429, status);
    HttpResponse<String> right =
        get(metrics, Digest.answer(latest, "GET", "/metrics", "root", "rootpw", 1));
    assertEquals("even the right password waits", 429, right.statusCode());
    assertNotNull(right.headers().firstValue("Retry-After").orElse(null));
    // Loopback clients are not asked for credentials and not throttled.
    assertEquals(200, get(URI.create(base("127.0.0.1") + "/metrics"), null).statusCode());
  }

  @Test
  public void healthIsDownWhileTheSipFocusCannotListen() throws Exception {
    Path data = work.resolveSibling("operations-sip-down").resolve("data");
    XconfServer blocked = XconfServer.configure(data, DOMAIN);
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.0.1", blocked.sipPort()));
      blocked.startCcmp();
      URI health = URI.create("http://127.0.0.1:" + blocked.httpPort() + "/health");
      HttpResponse<String> answer =
          Await.until(
              "/health to report the store up and SIP down",
              Duration.ofSeconds(20),
              () -> get(health, null),
              response -> response.body().contains("\"store\":\"up\""));
      assertEquals(503, answer.statusCode());
      assertEquals(
          "{\"status\":\"down\",\"ccmp\":\"up\",\"sip\":\"down\",\"store\":\"up\"}",
          answer.body().strip());
      assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
      // CCMP itself serves on.
      assertEquals(
          200,
          CcmpHttp.responseCode(
              blocked.ccmp().post(CcmpHttp.optionsRequest(CcmpHttp.PUBLISHED)).body()));
      assertFalse(blocked.output(), blocked.output().contains("is up"));
    } finally {
      blocked.stop();
      blocked.close();
    }
  }

  // ----- helpers -----

  private static String base(String host) {
    return "http://" + host + ":" + server.httpPort();
  }

  private static String metricsFromHere() throws Exception {
    HttpResponse<String> response = get(URI.create(base("127.0.0.1") + "/metrics"), null);
    assertEquals(response.body(), 200, response.statusCode());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    return response.body();
  }

  /** A Digest challenge for {@code uri}, fresh from a request without credentials. */
  private static String fresh(URI uri) throws Exception {
    HttpResponse<String> challenge = get(uri, null);
    assertEquals(401, challenge.statusCode());
    return challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
  }

  private static HttpResponse<String> get(URI uri, String authorization)
      throws java.io.IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample line that starts with {@code series}. */
  private static double value(String metrics, String series) {
    Matcher line =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
    return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
  }
}
