package io.xconf.store.postgresql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xconf.store.ConferenceStore;
import io.xconf.store.StaleWriteException;
import io.xconf.store.StoreException;
import io.xconf.store.StoreListener;
import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import io.xconf.store.jdbc.ConditionalWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conference objects in PostgreSQL, shared by every Xconf node that names the same database. One
 * writer thread commits whatever has queued up while the previous commit was flushing (group
 * commit), each client's batch inside a savepoint of its own so that one stale batch fails alone.
 * Reads come from a small pool. A listener connection hears the other nodes' changes
 * (LISTEN/NOTIFY, sent by a trigger) and, after every (re)connection, has the model compare
 * everything, so a notification missed while disconnected is never missed for good.
 */
@Component(
    service = ConferenceStore.class,
    configurationPid = "io.xconf.store.postgresql",
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    property = ConferenceStore.ENGINE + "=PostgreSQL")
@Designate(ocd = PostgresConferenceStore.Config.class)
public final class PostgresConferenceStore implements ConferenceStore {

  @ObjectClassDefinition(
      name = "Xconf PostgreSQL conference store",
      description = "Conference objects in a PostgreSQL database that several Xconf nodes share.")
  public @interface Config {
    @AttributeDefinition(
        name = "JDBC URL",
        description = "jdbc:postgresql://HOST:PORT/DATABASE (XCONF_STORE_URL)")
    String url();

    @AttributeDefinition(name = "User", description = "XCONF_STORE_USER")
    String user() default "";

    @AttributeDefinition(
        name = "Password",
        description = "XCONF_STORE_PASSWORD",
        type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(
        name = "Allow plain connections",
        description =
            "Connect to another machine without sslmode=verify-full or verify-ca: conference"
                + " passwords then cross the network readable (XCONF_STORE_ALLOW_PLAIN).")
    boolean allowPlain() default false;

    @AttributeDefinition(name = "Read connections", min = "1")
    int readConnections() default 8;

    @AttributeDefinition(
        name = "Largest batch",
        description = "Client batches committed together at most.",
        min = "1")
    int maxBatch() default 512;

    @AttributeDefinition(
        name = "Node name",
        description =
            "This node's name among the nodes sharing the database (XCONF_NODE); empty: the host"
                + " name. Each running node needs its own.")
    String node() default "";

    @AttributeDefinition(
        name = "SIP address",
        description =
            "Where SIP reaches this node, for the proxy in front and for redirects from other"
                + " nodes: sip:ADDRESS:PORT (from XCONF_SIP_ADDRESS and XCONF_SIP_PORT).")
    String sipUri() default "sip:127.0.0.1:5060";

    @AttributeDefinition(
        name = "Lease (seconds)",
        description =
            "How long a conference stays this node's without renewal: after a crash, other nodes"
                + " take it over within this time (and a quarter of it).",
        min = "2")
    int leaseSeconds() default 6;

    @AttributeDefinition(
        name = "Wait for the database at start (seconds)",
        description = "How long a start waits for PostgreSQL to accept connections.",
        min = "0")
    int startTimeoutSeconds() default 60;
  }

