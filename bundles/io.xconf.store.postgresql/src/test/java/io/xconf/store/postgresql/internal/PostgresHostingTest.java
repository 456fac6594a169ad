package io.xconf.store.postgresql.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.store.ConferenceHosting;
import io.xconf.store.HostingListener;
import io.xconf.store.StoreException;
import io.xconf.store.postgresql.TemporaryPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/** Two nodes' leases in a real PostgreSQL: who hosts what, takeover after a crash, loss. */
public class PostgresHostingTest {

  private static final String PASSWORD = "hosting-test-password";
  private static final String CONFERENCE = "xcon:weekly@example.com";
  private static final long LEASE_MILLIS = 2000;
  private static TemporaryPostgres postgres;

  private final List<PostgresConferenceStore> stores = new ArrayList<>();
  private final List<PostgresHosting> nodes = new ArrayList<>();
  private String database;

  @BeforeClass
  public static void startPostgres() throws Exception {
    postgres = TemporaryPostgres.start();
  }

  @AfterClass
  public static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Before
  public void createDatabase() throws Exception {
    database = postgres.createDatabase(PASSWORD);
  }

  @After
  public void stopNodes() throws Exception {
    nodes.forEach(PostgresHosting::crash);
    for (PostgresConferenceStore store : stores) {
      store.close();
    }
  }

  /** What a node's hosting told it, as "taken URI" or "lost URI". */
  private static final class Heard implements HostingListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void takenOver(String conferenceUri) {
      events.add("taken " + conferenceUri);
    }

    @Override
    public void lost(String conferenceUri) {
      events.add("lost " + conferenceUri);
    }
  }

  private PostgresHosting node(String name, Heard heard) throws Exception {
    return node(name, heard, false);
  }

  private PostgresHosting node(String name, Heard heard, boolean ticking) throws Exception {
    PostgresConferenceStore store =
        PostgresConferenceStore.open(postgres.url(database), database, PASSWORD);
    stores.add(store);
    PostgresHosting node =
        new PostgresHosting(
            store, name, "sip:127.0.0.1:" + (5060 + nodes.size()), LEASE_MILLIS, heard, ticking);
    nodes.add(node);
    return node;
  }

  private static void lapse() throws InterruptedException {
    Thread.sleep(LEASE_MILLIS + 300);
  }

  @Test
  public void oneNodeHostsAConferenceAndTheOthersKnowWhere() throws Exception {
    PostgresHosting a = node("a", new Heard());
    PostgresHosting b = node("b", new Heard());
    assertTrue(a.host(CONFERENCE, "focus"));
    assertTrue("a second holder on the same node", a.host(CONFERENCE, "events"));
    assertFalse(b.host(CONFERENCE, "focus"));

    ConferenceHosting.Host seenFromB = b.hostOf(CONFERENCE).orElseThrow();
    assertEquals("a", seenFromB.node());
    assertEquals("sip:127.0.0.1:5060", seenFromB.sipUri());
    assertFalse(seenFromB.here());
    assertTrue(a.hostOf(CONFERENCE).orElseThrow().here());
    assertTrue(a.hostsHere(CONFERENCE));
    assertFalse(b.hostsHere(CONFERENCE));

    // Renewed, it stays a's past its first lease.
    for (int i = 0; i < 3; i++) {
      Thread.sleep(LEASE_MILLIS / 2);
      a.tick();
      b.tick();
    }
    assertFalse(b.host(CONFERENCE, "focus"));
  }

  @Test
  public void aCrashedNodesConferencesAreTakenOverAndItLearnsItLostThem() throws Exception {
    Heard heardA = new Heard();
    Heard heardB = new Heard();
    PostgresHosting a = node("a", heardA);
    PostgresHosting b = node("b", heardB);
    assertTrue(a.host(CONFERENCE, "focus"));

    // a stops renewing (a pause, a partition); its lease lapses and b's scan takes the conference.
    lapse();
    b.tick();
    assertEquals("taken " + CONFERENCE, heardB.events.poll(5, TimeUnit.SECONDS));
    assertTrue(b.hostsHere(CONFERENCE));
    assertEquals("b", a.hostOf(CONFERENCE).orElseThrow().node());
    // a's own clock told it first: its lease ran out before the database's.
    assertFalse(a.hostsHere(CONFERENCE));
    a.tick();
    assertEquals("lost " + CONFERENCE, heardA.events.poll(5, TimeUnit.SECONDS));
    assertFalse(a.host(CONFERENCE, "focus"));
  }

  @Test
  public void aCleanStopHandsOverAtOnce() throws Exception {
    Heard heardB = new Heard();
    PostgresHosting a = node("a", new Heard());
    PostgresHosting b = node("b", heardB);
    assertTrue(a.host(CONFERENCE, "focus"));
    a.deactivate();
    nodes.remove(a);
    b.tick();
    assertEquals("taken " + CONFERENCE, heardB.events.poll(5, TimeUnit.SECONDS));
  }

  @Test
  public void aConferenceNobodyHoldsAnyMoreIsFreeForAnyNode() throws Exception {
    Heard heardB = new Heard();
    PostgresHosting a = node("a", new Heard());
    PostgresHosting b = node("b", heardB);
    assertTrue(a.host(CONFERENCE, "focus"));
    assertTrue(a.host(CONFERENCE, "events"));
    a.release(CONFERENCE, "focus", 0);
    a.tick();
    assertTrue("events still holds it", a.hostsHere(CONFERENCE));
    a.release(CONFERENCE, "events", 0);
    a.tick();
    assertFalse(a.hostsHere(CONFERENCE));
    assertTrue(a.hostOf(CONFERENCE).isEmpty());
    assertTrue(b.host(CONFERENCE, "focus"));
    assertTrue("not a takeover: nobody had it", heardB.events.isEmpty());
  }

  @Test
  public void twoRunningNodesCannotShareAName() throws Exception {
    node("a", new Heard(), true); // renews its row, as a running node does
    long start = System.nanoTime();
    try {
      node("a", new Heard());
      throw new AssertionError("a second node named a started");
    } catch (StoreException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("XCONF_NODE"));
    }
    assertTrue(
        "it waited for the first to lapse, in case that was its own earlier run",
        System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(2 * LEASE_MILLIS));
  }
}
