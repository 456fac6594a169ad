package io.xconf.itests;

import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.XconfServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * Every conference the server acknowledged survives SIGKILL of the server at a random moment while
 * 8 clients create conferences; nothing half-written shows after the restart.
 */
public class DurabilityIT {

  private static final String PROBE = "xconf-model-probe.jar";
  private static final int CLIENTS = 8;
  private static final int ACKNOWLEDGED_BEFORE_KILL = 400;

  private static final String ALICE = "xcon-userid:alice@durable.example.net";

  private static String create(String label) {
    return CcmpHttp.extendedRequest(
        PUBLISHED,
        "xconfProbeCreate",
        null,
        "<probe:label xmlns:probe=\"urn:xconf:itests:probe\">" + label + "</probe:label>",
        ALICE);
  }

  private static String get(String uri) {
    return CcmpHttp.extendedRequest(PUBLISHED, "xconfProbeGet", uri, "", ALICE);
  }

  @Test
  public void acknowledgedConferencesSurviveSigkill() throws Exception {
    Path data = Path.of(System.getProperty("xconf.work"), "servers", "durability", "data");
    try (XconfServer server = XconfServer.configure(data, "durable.example.net")) {
      server.deploy(Path.of(System.getProperty("xconf.probe.jar")), PROBE);
      assertEquals(0, server.user("add", "alice", "secret").exitCode());
      server.start();
      CcmpHttp ccmp = server.ccmp().withDigest("alice", "secret");
      Await.until(
          "the model probe to answer",
          Duration.ofSeconds(60),
          () -> CcmpHttp.responseCode(ccmp.post(create("warm-up")).body()),
          code -> code == 200);

      Map<String, String> acknowledged = new ConcurrentHashMap<>(); // uri -> label
      AtomicInteger count = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(1);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(
            clients.submit(
                () -> {
                  for (int i = 0; ; i++) {
                    String label = "c" + client + "-" + i;
                    String body;
                    try {
                      body = ccmp.post(create(label)).body();
                    } catch (Exception serverGone) {
                      return null;
                    }
                    if (CcmpHttp.responseCode(body) == 200) {
                      acknowledged.put(CcmpHttp.field(body, "confObjID"), label);
                      if (count.incrementAndGet() >= ACKNOWLEDGED_BEFORE_KILL) {
                        enough.countDown();
                      }
                    }
                  }
                }));
      }
      assertTrue("clients got acknowledgements", enough.await(120, TimeUnit.SECONDS));
      server.kill(); // SIGKILL while the clients are still creating
      for (Future<?> client : running) {
        client.get(60, TimeUnit.SECONDS);
      }
      clients.shutdown();
      assertTrue(acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL);

      server.start();
      CcmpHttp restarted = server.ccmp().withDigest("alice", "secret");
      Await.until(
          "the model probe after the restart",
          Duration.ofSeconds(60),
          () -> CcmpHttp.responseCode(restarted.post(get("xcon:none@durable.example.net")).body()),
          code -> code == 404);
      for (Map.Entry<String, String> conference : acknowledged.entrySet()) {
        String body = restarted.post(get(conference.getKey())).body();
        assertEquals(body, 200, CcmpHttp.responseCode(body));
        assertEquals(conference.getValue(), CcmpHttp.field(body, "response-string"));
        assertEquals("1", CcmpHttp.field(body, "version"));
      }
      assertFalse("no stored object was unreadable", server.output().contains("unreadable"));
      server.stop();
    } finally {
      Files.deleteIfExists(XconfServer.home().resolve("deploy").resolve(PROBE));
    }
  }
}
