package io.xconf.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmarks that drive the packed distribution share. */
final class Bench {

  static final String DOMAIN = "bench.example.com";
  static final String USER = "xcon-userid:bench@" + DOMAIN;

  private Bench() {}

  /** Starts bin/xconf with {@code environment} and waits until /ccmp answers. */
  static Process start(Path home, Map<String, String> environment, Path stdout, URI ccmp)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(home.resolve("bin/xconf").toString())
            .redirectErrorStream(true)
            .redirectOutput(stdout.toFile());
    builder.environment().putAll(environment);
    Process server = builder.start();
    HttpClient http = client();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(ccmp).GET().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 405) {
          return server;
        }
      } catch (IOException notYet) {
        // starting
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    server.destroy();
    throw new IllegalStateException("the server did not come up");
  }

  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static String post(HttpClient http, URI uri, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/ccmp+xml")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  static String request(String type, String fields) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ccmp:ccmpRequest xmlns:ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\""
        + " xmlns:info=\"urn:ietf:params:xml:ns:conference-info\" xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\">"
        + "<ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"ccmp:ccmp-"
        + type
        + "-request-message-type\">"
        + "<subject><username>bench</username><password>secret</password></subject><confUserID>"
        + USER
        + "</confUserID>"
        + fields
        + "</ccmpRequest></ccmp:ccmpRequest>";
  }

  static String field(String body, String name) {
    Matcher matcher = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(body);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + name + " in " + body);
    }
    return matcher.group(1);
  }

  static void run(Path home, Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/xconf").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", args) + ": " + output);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  static int argument(String[] args, String name, int fallback) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return Integer.parseInt(arg.substring(name.length() + 1));
      }
    }
    return fallback;
  }
}
