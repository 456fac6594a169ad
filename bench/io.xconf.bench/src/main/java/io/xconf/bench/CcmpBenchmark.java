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
 * CCMP over HTTP against the packed distribution, measured with {@code wrk} (Debian package)
 * against bare Jettys outside Karaf that answer the same number of bytes: Jetty 9.4 ({@link
 * BareJetty}, the baseline the target was set against) and Jetty 12 (module io.xconf.bench.jetty12,
 * the version Xconf runs), so that neither the load generator nor a shared server hides the
 * server's cost: the retrieve of a 20-user conference, 16 connections, after a warm-up long enough
 * for the JIT to reach its steady rate. The three alternate, round by round. Then, with keep-alive
 * Java clients: update, durable create, and the p99 of retrieve at half its peak. Arguments: {@code
 * warmup=40 seconds=30 clients=8}.
 */
public final class CcmpBenchmark {

  private static final String DOMAIN = Bench.DOMAIN;
  private static final int CONNECTIONS = 16;

  private record Result(double perSecond, double p50Millis, double p99Millis, long errors) {}

  private CcmpBenchmark() {}

  private static void printRatios(String what, List<Double> ratios) {
    List<Double> sorted = new ArrayList<>(ratios);
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%s, per round: %s; median %.2f%n",
        what,
        ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
        sorted.get(sorted.size() / 2));
  }

  public static void main(String[] args) throws Exception {
    int warmup = argument(args, "warmup", 40);
    int seconds = argument(args, "seconds", 30);
    int clients = argument(args, "clients", 8);
    int rounds = argument(args, "rounds", 3);
    Path home = Path.of(System.getProperty("xconf.home")).toAbsolutePath().normalize();
    Path data = Files.createTempDirectory("xconf-ccmp-bench");
    int port = freePort();
    Map<String, String> environment =
        Map.of(
            "XCONF_HTTP_PORT", String.valueOf(port),
            "XCONF_HTTPS_PORT", String.valueOf(freePort()),
            "XCONF_SIP_PORT", String.valueOf(freePort()),
            "XCONF_DOMAIN", DOMAIN,
            "XCONF_DATA", data.toString(),
            // The clients send the CCMP subject, on loopback: allowed in clear for the benchmark.
            "XCONF_CCMP_PASSWORDS_OVER_PLAIN_HTTP", "true");
    run(home, environment, "user", "add", "bench", "secret", "--admin");
    URI ccmp = URI.create("http://127.0.0.1:" + port + "/ccmp");
    Process server = Bench.start(home, environment, data.resolve("stdout.log"), ccmp);
    Process bare = null;
    Process bare12 = null;
    try {
      HttpClient setup = client();
      String conference = field(post(setup, ccmp, create()), "confObjID");
      String retrieve =
          request(
              "conf",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>");
      String answer = post(setup, ccmp, retrieve);
      if (!answer.contains("<response-code>200</response-code>")) {
        throw new IllegalStateException("retrieve failed: " + answer);
      }
      int size = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      int barePort = freePort();
      bare =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  "-cp",
                  System.getProperty("java.class.path"),
                  BareJetty.class.getName(),
                  String.valueOf(barePort),
                  String.valueOf(size))
              .redirectErrorStream(true)
              .redirectOutput(data.resolve("bare-jetty.log").toFile())
              .start();
      URI bareUri = URI.create("http://127.0.0.1:" + barePort + "/ccmp");
      awaitAnswer(setup, bareUri);
      Path jetty12 = Path.of(System.getProperty("xconf.bench.jetty12")).toAbsolutePath();
      int bare12Port = freePort();
      bare12 =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  "-cp",
                  jetty12.resolve("classes")
                      + java.io.File.pathSeparator
                      + Files.readString(jetty12.resolve("classpath.txt")).strip(),
                  "io.xconf.bench.jetty12.BareJetty12",
                  String.valueOf(bare12Port),
                  String.valueOf(size))
              .redirectErrorStream(true)
              .redirectOutput(data.resolve("bare-jetty12.log").toFile())
              .start();
      URI bare12Uri = URI.create("http://127.0.0.1:" + bare12Port + "/ccmp");
      awaitAnswer(setup, bare12Uri);
      Path script = data.resolve("retrieve.lua");
      Files.writeString(
          script,
          "wrk.method = \"POST\"\n"
              + "wrk.headers[\"Content-Type\"] = \"application/ccmp+xml\"\n"
              + "wrk.body = [==["
              + retrieve
              + "]==]\n");
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores; wrk, %d connections, %d s warm-up then %d s; answers of %d bytes%n",
          Runtime.getRuntime().availableProcessors(),
          CONNECTIONS,
          warmup,
          seconds,
          size);

      // Each warmed up on its own; then alternated, because this shared 2-core VM drifts by tens
      // of percent from one half-minute run to the next: the median round is the figure.
      wrk(bareUri, script, warmup);
      wrk(bare12Uri, script, warmup);
      wrk(ccmp, script, warmup);
      List<Double> ratios = new ArrayList<>();
      List<Double> ratios12 = new ArrayList<>();
      Result lastCcmp = null;
      for (int round = 1; round <= rounds; round++) {
        Result bareRound = wrk(bareUri, script, seconds);
        Result bare12Round = wrk(bare12Uri, script, seconds);
        Result ccmpRound = wrk(ccmp, script, seconds);
        report("bare Jetty 9.4, same answer size (round " + round + ")", bareRound);
        report("bare Jetty 12, same answer size (round " + round + ")", bare12Round);
        report("CCMP retrieve, 20-user conference (round " + round + ")", ccmpRound);
        ratios.add(ccmpRound.perSecond() / bareRound.perSecond());
        ratios12.add(ccmpRound.perSecond() / bare12Round.perSecond());
        lastCcmp = ccmpRound;
      }
      printRatios("CCMP retrieve / bare Jetty 9.4", ratios);
      printRatios("CCMP retrieve / bare Jetty 12", ratios12);
      double peak = lastCcmp.perSecond();
      bare.destroy();
      bare12.destroy();

      List<String> own = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        own.add(field(post(setup, ccmp, create()), "confObjID"));
      }
      int[] counter = {0};
      Result updates = load(ccmp, clients, 10, 0, c -> update(own.get(c), "s" + (counter[0]++)));
      Result creates = load(ccmp, clients, 10, 0, c -> create());
      Result halfPeak = load(ccmp, clients, 10, peak / 2, c -> retrieve);
      report("CCMP update (each client its conference)", updates);
      report("CCMP create, 20 users, durable", creates);
      report(
          String.format(Locale.ROOT, "CCMP retrieve paced at half its peak (%.0f/s)", peak / 2),
          halfPeak);
    } finally {
      if (bare != null) {
        bare.destroy();
      }
      if (bare12 != null) {
        bare12.destroy();
      }
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** {@code wrk} with 2 threads and {@link #CONNECTIONS} connections, for {@code seconds}. */
  private static Result wrk(URI uri, Path script, int seconds) throws Exception {
    Process wrk =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c" + CONNECTIONS,
                "-d" + seconds + "s",
                "--latency",
                "-s",
                script.toString(),
                uri.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(wrk.getInputStream().readAllBytes());
    if (wrk.waitFor() != 0) {
      throw new IllegalStateException("wrk failed:\n" + output);
    }
    java.util.regex.Matcher rate =
        java.util.regex.Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
    if (!rate.find()) {
      throw new IllegalStateException("no rate in wrk's output:\n" + output);
    }
    java.util.regex.Matcher errors =
        java.util.regex.Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
    return new Result(
        Double.parseDouble(rate.group(1)),
        wrkPercentile(output, "50%"),
        wrkPercentile(output, "99%"),
        errors.find() ? Long.parseLong(errors.group(1)) : 0);
  }

  /** A latency percentile of wrk's {@code --latency} table, in milliseconds. */
  private static double wrkPercentile(String output, String percentile) {
    java.util.regex.Matcher line =
        java.util.regex.Pattern.compile(
                "\\s" + java.util.regex.Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)")
            .matcher(output);
    if (!line.find()) {
      return Double.NaN;
    }
    double value = Double.parseDouble(line.group(1));
    return switch (line.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
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

  /** The bare Jetty, started, answering. */
  private static void awaitAnswer(HttpClient http, URI uri) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("the bare Jetty did not come up");
  }
}
