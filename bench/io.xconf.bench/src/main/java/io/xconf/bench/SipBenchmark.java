package io.xconf.bench;

import static io.xconf.bench.Bench.client;
import static io.xconf.bench.Bench.field;
import static io.xconf.bench.Bench.freePort;
import static io.xconf.bench.Bench.post;
import static io.xconf.bench.Bench.request;
import static io.xconf.bench.Bench.run;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The SIP focus of the packed distribution under load, with real peers on loopback:
 *
 * <ul>
 *   <li>dial-out fan-out: a conference created with N dial-out targets (all answered by one sipp
 *       UAS) until the roster shows all N connected;
 *   <li>dial-in rate: sipp places calls into one conference at R calls/s, each lasting 1 s and
 *       playing G.711 voice to the mixer; every call must be answered and end with its BYE;
 *   <li>NOTIFY fan-out: W watchers subscribed to one conference, then a CCMP update; the time until
 *       the last watcher has its partial NOTIFY.
 * </ul>
 *
 * <p>Arguments (all optional): {@code targets=100 rate=500 calls=5000 watchers=500}. Needs {@code
 * sipp} (Debian sip-tester) and its voice sample {@code /usr/share/sip-tester/g711a.pcap}.
 */
public final class SipBenchmark {

  private static final String DOMAIN = Bench.DOMAIN;

  private SipBenchmark() {}

