package io.xconf.store.postgresql.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.xconf.store.ConferenceStore;
import io.xconf.store.ConferenceStoreContract;
import io.xconf.store.StaleWriteException;
import io.xconf.store.StoreException;
import io.xconf.store.StoreListener;
import io.xconf.store.StoreWrite;
import io.xconf.store.postgresql.TemporaryPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The store against a real PostgreSQL server of the test's own. */
public class PostgresConferenceStoreTest extends ConferenceStoreContract {

  private static final String PASSWORD = "store-test-password";
  private static TemporaryPostgres postgres;
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

  private PostgresConferenceStore open() throws StoreException {
    return PostgresConferenceStore.open(postgres.url(database), database, PASSWORD);
  }

  @Override
  protected ConferenceStore openEmpty() throws Exception {
    database = postgres.createDatabase(PASSWORD);
    return open();
  }

  @Override
  protected ConferenceStore openAgain() throws Exception {
    return open();
  }

  @Override
  protected void close(ConferenceStore store) throws Exception {
    ((PostgresConferenceStore) store).close();
  }

  /** What a listener heard, as "uri version" or "resync". */
  private static final class Heard implements StoreListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void changed(String uri, long version) {
      events.add(uri + " " + version);
    }

    @Override
    public void resync() {
      events.add("resync");
    }

    String next() throws InterruptedException {
      String event = events.poll(20, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("nothing heard within 20 s");
      }
      return event;
    }
  }

  @Test
  public void aNodeHearsTheOthersChangesNotItsOwnAndResyncsAfterALostConnection() throws Exception {
    PostgresConferenceStore nodeA = (PostgresConferenceStore) track(openEmpty());
    PostgresConferenceStore nodeB = (PostgresConferenceStore) track(open());
    Heard heardA = new Heard();
    Heard heardB = new Heard();
    nodeA.listen(heardA);
    nodeB.listen(heardB);
    assertEquals("resync", heardA.next());
    assertEquals("resync", heardB.next());

    write(nodeA, new StoreWrite.Put(object("xcon:a@x", 1, null), StoreWrite.ABSENT));
    write(nodeA, new StoreWrite.Put(object("xcon:a@x", 2, null), 1));
    write(nodeB, new StoreWrite.Delete("xcon:a@x", 2));
    assertEquals("xcon:a@x 1", heardB.next());
    assertEquals("xcon:a@x 2", heardB.next());
    assertEquals("xcon:a@x 0", heardA.next());
    Thread.sleep(300);
    assertTrue("a node hears nothing of its own: " + heardA.events, heardA.events.isEmpty());
    assertTrue("a node hears nothing of its own: " + heardB.events, heardB.events.isEmpty());

    // The database ends B's listening connection: B reconnects and compares everything, since
    // notifications sent meanwhile were lost.
    try (Connection admin = postgres.superuser("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
              + nodeB.origin()
              + "' AND query LIKE 'LISTEN%'");
    }
    assertEquals("resync", heardB.next());
  }

  @Test
  public void twoNodesWritingOneObjectNeverOverwriteEachOther() throws Exception {
    PostgresConferenceStore nodeA = (PostgresConferenceStore) track(openEmpty());
    PostgresConferenceStore nodeB = (PostgresConferenceStore) track(open());
    write(nodeA, new StoreWrite.Put(object("xcon:a@x", 1, null), StoreWrite.ABSENT));
    int writers = 8;
    int writesEach = 20;
    AtomicInteger staleSeen = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        PostgresConferenceStore node = w % 2 == 0 ? nodeA : nodeB;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < writesEach; ) {
                    long version = node.versions(List.of("xcon:a@x")).get("xcon:a@x");
                    CompletableFuture<Void> write =
                        node.write(
                                List.of(
                                    new StoreWrite.Put(
                                        object("xcon:a@x", version + 1, null), version)))
                            .toCompletableFuture();
                    try {
                      write.get(30, TimeUnit.SECONDS);
                      i++;
                    } catch (ExecutionException e) {
                      if (!(e.getCause() instanceof StaleWriteException)) {
                        throw e;
                      }
                      staleSeen.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(
        "every acknowledged write made its own version (" + staleSeen + " came late and retried)",
        1L + writers * writesEach,
        (long) nodeB.versions().get("xcon:a@x"));
  }

  @Test
  public void theSchemaIsMigratedOnceAndANewerOneIsRefused() throws Exception {
    track(openEmpty());
    track(open()); // a second start applies nothing again
    try (Connection admin = postgres.superuser(database);
        Statement statement = admin.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM xconf_schema")) {
        rows.next();
        assertEquals(Migrations.FILES.size(), rows.getInt(1));
      }
      statement.execute("INSERT INTO xconf_schema (version, name) VALUES (99, 'V99__future.sql')");
    }
    StoreException refused = assertThrows(StoreException.class, this::open);
    assertTrue(
        String.valueOf(refused.getCause()), refused.getCause().getMessage().contains("newer"));
  }

  @Test
  public void aWrongPasswordIsAClearFailureAtStart() throws Exception {
    openEmpty();
    StoreException refused =
        assertThrows(
            StoreException.class,
            () -> PostgresConferenceStore.open(postgres.url(database), database, "wrong"));
    assertTrue(refused.getMessage(), refused.getMessage().contains("cannot connect"));
  }

  @Test
  public void anotherMachineOnlyOverVerifiedTls() {
    IllegalArgumentException plain =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectionTarget.parse("jdbc:postgresql://192.0.2.7:5432/xconf", false));
    assertTrue(plain.getMessage(), plain.getMessage().contains("sslmode=verify-full"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ConnectionTarget.parse(
                "jdbc:postgresql://192.0.2.7:5432/xconf?sslmode=require", false));
    ConnectionTarget.parse("jdbc:postgresql://192.0.2.7:5432/xconf?sslmode=verify-full", false);
    ConnectionTarget.parse("jdbc:postgresql://192.0.2.7:5432/xconf", true);
    ConnectionTarget.parse("jdbc:postgresql://127.0.0.1:5432/xconf", false);
    ConnectionTarget.parse("jdbc:postgresql://localhost/xconf", false);
    assertThrows(
        IllegalArgumentException.class,
        () -> ConnectionTarget.parse("jdbc:mysql://127.0.0.1/xconf", false));
  }
}
