package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.Kamailio;
import io.xconf.itests.support.RtpCapture;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import io.xconf.store.postgresql.TemporaryPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Two Xconf nodes on one PostgreSQL with Kamailio in front, all run by the test: the calls of a
 * conference meet on the node that hosts it, however they arrive, and when that node is killed the
 * other takes the conference over within seconds, calls its dial-out target again, takes new
 * callers in, and never stopped answering CCMP.
 */
public class ClusterFailoverIT {

  private static final String DOMAIN = "failover.example.net";
  private static final String PASSWORD = "failover-store-password";
  private static final int RTP_BASE = 46000 + (int) (ProcessHandle.current().pid() % 10) * 200;
  private static final Duration SERVED_AGAIN_WITHIN = Duration.ofSeconds(15);

  private static TemporaryPostgres postgres;
  private static String database;
  private static XconfServer nodeA;
  private static XconfServer nodeB;
  private static Kamailio kamailio;
  private static Path work;

  @BeforeClass
  public static void startCluster() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    Sipp.requireCommand("kamailio", "kamailio");
    work = Path.of(System.getProperty("xconf.work"), "servers", "failover");
    postgres = TemporaryPostgres.start();
    database = postgres.createDatabase(PASSWORD);
    nodeA = node("a", 0).start();
    nodeB = node("b", 100).start();
    kamailio = Kamailio.front(nodeA, FreePorts.next(), false);
  }

  private static XconfServer node(String name, int rtpOffset) throws Exception {
    XconfServer node =
        XconfServer.configure(work.resolve(name), DOMAIN)
            .asClusterNode(name, postgres.url(database), database, PASSWORD)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(RTP_BASE + rtpOffset))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(RTP_BASE + rtpOffset + 99));
    assertEquals(0, node.user("add", "alice", "secret", "--admin").exitCode());
    return node;
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (kamailio != null) {
      kamailio.close();
    }
    for (XconfServer node : new XconfServer[] {nodeA, nodeB}) {
      if (node != null) {
        node.close();
      }
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static Conferences alice(XconfServer node) {
    return node.conferencesOf("alice", "secret");
  }

  /** The node whose lease on the conference is live now, or "" for none. */
  private static String host(String conference) throws Exception {
    try (Connection admin = postgres.superuser(database);
        PreparedStatement select =
            admin.prepareStatement(
                "SELECT node FROM conference_lease WHERE conference_uri = ? AND expires > now()")) {
      select.setString(1, conference);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : "";
      }
    }
  }

  private static int count(String text, String what) {
    int count = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      count++;
    }
    return count;
  }

  private static int evenFreePort() {
    int port = FreePorts.next();
    return port % 2 == 0 ? port : FreePorts.next() & ~1;
  }

  /** A caller playing voice into the conference at {@code port} for 8 s, following a redirect. */
  private static Sipp caller(Path dir, int port, String conference, int mediaPort)
      throws Exception {
    return caller(dir, port, conference, mediaPort, 8000);
  }

  private static Sipp caller(Path dir, int port, String conference, int mediaPort, int millis)
      throws Exception {
    Path scenario = dir.resolve("uac-redirected-pcap.xml");
    try (var in = ClusterFailoverIT.class.getResourceAsStream("/sipp/uac-redirected-pcap.xml")) {
      Files.copy(in, scenario, StandardCopyOption.REPLACE_EXISTING);
    }
    return Sipp.call(
        dir,
        null,
        port,
        Conferences.idOf(conference),
        mediaPort,
        "-sf",
        scenario.toString(),
        "-set",
        "domain",
        DOMAIN,
        "-d",
        String.valueOf(millis),
        "-trace_logs",
        "-log_file",
        dir.resolve("caller-" + mediaPort + "-logs.log").toString(),
        "-trace_msg",
        "-message_file",
        dir.resolve("caller-" + mediaPort + "-messages.log").toString());
  }

  private static String logs(Path dir, int mediaPort) throws Exception {
    Path file = dir.resolve("caller-" + mediaPort + "-logs.log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  @Test
  public void callsMeetOnTheHostAndMoveWithinSecondsWhenItIsKilled() throws Exception {
    Path dir = work.resolve("calls");
    Files.createDirectories(dir.resolve("pcap"));
    Files.copy(
        Path.of("/usr/share/sip-tester/g711a.pcap"),
        dir.resolve("pcap/g711a.pcap"),
        StandardCopyOption.REPLACE_EXISTING);
    int uasPort = FreePorts.next();
    Path uasMessages = dir.resolve("uas-messages.log");
    try (Sipp uas =
        Sipp.answer(
            dir,
            uasPort,
            evenFreePort(),
            2,
            "-timeout",
            "180s",
            "-trace_msg",
            "-message_file",
            uasMessages.toString())) {
      // Created on A with a dial-out target: A announces it, calls the target and so hosts it.
      String conference =
          alice(nodeA)
              .created(
                  "<info:users><xcon:join-handling>allow</xcon:join-handling>"
                      + "<xcon:allowed-users-list><xcon:target uri=\"sip:uas@127.0.0.1:"
                      + uasPort
                      + "\" method=\"dial-out\"/></xcon:allowed-users-list></info:users>");
      Await.until(
          "the dial-out target connected, from node a",
          Duration.ofSeconds(20),
          () -> alice(nodeB).retrieve(conference),
          body -> body.contains("<info:status>connected</info:status>"));
      assertEquals("a", host(conference));

      // One caller through Kamailio (it reads the lease), one straight to node b (redirected).
      int throughProxy = evenFreePort();
      int straightToB = evenFreePort();
      try (RtpCapture capture = RtpCapture.from(dir, RTP_BASE, RTP_BASE + 199)) {
        try (Sipp viaKamailio = caller(dir, kamailio.port(), conference, throughProxy);
            Sipp viaB = caller(dir, nodeB.sipPort(), conference, straightToB)) {
          Await.until(
              "both callers connected beside the dial-out",
              Duration.ofSeconds(20),
              () -> alice(nodeA).retrieve(conference),
              body -> count(body, "<info:status>connected</info:status>") == 3);
          assertEquals(viaKamailio.log(), 0, viaKamailio.await(60));
          assertEquals(viaB.log(), 0, viaB.await(60));
        }
        assertTrue(
            "node b sent its caller to node a: " + logs(dir, straightToB),
            logs(dir, straightToB).contains("redirected to 127.0.0.1:" + nodeA.sipPort()));
        assertFalse(
            "Kamailio sent its caller to node a directly: " + logs(dir, throughProxy),
            logs(dir, throughProxy).contains("redirected"));
        Map<Integer, List<double[]>> levels = capture.levelsByDestination();
        for (int port : List.of(throughProxy, straightToB)) {
          assertTrue("the mix sent to " + port + ": " + levels.keySet(), levels.containsKey(port));
        }
        // They hear each other: from a second after both began until one stopped.
        double from =
            Math.max(levels.get(throughProxy).get(0)[0], levels.get(straightToB).get(0)[0]) + 1;
        for (int port : List.of(throughProxy, straightToB)) {
          double heard = RtpCapture.rms(levels.get(port), from, from + 5);
          assertTrue("voice to " + port + ", rms " + heard, heard > 300);
        }
      }

      // Acknowledged on A just before it dies; CCMP on B all along.
      List<String> createdOnA = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        createdOnA.add(alice(nodeA).create());
      }
      AtomicBoolean polling = new AtomicBoolean(true);
      List<String> failures = new CopyOnWriteArrayList<>();
      List<String> acknowledged = new CopyOnWriteArrayList<>();
      Thread ccmpOnB =
          new Thread(
              () -> {
                for (int i = 0; polling.get(); i++) {
                  try {
                    String read = alice(nodeB).retrieve(conference);
                    if (CcmpHttp.responseCode(read) != 200) {
                      failures.add(read);
                    }
                    String text = "Round " + i;
                    String changed =
                        alice(nodeB)
                            .ccmp(
                                "conf",
                                "<confObjID>"
                                    + conference
                                    + "</confObjID><operation>update</operation>"
                                    + "<ccmp:confRequest><confInfo entity=\""
                                    + conference
                                    + "\"><info:conference-description><info:display-text>"
                                    + text
                                    + "</info:display-text></info:conference-description>"
                                    + "</confInfo></ccmp:confRequest>");
                    if (CcmpHttp.responseCode(changed) == 200) {
                      acknowledged.add(text);
                    } else {
                      failures.add(changed);
                    }
                    Thread.sleep(100);
                  } catch (Exception e) {
                    failures.add(e.toString());
                  }
                }
              });
      ccmpOnB.start();
      // A caller connected when node a dies: its call dies with it.
      Sipp lingering = caller(dir, kamailio.port(), conference, evenFreePort(), 120_000);
      Await.until(
          "a caller connected beside the dial-out when node a dies",
          Duration.ofSeconds(20),
          () -> alice(nodeB).retrieve(conference),
          body -> count(body, "<info:status>connected</info:status>") == 2);

      long killed = System.nanoTime();
      nodeA.kill();
      Await.until(
          "node b hosts the conference", SERVED_AGAIN_WITHIN, () -> host(conference), "b"::equals);
      Duration takenOver = Duration.ofNanos(System.nanoTime() - killed);
      Await.until(
          "the dial-out target called again, by node b",
          SERVED_AGAIN_WITHIN.minus(takenOver),
          () -> Files.exists(uasMessages) ? count(Files.readString(uasMessages), "INVITE sip:") : 0,
          invites -> invites >= 2);
      Duration calledAgain = Duration.ofNanos(System.nanoTime() - killed);
      System.out.printf(
          "failover: conference hosted by node b %d ms after kill -9 of node a; dial-out target"
              + " called again after %d ms%n",
          takenOver.toMillis(), calledAgain.toMillis());

      // The caller that died with node a leaves the roster; a new one joins through Kamailio.
      lingering.close();
      Await.until(
          "the dial-out target connected again, and the dead call gone",
          Duration.ofSeconds(15),
          () -> alice(nodeB).retrieve(conference),
          body -> count(body, "<info:status>connected</info:status>") == 1);
      int newcomer = evenFreePort();
      try (Sipp joining = caller(dir, kamailio.port(), conference, newcomer)) {
        Await.until(
            "a new caller connected on node b",
            Duration.ofSeconds(20),
            () -> alice(nodeB).retrieve(conference),
            body -> count(body, "<info:status>connected</info:status>") == 2);
        assertEquals(joining.log(), 0, joining.await(60));
      }

      polling.set(false);
      ccmpOnB.join(10_000);
      assertTrue("CCMP on node b never failed: " + failures, failures.isEmpty());
      assertTrue("updates were acknowledged throughout", acknowledged.size() > 20);
      String last = alice(nodeB).retrieve(conference);
      assertTrue(
          last, last.contains(acknowledged.get(acknowledged.size() - 1) + "</info:display-text>"));
      for (String uri : createdOnA) {
        String retrieved = alice(nodeB).retrieve(uri);
        assertEquals(retrieved, 200, CcmpHttp.responseCode(retrieved));
      }
    }
  }
}