  public static void main(String[] args) throws Exception {
    int targets = Bench.argument(args, "targets", 100);
    int rate = Bench.argument(args, "rate", 500);
    int calls = Bench.argument(args, "calls", 5000);
    int watchers = Bench.argument(args, "watchers", 500);
    Path home = Path.of(System.getProperty("xconf.home")).toAbsolutePath().normalize();
    Path data = Files.createTempDirectory("xconf-sip-bench");
    int httpPort = freePort();
    int sipPort = freePort();
    Map<String, String> environment =
        Map.of(
            "XCONF_HTTP_PORT",
            String.valueOf(httpPort),
            "XCONF_HTTPS_PORT",
            String.valueOf(freePort()),
            "XCONF_SIP_PORT",
            String.valueOf(sipPort),
            "XCONF_RTP_PORT_MIN",
            "20000",
            "XCONF_RTP_PORT_MAX",
            "39999",
            // Every caller is sipp on 127.0.0.1: the per-source limits would count them as one.
            "XCONF_SIP_MAX_CALLS_PER_SOURCE",
            "100000",
            "XCONF_SIP_MAX_SUBSCRIPTIONS_PER_SOURCE",
            "100000",
            "XCONF_DOMAIN",
            DOMAIN,
            "XCONF_DATA",
            data.toString(),
            // The CCMP client sends the subject, on loopback: allowed in clear for the benchmark.
            "XCONF_CCMP_PASSWORDS_OVER_PLAIN_HTTP",
            "true");
    run(home, environment, "user", "add", "bench", "secret", "--admin");
    URI ccmp = URI.create("http://127.0.0.1:" + httpPort + "/ccmp");
    Process server = Bench.start(home, environment, data.resolve("stdout.log"), ccmp);
    try {
      HttpClient http = client();
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores; server data, logs and sipp's traces in %s%n",
          Runtime.getRuntime().availableProcessors(),
          data);
      // Warm-up: the first conference and calls of a fresh JVM; then the measured runs.
      dialOutFanOut(http, ccmp, data, targets, "warm-up");
      for (int run = 1; run <= 3; run++) {
        dialOutFanOut(http, ccmp, data, targets, "measured " + run);
      }
      Path scenario = mediaScenario(data);
      // Warm-up: the JIT and the mixer's first mixes; then the measured run.
      dialInRate(http, ccmp, data, sipPort, scenario, rate, Math.min(calls, rate * 2), "warm-up");
      dialInRate(http, ccmp, data, sipPort, scenario, rate, calls, "measured");
      notifyFanOut(http, ccmp, sipPort, watchers);
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String createConference(HttpClient http, URI ccmp, String usersXml)
      throws Exception {
    String created =
        post(
            http,
            ccmp,
            request(
                "conf",
                "<operation>create</operation><ccmp:confRequest><confInfo entity=\"xcon:AUTO_GENERATE_1@"
                    + DOMAIN
                    + "\"><info:conference-description><info:maximum-user-count>5000"
                    + "</info:maximum-user-count></info:conference-description>"
                    + usersXml
                    + "</confInfo></ccmp:confRequest>"));
    return field(created, "confObjID");
  }

  private static String retrieve(HttpClient http, URI ccmp, String conference) throws Exception {
    return post(
        http,
        ccmp,
        request(
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>"));
  }

  private static void delete(HttpClient http, URI ccmp, String conference) throws Exception {
    post(
        http,
        ccmp,
        request(
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>delete</operation><ccmp:confRequest/>"));
  }

  private static int count(String text, String what) {
    int count = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      count++;
    }
    return count;
  }

  private static void dialOutFanOut(HttpClient http, URI ccmp, Path data, int targets, String run)
      throws Exception {
    int uasPort = freePort();
    Process uas =
        new ProcessBuilder(
                "sipp",
                "-sn",
                "uas",
                "-i",
                "127.0.0.1",
                "-p",
                String.valueOf(uasPort),
                "-m",
                String.valueOf(targets),
                "-timeout",
                "120s",
                "-nostdin")
            .directory(data.toFile())
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("uas-" + run.replace(' ', '-') + ".log").toFile())
            .start();
    TimeUnit.MILLISECONDS.sleep(500);
    StringBuilder list = new StringBuilder("<info:users><xcon:allowed-users-list>");
    for (int i = 0; i < targets; i++) {
      list.append("<xcon:target uri=\"sip:t")
          .append(i)
          .append("@127.0.0.1:")
          .append(uasPort)
          .append("\" method=\"dial-out\"/>");
    }
    list.append("</xcon:allowed-users-list></info:users>");
    long started = System.nanoTime();
    String conference = createConference(http, ccmp, list.toString());
    int connected = 0;
    String roster = "";
    long deadline = started + TimeUnit.SECONDS.toNanos(60);
    while (connected < targets && System.nanoTime() < deadline) {
      roster = retrieve(http, ccmp, conference);
      connected = count(roster, "<info:status>connected</info:status>");
      if (connected < targets) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (connected < targets) {
      // What the roster says of the others, to tell a slow focus from a lost call.
      java.util.regex.Matcher endpoints =
          java.util.regex.Pattern.compile(
                  "<info:endpoint entity=\"([^\"]+)\">(?:(?!</info:endpoint>).)*?<info:status>([^<]+)"
                      + "</info:status>(?:(?!</info:endpoint>).)*</info:endpoint>")
              .matcher(roster);
      while (endpoints.find()) {
        if (!endpoints.group(2).equals("connected")) {
          System.out.println("  not connected: " + endpoints.group(1) + " " + endpoints.group(0));
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "dial-out fan-out (%s): %d of %d targets connected %.2f s after the CCMP create (%.0f/s)%n",
        run,
        connected,
        targets,
        seconds,
        connected / seconds);
    delete(http, ccmp, conference);
    uas.waitFor(30, TimeUnit.SECONDS);
    uas.destroy();
  }

  /**
   * The caller's scenario, and one second of the voice sample of sip-tester to play: the first
   * packets of {@code g711a.pcap}, cut where a second has passed.
   */
  private static Path mediaScenario(Path data) throws Exception {
    Path sample = Path.of("/usr/share/sip-tester/g711a.pcap");
    byte[] pcap = Files.readAllBytes(sample);
    ByteBuffer in = ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int end = 24;
    double first = -1;
    while (end + 16 <= pcap.length) {
      double at = (in.getInt(end) & 0xffffffffL) + (in.getInt(end + 4) & 0xffffffffL) / 1e6;
      first = first < 0 ? at : first;
      if (at - first >= 1.0) {
        break;
      }
      end += 16 + in.getInt(end + 8);
    }
    Path second = data.resolve("g711a-1s.pcap");
    Files.write(second, java.util.Arrays.copyOf(pcap, end));
    Path scenario = data.resolve("uac-media.xml");
    try (var resource = SipBenchmark.class.getResourceAsStream("/sipp/uac-media.xml")) {
      Files.writeString(
          scenario,
          new String(resource.readAllBytes(), StandardCharsets.ISO_8859_1)
              .replace("PCAP_FILE", second.toString()),
          StandardCharsets.ISO_8859_1);
    }
    return scenario;
  }

  private static void dialInRate(
      HttpClient http,
      URI ccmp,
      Path data,
      int sipPort,
      Path scenario,
      int rate,
      int calls,
      String run)
      throws Exception {
    String conference = createConference(http, ccmp, "");
    String id = conference.substring("xcon:".length(), conference.indexOf('@'));
    Path statistics = data.resolve("uac-" + run + ".csv");
    long started = System.nanoTime();
    Process uac =
        new ProcessBuilder(
                "sipp",
                "-sf",
                scenario.toString(),
                "127.0.0.1:" + sipPort,
                "-s",
                id,
                "-i",
                "127.0.0.1",
                "-p",
                String.valueOf(freePort()),
                "-mp",
                String.valueOf(freePort()),
                "-r",
                String.valueOf(rate),
                "-m",
                String.valueOf(calls),
                "-d",
                "1000",
                "-l",
                String.valueOf(rate * 4),
                "-timeout",
                "180s",
                "-nostdin",
                "-trace_stat",
                // What made a call fail, in <scenario>_<pid>_errors.log beside the statistics.
                "-trace_err",
                "-stf",
                statistics.toString())
            .directory(data.toFile())
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("uac-" + run + ".log").toFile())
            .start();
    boolean ended = uac.waitFor(200, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - started) / 1e9;
    int exit = ended ? uac.exitValue() : -1;
    String stats = Files.exists(statistics) ? Files.readString(statistics) : "";
    System.out.printf(
        Locale.ROOT,
        "dial-in rate (%s): %d calls offered at %d/s (1 s each, with media) in %.1f s; sipp exit"
            + " %d (0: every call answered 200 and ended by BYE); %s%n",
        run,
        calls,
        rate,
        seconds,
        exit,
        lastCounts(stats));
    delete(http, ccmp, conference);
  }

  /**
   * From sipp's statistics file (its last line): calls that succeeded and failed, retransmissions,
   * and the INVITE's response time (mean, deviation).
   */
  private static String lastCounts(String csv) {
    String[] lines = csv.strip().split("\n");
    if (lines.length < 2) {
      return "no statistics";
    }
    String[] header = lines[0].split(";");
    String[] last = lines[lines.length - 1].split(";");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < header.length && i < last.length; i++) {
      // Calls that made it, and how long the INVITE waited for its 200 (mean, deviation).
      if (Set.of(
              "SuccessfulCall(C)",
              "FailedCall(C)",
              "Retransmissions(C)",
              "ResponseTime1(C)",
              "ResponseTime1StDev(C)")
          .contains(header[i])) {
        out.append(header[i]).append('=').append(last[i]).append(' ');
      }
    }
    return out.toString().strip();
  }

  private static void notifyFanOut(HttpClient http, URI ccmp, int sipPort, int count)
      throws Exception {
    String conference = createConference(http, ccmp, "");
    String id = conference.substring("xcon:".length(), conference.indexOf('@'));
    InetSocketAddress focus = new InetSocketAddress("127.0.0.1", sipPort);
    List<Watcher> watchers = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < count; i++) {
        Watcher watcher = new Watcher(i, id, focus);
        watcher.channel.register(selector, SelectionKey.OP_READ, watcher);
        watchers.add(watcher);
        watcher.subscribe();
      }
      pump(selector, watchers, w -> w.full, 30);
      int subscribed = (int) watchers.stream().filter(w -> w.full).count();
      long updated = System.nanoTime();
      post(
          http,
          ccmp,
          request(
              "conf",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                  + conference
                  + "\"><info:conference-description><info:display-text>Renamed</info:display-text>"
                  + "</info:conference-description></confInfo></ccmp:confRequest>"));
      pump(selector, watchers, w -> w.partialAt > 0, 30);
      List<Long> delays = new ArrayList<>();
      for (Watcher watcher : watchers) {
        if (watcher.partialAt > 0) {
          delays.add(watcher.partialAt - updated);
        }
      }
      delays.sort(Long::compare);
      System.out.printf(
          Locale.ROOT,
          "NOTIFY fan-out: %d watchers subscribed, %d got the partial NOTIFY; after the CCMP"
              + " update: median %.0f ms, last %.0f ms%n",
          subscribed,
          delays.size(),
          delays.isEmpty() ? -1 : delays.get(delays.size() / 2) / 1e6,
          delays.isEmpty() ? -1 : delays.get(delays.size() - 1) / 1e6);
      for (Watcher watcher : watchers) {
        watcher.channel.close();
      }
    }
    delete(http, ccmp, conference);
  }

  private static void pump(
      Selector selector,
      List<Watcher> watchers,
      java.util.function.Predicate<Watcher> done,
      int seconds)
      throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(65536);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long nextRetransmission = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (System.nanoTime() < deadline && !watchers.stream().allMatch(done)) {
      if (System.nanoTime() > nextRetransmission) {
        // As a UA's timer E would: SUBSCRIBEs without an answer are sent again.
        for (Watcher watcher : watchers) {
          if (!watcher.answered) {
            watcher.subscribe();
          }
        }
        nextRetransmission = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      }
      selector.select(50);
      for (SelectionKey key : selector.selectedKeys()) {
        Watcher watcher = (Watcher) key.attachment();
        while (true) {
          buffer.clear();
          if (watcher.channel.receive(buffer) == null) {
            break;
          }
          buffer.flip();
          watcher.received(StandardCharsets.UTF_8.decode(buffer).toString(), System.nanoTime());
        }
      }
      selector.selectedKeys().clear();
    }
  }

  /** A minimal conference watcher: one SUBSCRIBE, 200 to every NOTIFY, the partial's arrival. */
  private static final class Watcher {
    final DatagramChannel channel;
    private final int index;
    private final String conference;
    private final InetSocketAddress focus;
    boolean answered;
    boolean full;
    long partialAt;

    /** One Call-ID for the watcher's life, so that a retransmission is one. */
    private final String callId;

    Watcher(int index, String conference, InetSocketAddress focus) throws Exception {
      this.index = index;
      this.conference = conference;
      this.focus = focus;
      this.callId = "watcher-" + index + "-" + System.nanoTime();
      channel = DatagramChannel.open();
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
      channel.configureBlocking(false);
    }

    void subscribe() throws Exception {
      int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
      String subscribe =
          "SUBSCRIBE sip:"
              + conference
              + "@127.0.0.1:"
              + focus.getPort()
              + " SIP/2.0\r\n"
              + "Via: SIP/2.0/UDP 127.0.0.1:"
              + port
              + ";branch=z9hG4bK-w"
              + index
              + "\r\n"
              + "From: <sip:w"
              + index
              + "@127.0.0.1:"
              + port
              + ">;tag=w"
              + index
              + "\r\n"
              + "To: <sip:"
              + conference
              + "@127.0.0.1>\r\n"
              + "Call-ID: "
              + callId
              + "\r\n"
              + "CSeq: 1 SUBSCRIBE\r\n"
              + "Contact: <sip:w"
              + index
              + "@127.0.0.1:"
              + port
              + ">\r\n"
              + "Max-Forwards: 70\r\nEvent: conference\r\nAccept: application/conference-info+xml\r\n"
              + "Expires: 600\r\nContent-Length: 0\r\n\r\n";
      channel.send(ByteBuffer.wrap(subscribe.getBytes(StandardCharsets.US_ASCII)), focus);
    }

    void received(String message, long at) throws Exception {
      if (!message.startsWith("NOTIFY ")) {
        answered |= message.startsWith("SIP/2.0 200"); // the answer to our SUBSCRIBE
        return;
      }
      answered = true;
      StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
      for (String line : message.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("via:")
            || lower.startsWith("from:")
            || lower.startsWith("to:")
            || lower.startsWith("call-id:")
            || lower.startsWith("cseq:")) {
          ok.append(line).append("\r\n");
        }
        if (line.isEmpty()) {
          break;
        }
      }
      ok.append("Content-Length: 0\r\n\r\n");
      channel.send(ByteBuffer.wrap(ok.toString().getBytes(StandardCharsets.US_ASCII)), focus);
      if (message.contains("state=\"full\"")) {
        full = true;
      } else if (message.contains("state=\"partial\"") && partialAt == 0) {
        partialAt = at;
      }
    }
  }
}
