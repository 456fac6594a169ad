package io.xconf.bench;

import static io.xconf.bench.Bench.argument;
import static io.xconf.bench.Bench.client;
import static io.xconf.bench.Bench.field;
import static io.xconf.bench.Bench.freePort;
import static io.xconf.bench.Bench.post;
import static io.xconf.bench.Bench.request;
import static io.xconf.bench.Bench.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * CCMP over HTTP against the packed distribution, side by side with a trivial servlet answering the
 * same number of bytes in the same server: keep-alive clients, each with its own connection,
 * authenticated by the CCMP subject. Reports requests per second and latency percentiles for the
 * trivial servlet, retrieve of a 20-user conference, update and create, then the p99 of retrieve at
 * half its peak rate. Trivial servlet and retrieve are alternated for several rounds and the median
 * round is reported. Arguments: {@code seconds=10 clients=8 rounds=5}.
 */
public final class CcmpBenchmark {

  private static final String DOMAIN = Bench.DOMAIN;

  private record Result(double perSecond, double p50Millis, double p99Millis, long errors) {}

  private CcmpBenchmark() {}

  private static int medianIndex(List<Double> values) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      order.add(i);
    }
    order.sort(java.util.Comparator.comparing(values::get));
    return order.get(order.size() / 2);
  }

  public static void main(String[] args) throws Exception {
    int seconds = argument(args, "seconds", 10);
    int clients = argument(args, "clients", 8);
    int rounds = argument(args, "rounds", 5);
    Path home = Path.of(System.getProperty("xconf.home")).toAbsolutePath().normalize();
    Path data = Files.createTempDirectory("xconf-ccmp-bench");
    int port = freePort();
    Map<String, String> environment =
        Map.of(
            "XCONF_HTTP_PORT", String.valueOf(port),
            "XCONF_HTTPS_PORT", String.valueOf(freePort()),
            "XCONF_SIP_PORT", String.valueOf(freePort()),
            "XCONF_DOMAIN", DOMAIN,
            "XCONF_DATA", data.toString());
    run(home, environment, "user", "add", "bench", "secret", "--admin");
    Path echo = home.resolve("deploy/xconf-bench-echo.jar");
    Files.copy(
        Path.of(System.getProperty("xconf.bench.echo")), echo, StandardCopyOption.REPLACE_EXISTING);
    URI ccmp = URI.create("http://127.0.0.1:" + port + "/ccmp");
    Process server = Bench.start(home, environment, data.resolve("stdout.log"), ccmp);
    try {
      HttpClient setup = client();
      awaitEcho(setup, URI.create("http://127.0.0.1:" + port + "/bench/echo"));
      String conference = field(post(setup, ccmp, create()), "confObjID");
      String retrieve =
          request(
              "conf",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>");
      int size = post(setup, ccmp, retrieve).length();
      URI echoUri = URI.create("http://127.0.0.1:" + port + "/bench/echo?size=" + size);
      List<String> own = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        own.add(field(post(setup, ccmp, create()), "confObjID"));
      }
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores; %d keep-alive clients, %d s per run after 3 s warm-up; answers of %d bytes%n",
          Runtime.getRuntime().availableProcessors(),
          clients,
          seconds,
          size);

      // Both warmed up first (the JIT compiles JAXB's paths late); then alternated, because a
      // shared 2-core VM drifts by tens of percent from one ten-second run to the next.
      load(echoUri, clients, 3, 0, c -> retrieve);
      load(ccmp, clients, 5, 0, c -> retrieve);
      List<Result> trivialRounds = new ArrayList<>();
      List<Result> retrieveRounds = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        Result trivialRound = load(echoUri, clients, seconds, 0, c -> retrieve);
        Result retrieveRound = load(ccmp, clients, seconds, 0, c -> retrieve);
        trivialRounds.add(trivialRound);
        retrieveRounds.add(retrieveRound);
        ratios.add(retrieveRound.perSecond() / trivialRound.perSecond());
        System.out.printf(
            Locale.ROOT,
            "round %d: trivial %.0f req/s, CCMP retrieve %.0f req/s: %.0f%%%n",
            round + 1,
            trivialRound.perSecond(),
            retrieveRound.perSecond(),
            100 * ratios.get(round));
      }
      int median = medianIndex(ratios);
      Result trivial = trivialRounds.get(median);
      Result retrieves = retrieveRounds.get(median);
      int[] counter = {0};
      Result updates =
          load(ccmp, clients, seconds, 0, c -> update(own.get(c), "s" + (counter[0]++)));
      Result creates = load(ccmp, clients, seconds, 0, c -> create());
      Result halfPeak = load(ccmp, clients, seconds, retrieves.perSecond() / 2, c -> retrieve);
      report("trivial servlet, same answer size", trivial);
      report("CCMP retrieve, 20-user conference", retrieves);
      report("CCMP update (each client its conference)", updates);
      report("CCMP create, 20 users, durable", creates);
      report(
          String.format(
              Locale.ROOT,
              "CCMP retrieve paced at half its peak (%.0f/s)",
              retrieves.perSecond() / 2),
          halfPeak);
      System.out.printf(
          Locale.ROOT,
          "CCMP retrieve / trivial servlet: %.0f%% (median round of %d)%n",
          100 * retrieves.perSecond() / trivial.perSecond(),
          rounds);
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(echo);
    }
  }

  /**
   * Runs for warm-up plus {@code seconds}; paced at {@code rate} per second in all when above 0.
   */
  private static Result load(
      URI uri, int clients, int seconds, double rate, IntFunction<String> body) throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[]>> running = new ArrayList<>();
    long intervalNanos = rate > 0 ? (long) (1e9 * clients / rate) : 0;
    for (int c = 0; c < clients; c++) {
      int client = c;
      running.add(
          pool.submit(
              () -> {
                HttpClient http = client();
                List<Long> latencies = new ArrayList<>();
                long errors = 0;
                long next = System.nanoTime();
                while (!stop.get()) {
                  if (intervalNanos > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    next += intervalNanos;
                  }
                  long start = System.nanoTime();
                  String answer = post(http, uri, body.apply(client));
                  long took = System.nanoTime() - start;
                  if (measuring.get()) {
                    latencies.add(took);
                    if (!uri.getPath().startsWith("/bench")
                        && !answer.contains("<response-code>200</response-code>")) {
                      errors++;
                    }
                  }
                }
                long[] result = new long[latencies.size() + 1];
                result[0] = errors;
                for (int i = 0; i < latencies.size(); i++) {
                  result[i + 1] = latencies.get(i);
                }
                return result;
              }));
    }
    TimeUnit.SECONDS.sleep(3);
    measuring.set(true);
    long start = System.nanoTime();
    TimeUnit.SECONDS.sleep(seconds);
    measuring.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    List<Long> all = new ArrayList<>();
    long errors = 0;
    for (Future<long[]> client : running) {
      long[] result = client.get();
      errors += result[0];
      for (int i = 1; i < result.length; i++) {
        all.add(result[i]);
      }
    }
    pool.shutdown();
    Collections.sort(all);
    return new Result(all.size() / elapsed, percentile(all, 0.50), percentile(all, 0.99), errors);
  }

  private static double percentile(List<Long> sorted, double p) {
    return sorted.isEmpty()
        ? 0
        : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
  }

  private static void report(String what, Result result) {
    System.out.printf(
        Locale.ROOT,
        "%-48s %8.0f req/s   p50 %6.2f ms   p99 %6.2f ms   errors %d%n",
        what + ":",
        result.perSecond(),
        result.p50Millis(),
        result.p99Millis(),
        result.errors());
  }

  private static String create() {
    StringBuilder users = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      users
          .append("<info:user entity=\"xcon-userid:AUTO_GENERATE_")
          .append(i + 2)
          .append("@")
          .append(DOMAIN)
          .append("\">")
          .append("<info:display-text>Participant ")
          .append(i)
          .append("</info:display-text>")
          .append("<info:associated-aors><info:entry><info:uri>sip:p")
          .append(i)
          .append("@")
          .append(DOMAIN)
          .append("</info:uri></info:entry></info:associated-aors>")
          .append("<info:roles><info:entry>participant</info:entry></info:roles></info:user>");
    }
    return request(
        "conf",
        "<operation>create</operation><ccmp:confRequest><confInfo entity=\"xcon:AUTO_GENERATE_1@"
            + DOMAIN
            + "\">"
            + "<info:conference-description><info:display-text>Bench</info:display-text><info:subject>Load</info:subject></info:conference-description>"
            + "<info:users>"
            + users
            + "</info:users></confInfo></ccmp:confRequest>");
  }

  private static String update(String conference, String subject) {
    return request(
        "conf",
        "<confObjID>"
            + conference
            + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
            + conference
            + "\"><info:conference-description><info:subject>"
            + subject
            + "</info:subject></info:conference-description>"
            + "</confInfo></ccmp:confRequest>");
  }

  /** The trivial servlet, dropped into deploy/ before the start, answering. */
  private static void awaitEcho(HttpClient http, URI echo) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(echo).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // deploying
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("the trivial servlet did not come up");
  }
}
