package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.XconfServer;
import io.xconf.store.postgresql.TemporaryPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Two Xconf nodes (their own data folders and ports, one domain) on one PostgreSQL server that the
 * test runs: any node answers for any conference, and what one acknowledged the other reads and
 * builds on at once.
 */
public class ClusterIT {

  private static final String DOMAIN = "cluster.example.net";
  private static final String PASSWORD = "cluster-store-password";
  private static TemporaryPostgres postgres;
  private static String database;
  private static XconfServer nodeA;
  private static XconfServer nodeB;

  @BeforeClass
  public static void startCluster() throws Exception {
    postgres = TemporaryPostgres.start();
    database = postgres.createDatabase(PASSWORD);
    Path servers = Path.of(System.getProperty("xconf.work"), "servers", "cluster");
    nodeA = node(servers.resolve("a"), "a");
    nodeB = node(servers.resolve("b"), "b");
    // Both start at once: they race for the schema's creation.
    Thread startA = new Thread(() -> start(nodeA));
    startA.start();
    nodeB.start();
    startA.join();
    assertTrue(nodeA.output(), nodeA.isRunning());
  }

  private static XconfServer node(Path data, String name) throws Exception {
    XconfServer node =
        XconfServer.configure(data, DOMAIN)
            .asClusterNode(name, postgres.url(database), database, PASSWORD);
    assertEquals(0, node.user("add", "alice", "secret", "--admin").exitCode());
    return node;
  }

  private static void start(XconfServer node) {
    try {
      node.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterClass
  public static void stopCluster() throws Exception {
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

  @Test
  public void bothNodesUseTheSharedStore() throws Exception {
    for (XconfServer node : new XconfServer[] {nodeA, nodeB}) {
      assertTrue(node.output(), node.output().contains("store    PostgreSQL"));
      assertTrue(
          "no SQLite file beside a shared store",
          !java.nio.file.Files.exists(node.data().resolve("xconf/conferences.db")));
    }
  }

  @Test
  public void whatOneNodeAcknowledgedTheOtherAnswersAtOnce() throws Exception {
    String conference = alice(nodeA).create();
    String retrieved = alice(nodeB).retrieve(conference);
    assertEquals(retrieved, 200, CcmpHttp.responseCode(retrieved));
    assertTrue(retrieved, retrieved.contains("sip:" + Conferences.idOf(conference) + "@" + DOMAIN));

    String deleted = alice(nodeB).delete(conference);
    assertEquals(deleted, 200, CcmpHttp.responseCode(deleted));
    String gone = alice(nodeA).retrieve(conference);
    assertEquals(gone, 404, CcmpHttp.responseCode(gone));
  }

  @Test
  public void updatesAlternatedBetweenNodesByEightClientsKeepEveryChange() throws Exception {
    String conference = alice(nodeA).create();
    int clients = 8;
    int updatesEach = 6; // 48 users and alice: the default blueprint lets 50 in
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Long>>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      results.add(
          pool.submit(
              () -> {
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < updatesEach; i++) {
                  XconfServer node = (client + i) % 2 == 0 ? nodeA : nodeB;
                  String answer =
                      alice(node)
                          .ccmp(
                              "conf",
                              "<confObjID>"
                                  + conference
                                  + "</confObjID><operation>update</operation>"
                                  + "<ccmp:confRequest><confInfo entity=\""
                                  + conference
                                  + "\"><info:users><info:user entity=\"xcon-userid:c"
                                  + client
                                  + "u"
                                  + i
                                  + "@"
                                  + DOMAIN
                                  + "\"/></info:users></confInfo></ccmp:confRequest>");
                  assertEquals(answer, 200, CcmpHttp.responseCode(answer));
                  versions.add(Long.parseLong(CcmpHttp.field(answer, "version")));
                }
                return versions;
              }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> result : results) {
      List<Long> mine = result.get(120, TimeUnit.SECONDS);
      for (int i = 1; i < mine.size(); i++) {
        assertTrue("a client's versions only grow: " + mine, mine.get(i) > mine.get(i - 1));
      }
      all.addAll(mine);
    }
    pool.shutdown();
    assertEquals(
        "every acknowledged update has a version of its own: " + all,
        clients * updatesEach,
        all.stream().distinct().count());

    for (XconfServer node : new XconfServer[] {nodeA, nodeB}) {
      String retrieved = alice(node).retrieve(conference);
      assertEquals(String.valueOf(1 + clients * updatesEach), CcmpHttp.field(retrieved, "version"));
      for (int c = 0; c < clients; c++) {
        for (int i = 0; i < updatesEach; i++) {
          assertTrue(
              "c" + c + "u" + i + " on " + node.httpPort(),
              retrieved.contains("xcon-userid:c" + c + "u" + i + "@" + DOMAIN));
        }
      }
    }
    try (Connection admin = postgres.superuser(database);
        PreparedStatement select =
            admin.prepareStatement("SELECT version FROM conference_object WHERE uri = ?")) {
      select.setString(1, conference);
      try (ResultSet rows = select.executeQuery()) {
        assertTrue(rows.next());
        assertEquals(1 + clients * updatesEach, rows.getLong(1));
      }
    }
  }
}
