package io.xconf.store.sqlite.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xconf.server.ServerIdentity;
import io.xconf.store.ConferenceStore;
import io.xconf.store.StaleWriteException;
import io.xconf.store.StoreException;
import io.xconf.store.StoreListener;
import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import io.xconf.store.jdbc.ConditionalWrites;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Conference objects in an SQLite database in WAL mode. One writer thread owns the connection and
 * commits whatever has queued up while the previous commit was syncing to disk (group commit): a
 * batch costs one fsync however many clients wrote, and a write's stage completes only after the
 * commit that contains it.
 */
@Component(
    service = ConferenceStore.class,
    configurationPid = "io.xconf.store.sqlite",
    property = ConferenceStore.ENGINE + "=SQLite")
@Designate(ocd = SqliteConferenceStore.Config.class)
public final class SqliteConferenceStore implements ConferenceStore {

  @ObjectClassDefinition(
      name = "Xconf embedded conference store",
      description = "SQLite in the state folder.")
  public @interface Config {
    @AttributeDefinition(
        name = "Database file",
        description = "Empty: conferences.db in the state folder (XCONF_DATA).")
    String file() default "";

    @AttributeDefinition(
        name = "Synchronous",
        description =
            "FULL: a commit survives power loss. NORMAL: it survives a crash of the process, not of the machine.",
        options = {
          @org.osgi.service.metatype.annotations.Option(label = "FULL", value = "FULL"),
          @org.osgi.service.metatype.annotations.Option(label = "NORMAL", value = "NORMAL")
        })
    String synchronous() default "FULL";

    @AttributeDefinition(
        name = "Largest batch",
        description = "Writes committed together at most.",
        min = "1")
    int maxBatch() default 512;
  }

