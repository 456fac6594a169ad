package io.xconf.bench;

import io.xconf.model.ConferenceService;
import io.xconf.model.CreateRequest;
import io.xconf.model.MalformedXmlException;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import io.xconf.model.internal.ConferenceServiceComponent;
import io.xconf.store.sqlite.internal.SqliteConferenceStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The targets of the model issue, measured: durable conference creations per second with 8
 * concurrent clients (SQLite, synchronous=FULL, group commit), the bytes stored per conference, and
 * the heap held per idle stored conference of 10 users. Prints one line per figure.
 *
 * <p>Arguments (all optional): {@code seconds=10 clients=8 idle=20000}.
 */
public final class ModelBenchmark {

  static final String DOMAIN = "bench.example.com";

  private ModelBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = argument(args, "seconds", 10);
    int clients = argument(args, "clients", 8);
    int idle = argument(args, "idle", 20_000);
    Path folder = Files.createTempDirectory("xconf-bench");
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));

    SqliteConferenceStore store =
        SqliteConferenceStore.open(folder.resolve("throughput.db"), "FULL", 512);
    ConferenceServiceComponent service = new ConferenceServiceComponent(DOMAIN, store);
    run(service, clients, 3); // warm-up
    double perSecond = run(service, clients, seconds);
    System.out.printf(
        Locale.ROOT,
        "durable creates/s (%d clients, 10-user conferences, fsync per commit): %.0f%n",
        clients,
        perSecond);
    long fileBytes =
        Files.size(folder.resolve("throughput.db"))
            + sizeOrZero(folder.resolve("throughput.db-wal"));
    int stored = service.conferences().size();
    System.out.printf(
        Locale.ROOT,
        "stored bytes per conference (database and WAL / %d conferences): %.0f%n",
        stored,
        (double) fileBytes / stored);
    service.deactivate();
    store.close();

    System.out.printf(
        Locale.ROOT,
        "heap per idle stored conference of 10 users: %.0f bytes%n",
        heapPerIdleConference(folder, idle));
  }

  /**
   * Creates conferences from {@code clients} threads for {@code seconds}; returns creations per
   * second.
   */
  static double run(ConferenceService service, int clients, int seconds) throws Exception {
    return run(List.of(service), clients, seconds);
  }

  /** As {@link #run(ConferenceService, int, int)}, the clients spread over several nodes. */
  static double run(List<ConferenceService> nodes, int clients, int seconds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong created = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      ConferenceService service = nodes.get(c % nodes.size());
      running.add(
          pool.submit(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  // Parsed per request, as the CCMP endpoint does: nothing shared between
                  // conferences.
                  XmlElement document = tenUsers(Thread.currentThread().getId() + "x" + i);
                  service.create(
                      CreateRequest.conference(
                          "xcon:audio-room@" + DOMAIN, document, "xcon-userid:bench@" + DOMAIN));
                  created.incrementAndGet();
                }
                return null;
              }));
    }
    TimeUnit.SECONDS.sleep(seconds);
    stop.set(true);
    for (Future<?> client : running) {
      client.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return created.get() / elapsed;
  }

  private static double heapPerIdleConference(Path folder, int count) throws Exception {
    SqliteConferenceStore store =
        SqliteConferenceStore.open(folder.resolve("idle.db"), "NORMAL", 512);
    ConferenceServiceComponent service = new ConferenceServiceComponent(DOMAIN, store);
    long before = usedHeap();
    List<Future<?>> creating = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < count; i++) {
      String unique = "idle" + i;
      creating.add(
          pool.submit(
              () ->
                  service.create(
                      CreateRequest.conference(
                          null, tenUsers(unique), "xcon-userid:bench@" + DOMAIN))));
    }
    for (Future<?> f : creating) {
      f.get();
    }
    pool.shutdown();
    creating.clear();
    long after = usedHeap();
    if (service.conferences().size() != count) {
      throw new IllegalStateException("expected " + count + " conferences");
    }
    double perConference = (double) (after - before) / count;
    service.deactivate();
    store.close();
    return perConference;
  }

  private static long usedHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** A conference document of 10 users, each with a name, a role and a dial-out target. */
  static XmlElement tenUsers(String unique) throws MalformedXmlException {
    StringBuilder users = new StringBuilder();
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      users
          .append("<user entity=\"xcon-userid:user")
          .append(i)
          .append("@")
          .append(DOMAIN)
          .append("\">")
          .append("<display-text>User number ")
          .append(i)
          .append("</display-text>")
          .append("<roles><entry>participant</entry></roles></user>");
      targets
          .append("<xcon:target uri=\"sip:user")
          .append(i)
          .append("@")
          .append(DOMAIN)
          .append("\" method=\"dial-out\"/>");
    }
    String xml =
        "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\""
            + " entity=\"xcon:AUTO_GENERATE_1@"
            + DOMAIN
            + "\">"
            + "<conference-description><display-text>Weekly planning "
            + unique
            + "</display-text><subject>Roadmap</subject></conference-description>"
            + "<users>"
            + users
            + "<xcon:allowed-users-list>"
            + targets
            + "</xcon:allowed-users-list></users>"
            + "</conference-info>";
    return XmlDocuments.parse(xml.getBytes(StandardCharsets.UTF_8), 64);
  }

  private static long sizeOrZero(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.size(file) : 0;
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