  static final String CHANNEL = "xconf_conference_object";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresConferenceStore.class);
  private static final String COLUMNS =
      "uri, kind, parent_uri, version, owner, sip_uri, document, created, modified";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM conference_object";
  private static final String VERSIONS = "SELECT uri, version FROM conference_object";
  private static final ConditionalWrites.Sql SQL =
      new ConditionalWrites.Sql(
          "INSERT INTO conference_object ("
              + COLUMNS
              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uri) DO NOTHING",
          // Under READ COMMITTED an UPDATE that waited for another transaction re-checks its WHERE
          // on the row that transaction left: the expected version is compared with the committed
          // one.
          "UPDATE conference_object SET uri = ?, kind = ?, parent_uri = ?, version = ?, owner = ?,"
              + " sip_uri = ?, document = ?, created = ?, modified = ? WHERE uri = ? AND version = ?",
          "SELECT version FROM conference_object WHERE uri = ? FOR UPDATE",
          "SELECT 1 FROM conference_object WHERE parent_uri = ? LIMIT 1",
          "DELETE FROM conference_object WHERE uri = ?",
          "SELECT 1 FROM conference_object WHERE uri = ? FOR SHARE");

  /** SQLSTATEs after which the whole transaction may simply be run again. */
  private static final List<String> RETRYABLE = List.of("40001", "40P01");

  private record Batch(List<StoreWrite> writes, CompletableFuture<Void> done) {}

  private static final Batch STOP = new Batch(List.of(), new CompletableFuture<>());

  private final String origin;
  private final String target;
  private final PGSimpleDataSource listenerSource;
  private final HikariDataSource pool;
  private final int maxBatch;
  private final BlockingQueue<Batch> batches = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Timer commitTimer;
  private final Timer failedCommitTimer;
  private volatile boolean closed;
  private volatile StoreListener listener;
  private Thread listening; // guarded by this

  @Activate
  public PostgresConferenceStore(@Reference MeterRegistry meters, Config config)
      throws StoreException {
    this(
        config.url(),
        config.user(),
        config.password(),
        config.allowPlain(),
        config.readConnections(),
        config.maxBatch(),
        Duration.ofSeconds(config.startTimeoutSeconds()),
        meters);
  }

  /** A store outside OSGi (tests, benchmarks); {@link #close()} it when done. */
  public static PostgresConferenceStore open(String url, String user, String password)
      throws StoreException {
    return new PostgresConferenceStore(
        url, user, password, false, 8, 512, Duration.ofSeconds(10), new SimpleMeterRegistry());
  }

  private PostgresConferenceStore(
      String url,
      String user,
      String password,
      boolean allowPlain,
      int readConnections,
      int maxBatch,
      Duration startTimeout,
      MeterRegistry meters)
      throws StoreException {
    ConnectionTarget connectionTarget = ConnectionTarget.parse(url, allowPlain);
    this.target = connectionTarget.description();
    this.maxBatch = maxBatch;
    // Names the writer in every notification it causes, so that this node can skip its own.
    this.origin = "xconf-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    this.listenerSource = dataSource(url, user, password);
    this.commitTimer = commitTimer(meters, "ok");
    this.failedCommitTimer = commitTimer(meters, "failed");

    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(dataSource(url, user, password));
    hikari.setPoolName("xconf-store");
    // The writer holds one connection; readers share the rest.
    hikari.setMaximumPoolSize(readConnections + 1);
    hikari.setMinimumIdle(2);
    hikari.setConnectionTimeout(10_000);
    // Acknowledged means committed, flushed and (with a synchronous standby) replicated, whatever
    // the server's default says.
    hikari.setConnectionInitSql("SET synchronous_commit = on");
    hikari.setInitializationFailTimeout(Math.max(1, startTimeout.toMillis()));
    hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    try {
      this.pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to the conference store at " + target, e);
    }
    try (Connection connection = pool.getConnection()) {
      int schema = Migrations.migrate(connection);
      LOG.info("Conference store: PostgreSQL at {} (schema {})", target, schema);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new StoreException("cannot prepare the conference store at " + target, e);
    }
    this.writer = new Thread(this::writeLoop, "xconf-store-writer");
    writer.setDaemon(true);
    writer.start();
  }

  private PGSimpleDataSource dataSource(String url, String user, String password) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(url);
    if (!user.isBlank()) {
      source.setUser(user);
    }
    if (!password.isEmpty()) {
      source.setPassword(password);
    }
    source.setApplicationName(origin);
    source.setTcpKeepAlive(true);
    source.setConnectTimeout(10);
    return source;
  }

  private static Timer commitTimer(MeterRegistry meters, String outcome) {
    return Timer.builder("xconf.store.commit")
        .description("Transactions of the conference store (group commit)")
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
    batches.add(STOP);
    writer.join(TimeUnit.SECONDS.toMillis(30));
    Thread stopping;
    synchronized (this) {
      stopping = listening;
      listening = null;
      listener = null;
    }
    if (stopping != null) {
      stopping.interrupt();
      stopping.join(TimeUnit.SECONDS.toMillis(10));
    }
    pool.close();
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public void loadAll(Consumer<StoredObject> sink) throws StoreException {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false); // lets the driver fetch in portions instead of all at once
      statement.setFetchSize(500);
      try (ResultSet rows = statement.executeQuery(SELECT)) {
        while (rows.next()) {
          sink.accept(object(rows));
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException("cannot load from " + target, e);
    }
  }

  @Override
  public Map<String, StoredObject> read(Collection<String> uris) throws StoreException {
    Map<String, StoredObject> found = new HashMap<>();
    if (!uris.isEmpty()) {
      select(
          SELECT + " WHERE uri = ANY (?)",
          uris,
          rows -> {
            StoredObject object = object(rows);
            found.put(object.uri(), object);
          });
    }
    return found;
  }

  @Override
  public Map<String, Long> versions() throws StoreException {
    Map<String, Long> versions = new HashMap<>();
    select(VERSIONS, null, rows -> versions.put(rows.getString(1), rows.getLong(2)));
    return versions;
  }

  @Override
  public Map<String, Long> versions(Collection<String> uris) throws StoreException {
    Map<String, Long> versions = new HashMap<>();
    if (!uris.isEmpty()) {
      select(
          VERSIONS + " WHERE uri = ANY (?)",
          uris,
          rows -> versions.put(rows.getString(1), rows.getLong(2)));
    }
    return versions;
  }

  @Override
  public List<StoredObject> children(String parentUri) throws StoreException {
    List<StoredObject> children = new ArrayList<>();
    select(SELECT + " WHERE parent_uri = ?", parentUri, rows -> children.add(object(rows)));
    return children;
  }

  @FunctionalInterface
  private interface RowReader {
    void read(ResultSet row) throws SQLException;
  }

  /**
   * Runs a query on a pooled connection, its one parameter (if not null) a URI or a collection of
   * URIs, handing every row to {@code reader}.
   */
  private void select(String sql, Object parameter, RowReader reader) throws StoreException {
    try (Connection connection = pool.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      if (parameter instanceof Collection<?> values) {
        select.setArray(1, connection.createArrayOf("text", values.toArray()));
      } else if (parameter != null) {
        select.setString(1, parameter.toString());
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          reader.read(rows);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read from " + target, e);
    }
  }

  private static StoredObject object(ResultSet rows) throws SQLException {
    return new StoredObject(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        rows.getLong(4),
        rows.getString(5),
        rows.getString(6),
        rows.getBytes(7),
        rows.getTimestamp(8).toInstant(),
        rows.getTimestamp(9).toInstant());
  }

  // ---- writing ----

  @Override
  public CompletionStage<Void> write(List<StoreWrite> writes) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new StoreException("the conference store is closed", null));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    batches.add(new Batch(List.copyOf(writes), done));
    return done;
  }

  private void writeLoop() {
    List<Batch> taken = new ArrayList<>();
    while (true) {
      taken.clear();
      try {
        taken.add(batches.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      batches.drainTo(taken, maxBatch - 1);
      int stop = taken.indexOf(STOP);
      if (stop >= 0) {
        commit(taken.subList(0, stop));
        failLeft(taken.subList(stop + 1, taken.size()));
        return;
      }
      commit(taken);
    }
  }

  /** Commits the batches as one transaction, running it again after a deadlock (up to 3 times). */
  private void commit(List<Batch> group) {
    if (group.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = pool.getConnection()) {
        connection.setAutoCommit(false);
        List<Batch> written = new ArrayList<>(group.size());
        Map<Batch, String> stale = new HashMap<>();
        try {
          applyGroup(connection, group, written, stale);
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
        commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        stale.forEach(
            (batch, uri) -> batch.done().completeExceptionally(new StaleWriteException(uri)));
        written.forEach(batch -> batch.done().complete(null));
        return;
      } catch (SQLException | RuntimeException e) {
        if (attempt < 3 && e instanceof SQLException sql && RETRYABLE.contains(sql.getSQLState())) {
          LOG.debug(
              "Commit of {} batches met {}; running it again", group.size(), sql.getSQLState());
          continue;
        }
        failedCommitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        LOG.error("Committing {} batches to {} failed: {}", group.size(), target, e.toString());
        StoreException failure = new StoreException("cannot write to " + target, e);
        group.forEach(batch -> batch.done().completeExceptionally(failure));
        return;
      }
    }
  }

  private void applyGroup(
      Connection connection, List<Batch> group, List<Batch> written, Map<Batch, String> stale)
      throws SQLException {
    try (ConditionalWrites writes =
        new ConditionalWrites(
            connection,
            SQL,
            (statement, index, time) -> statement.setTimestamp(index, Timestamp.from(time)))) {
      for (Batch batch : group) {
        Savepoint savepoint = group.size() == 1 ? null : connection.setSavepoint();
        Optional<String> failed = writes.apply(batch.writes());
        if (failed.isPresent()) {
          if (savepoint != null) {
            connection.rollback(savepoint);
          } else {
            connection.rollback();
          }
          stale.put(batch, failed.get());
        } else {
          if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
          }
          written.add(batch);
        }
      }
    }
  }

  /** Fails what came after STOP, and what a racing write() queued after the writer ended. */
  private void failLeft(List<Batch> left) {
    List<Batch> unwritten = new ArrayList<>(left);
    batches.drainTo(unwritten);
    StoreException closing = new StoreException("the conference store is closed", null);
    unwritten.forEach(batch -> batch.done().completeExceptionally(closing));
  }

  // ---- hearing other nodes ----

  @Override
  public void listen(StoreListener newListener) {
    synchronized (this) {
      this.listener = newListener;
      if (newListener == null || listening != null || closed) {
        return;
      }
      listening = new Thread(this::listenLoop, "xconf-store-listener");
      listening.setDaemon(true);
      listening.start();
    }
  }

  private void listenLoop() {
    long backoffMillis = 500;
    boolean warned = false;
    while (!closed && !Thread.currentThread().isInterrupted()) {
      try (Connection connection = listenerSource.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        if (warned) {
          LOG.info("Hearing the other nodes' changes again from {}", target);
          warned = false;
        }
        backoffMillis = 500;
        StoreListener current = listener;
        if (current != null) {
          current.resync(); // whatever happened before LISTEN took effect
        }
        PGConnection notifications = connection.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (!closed) {
          PGNotification[] received = notifications.getNotifications(1000);
          if (received != null) {
            for (PGNotification notification : received) {
              deliver(notification.getParameter());
            }
          }
          if (System.nanoTime() - lastCheck > TimeUnit.SECONDS.toNanos(10)) {
            // A connection that died quietly shows here, not in getNotifications.
            try (Statement statement = connection.createStatement()) {
              statement.execute("SELECT 1");
            }
            lastCheck = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!warned) {
          LOG.warn(
              "Lost the connection that hears the other nodes' changes ({}); reconnecting",
              e.getMessage());
          warned = true;
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoffMillis = Math.min(backoffMillis * 2, 5000);
      }
    }
  }

  /** "ORIGIN URI VERSION"; our own changes are already known here. */
  private void deliver(String payload) {
    int versionStart = payload.lastIndexOf(' ');
    int uriStart = versionStart <= 0 ? -1 : payload.lastIndexOf(' ', versionStart - 1);
    if (uriStart <= 0) {
      LOG.warn("Ignoring a malformed change notification");
      return;
    }
    if (payload.substring(0, uriStart).equals(origin)) {
      return;
    }
    long version;
    try {
      version = Long.parseLong(payload.substring(versionStart + 1));
    } catch (NumberFormatException e) {
      LOG.warn("Ignoring a malformed change notification");
      return;
    }
    StoreListener current = listener;
    if (current != null) {
      try {
        current.changed(payload.substring(uriStart + 1, versionStart), version);
      } catch (RuntimeException e) {
        LOG.error("The change listener failed", e);
      }
    }
  }

  /** How this process names itself in the database (its connections' application_name). */
  String origin() {
    return origin;
  }

  /** The connections, for the leases kept beside the objects. */
  javax.sql.DataSource pool() {
    return pool;
  }
}