  static final String FILE_NAME = "conferences.db";
  private static final Logger LOG = LoggerFactory.getLogger(SqliteConferenceStore.class);
  private static final String COLUMNS =
      "uri, kind, parent_uri, version, owner, sip_uri, document, created_ms, modified_ms";
  // Versions only grow, so "the row at the expected version" is the whole concurrency check. One
  // writer thread owns the file: nothing needs locking beyond its transaction.
  private static final String VERSION = "SELECT version FROM conference_object WHERE uri = ?";
  private static final ConditionalWrites.Sql SQL =
      new ConditionalWrites.Sql(
          "INSERT INTO conference_object ("
              + COLUMNS
              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uri) DO NOTHING",
          "UPDATE conference_object SET uri = ?, kind = ?, parent_uri = ?, version = ?, owner = ?,"
              + " sip_uri = ?, document = ?, created_ms = ?, modified_ms = ?"
              + " WHERE uri = ? AND version = ?",
          VERSION,
          "SELECT 1 FROM conference_object WHERE parent_uri = ? LIMIT 1",
          "DELETE FROM conference_object WHERE uri = ?",
          VERSION);
  private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM conference_object";

  /** Work for the writer thread: a batch to commit, or a task that needs the connection. */
  private sealed interface Job {}

  private record Batch(List<StoreWrite> writes, CompletableFuture<Void> done) implements Job {}

  private record Task(ConnectionTask task, CompletableFuture<Void> done) implements Job {}

  @FunctionalInterface
  private interface ConnectionTask {
    void run(Connection connection) throws SQLException;
  }

  private static final Job STOP = new Task(connection -> {}, new CompletableFuture<>());

  private final Path file;
  private final int maxBatch;
  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final Connection connection;
  private final Thread writer;
  private final java.util.concurrent.atomic.AtomicLong commits =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closed;

  private final Timer commitTimer;
  private final Timer failedCommitTimer;

  @Activate
  public SqliteConferenceStore(
      @Reference ServerIdentity identity, @Reference MeterRegistry meters, Config config)
      throws StoreException {
    this(
        config.file().isBlank()
            ? identity.stateDirectory().resolve(FILE_NAME)
            : Paths.get(config.file().trim()),
        config.synchronous(),
        config.maxBatch(),
        meters);
  }

  /**
   * A store outside OSGi (tools, benchmarks), counting into a registry of its own; {@link #close()}
   * it when done. (A factory: DS picks the activation constructor by its number of arguments.)
   */
  public static SqliteConferenceStore open(Path file, String synchronous, int maxBatch)
      throws StoreException {
    return new SqliteConferenceStore(file, synchronous, maxBatch, new SimpleMeterRegistry());
  }

  private SqliteConferenceStore(Path file, String synchronous, int maxBatch, MeterRegistry meters)
      throws StoreException {
    this.commitTimer = commitTimer(meters, "ok");
    this.failedCommitTimer = commitTimer(meters, "failed");
    this.file = file.toAbsolutePath();
    this.maxBatch = maxBatch;
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(
        SQLiteConfig.SynchronousMode.valueOf(
            synchronous.trim().toUpperCase(java.util.Locale.ROOT)));
    sqlite.setBusyTimeout(10_000);
    try {
      this.connection = sqlite.createConnection("jdbc:sqlite:" + this.file);
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate(
            "CREATE TABLE IF NOT EXISTS conference_object ("
                + " uri TEXT PRIMARY KEY, kind TEXT NOT NULL, parent_uri TEXT, version INTEGER NOT NULL,"
                + " owner TEXT, sip_uri TEXT, document BLOB NOT NULL,"
                + " created_ms INTEGER NOT NULL, modified_ms INTEGER NOT NULL)");
      }
      connection.setAutoCommit(false);
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException("cannot open the conference store " + this.file, e);
    }
    this.writer = new Thread(this::writeLoop, "xconf-store-writer");
    writer.setDaemon(true);
    writer.start();
    LOG.info("Conference store: {} (synchronous={})", this.file, synchronous);
  }

  private static Timer commitTimer(MeterRegistry meters, String outcome) {
    return Timer.builder("xconf.store.commit")
        .description("Transactions of the conference store, one fsync each (group commit)")
        .tag("outcome", outcome)
        .serviceLevelObjectives(
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(1000),
            Duration.ofMillis(5000))
        .register(meters);
  }

  @Deactivate
  public void close() throws InterruptedException {
    closed = true;
    jobs.add(STOP);
    writer.join(TimeUnit.SECONDS.toMillis(30));
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Closing {} failed: {}", file, e.getMessage());
    }
  }

  /** Transactions committed so far: fewer than writes when group commit works. */
  long commits() {
    return commits.get();
  }

  @Override
  public void loadAll(Consumer<StoredObject> sink) throws StoreException {
    query(
        "load",
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery(SELECT_ALL)) {
            while (rows.next()) {
              sink.accept(object(rows));
            }
          }
          return null;
        });
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public Map<String, StoredObject> read(Collection<String> uris) throws StoreException {
    return query(
        "read",
        connection -> {
          Map<String, StoredObject> found = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(SELECT_ALL + " WHERE uri = ?")) {
            for (String uri : uris) {
              select.setString(1, uri);
              try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                  found.put(uri, object(rows));
                }
              }
            }
          }
          return found;
        });
  }

  @Override
  public Map<String, Long> versions() throws StoreException {
    return query(
        "read",
        connection -> {
          Map<String, Long> versions = new HashMap<>();
          try (Statement statement = connection.createStatement();
              ResultSet rows =
                  statement.executeQuery("SELECT uri, version FROM conference_object")) {
            while (rows.next()) {
              versions.put(rows.getString(1), rows.getLong(2));
            }
          }
          return versions;
        });
  }

  @Override
  public Map<String, Long> versions(Collection<String> uris) throws StoreException {
    return query(
        "read",
        connection -> {
          Map<String, Long> versions = new HashMap<>();
          try (PreparedStatement select = connection.prepareStatement(VERSION)) {
            for (String uri : uris) {
              select.setString(1, uri);
              try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                  versions.put(uri, rows.getLong(1));
                }
              }
            }
          }
          return versions;
        });
  }

  @Override
  public List<StoredObject> children(String parentUri) throws StoreException {
    return query(
        "read",
        connection -> {
          List<StoredObject> children = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(SELECT_ALL + " WHERE parent_uri = ?")) {
            select.setString(1, parentUri);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                children.add(object(rows));
              }
            }
          }
          return children;
        });
  }

  /** Nobody else writes this file: there is nothing to hear. */
  @Override
  public void listen(StoreListener listener) {}

  private static StoredObject object(ResultSet rows) throws SQLException {
    return new StoredObject(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        rows.getLong(4),
        rows.getString(5),
        rows.getString(6),
        rows.getBytes(7),
        Instant.ofEpochMilli(rows.getLong(8)),
        Instant.ofEpochMilli(rows.getLong(9)));
  }

  /** Runs a read on the writer thread, which owns the connection, and waits for its result. */
  private <T> T query(String what, ConnectionQuery<T> query) throws StoreException {
    if (closed) {
      throw new StoreException("the conference store is closed", null);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    jobs.add(
        new Task(
            connection -> {
              result.complete(query.run(connection));
              connection.commit();
            },
            done));
    try {
      done.get();
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted during " + what, e);
    } catch (ExecutionException e) {
      throw new StoreException("cannot " + what + " " + file, e.getCause());
    }
  }

  @FunctionalInterface
  private interface ConnectionQuery<T> {
    T run(Connection connection) throws SQLException;
  }

  @Override
  public CompletionStage<Void> write(List<StoreWrite> writes) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new StoreException("the conference store is closed", null));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    jobs.add(new Batch(List.copyOf(writes), done));
    return done;
  }

  private void writeLoop() {
    List<Job> taken = new ArrayList<>();
    while (true) {
      taken.clear();
      try {
        taken.add(jobs.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      jobs.drainTo(taken, maxBatch - 1);
      List<Batch> batches = new ArrayList<>();
      for (Job job : taken) {
        if (job instanceof Batch batch) {
          batches.add(batch);
          continue;
        }
        commit(batches);
        batches.clear();
        if (job == STOP) {
          drainOnStop();
          return;
        }
        Task task = (Task) job;
        try {
          task.task().run(connection);
          task.done().complete(null);
        } catch (SQLException | RuntimeException e) {
          rollback();
          task.done().completeExceptionally(e);
        }
      }
      commit(batches);
    }
  }

  /**
   * Commits the batches as one transaction: one fsync for all of them. Each batch runs inside a
   * savepoint, so one whose expectations fail is undone alone and the others still commit.
   */
  private void commit(List<Batch> batches) {
    if (batches.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<Batch> written = new ArrayList<>(batches.size());
    try (ConditionalWrites writes =
        new ConditionalWrites(
            connection,
            SQL,
            (statement, index, time) -> statement.setLong(index, time.toEpochMilli()))) {
      for (Batch batch : batches) {
        Savepoint savepoint = connection.setSavepoint();
        Optional<String> stale = writes.apply(batch.writes());
        if (stale.isPresent()) {
          connection.rollback(savepoint);
          batch.done().completeExceptionally(new StaleWriteException(stale.get()));
        } else {
          connection.releaseSavepoint(savepoint);
          written.add(batch);
        }
      }
      connection.commit();
      commits.incrementAndGet();
      commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    } catch (SQLException | RuntimeException e) {
      rollback();
      failedCommitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      LOG.error("Committing {} batches to {} failed", batches.size(), file, e);
      StoreException failure = new StoreException("cannot write to " + file, e);
      batches.forEach(batch -> batch.done().completeExceptionally(failure));
      return;
    }
    written.forEach(batch -> batch.done().complete(null));
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.error("Rollback on {} failed", file, e);
    }
  }

  private void drainOnStop() {
    List<Job> left = new ArrayList<>();
    jobs.drainTo(left);
    StoreException closed = new StoreException("the conference store is closing", null);
    for (Job job : left) {
      if (job instanceof Batch batch) {
        batch.done().completeExceptionally(closed);
      } else {
        ((Task) job).done().completeExceptionally(closed);
      }
    }
  }
}
