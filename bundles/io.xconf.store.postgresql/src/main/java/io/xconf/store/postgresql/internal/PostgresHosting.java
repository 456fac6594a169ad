package io.xconf.store.postgresql.internal;

import io.xconf.store.ConferenceHosting;
import io.xconf.store.ConferenceStore;
import io.xconf.store.HostingListener;
import io.xconf.store.StoreException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases in PostgreSQL: a row per hosted conference with an expiry this node renews, a row per node
 * with its SIP address (for the proxy in front and for redirects), and a scan that takes over the
 * conferences of nodes whose leases lapsed. Every time is the database's.
 *
 * <p>A node that cannot renew stops serving its conferences before their leases lapse for the
 * others: it counts the lease from the moment it asked for the renewal, which is before the
 * database set the new expiry.
 */
@Component(
    service = ConferenceHosting.class,
    configurationPid = "io.xconf.store.postgresql",
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    property = ConferenceStore.ENGINE + "=PostgreSQL")
public final class PostgresHosting implements ConferenceHosting {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresHosting.class);

  /** How long a lease nobody claimed after a takeover stays before it goes. */
  private static final long UNCLAIMED_IDLE_MILLIS = 15_000;

  /** Lapsed leases one scan takes at most, so that the surviving nodes share them. */
  private static final int TAKEOVER_BATCH = 50;

  private final DataSource pool;
  private final String node;
  private final String instance;
  private final String sipUri;
  private final long leaseMillis;
  private final String interval;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();

  /**
   * Taking a lease and giving it up are serialized per conference (by stripe): a lease given up
   * while the same node takes it again must not be deleted under the new holder.
   */
  private final Object[] stripes = new Object[64];

  {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  private Object stripe(String conferenceUri) {
    return stripes[Math.floorMod(conferenceUri.hashCode(), stripes.length)];
  }

  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-hosting");
            thread.setDaemon(true);
            return thread;
          });
  private volatile long validUntilNanos;
  private volatile boolean warned;

  @Reference(
      service = HostingListener.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile List<ComponentServiceObjects<HostingListener>> listeners = List.of();

  /** A lease held here; fields guarded by the object. */
  private static final class Lease {
    final Set<String> holders = new HashSet<>();
    long touched = System.nanoTime();
    long idleMillis = UNCLAIMED_IDLE_MILLIS;
    boolean gone;
  }

  /** Hears this node's takeovers and losses; the whiteboard's listeners unless a tool gives one. */
  private final HostingListener announce;

  @Activate
  public PostgresHosting(
      @Reference(target = "(" + ConferenceStore.ENGINE + "=PostgreSQL)") ConferenceStore store,
      PostgresConferenceStore.Config config)
      throws StoreException, InterruptedException {
    this(
        (PostgresConferenceStore) store,
        config.node(),
        config.sipUri(),
        TimeUnit.SECONDS.toMillis(config.leaseSeconds()),
        null,
        true);
  }

  /**
   * Hosting outside OSGi (tests): {@code listener} instead of the whiteboard; without {@code
   * ticking}, leases are renewed and lapsed ones taken over only when {@link #tick()} is called.
   */
  PostgresHosting(
      PostgresConferenceStore store,
      String node,
      String sipUri,
      long leaseMillis,
      HostingListener listener,
      boolean ticking)
      throws StoreException, InterruptedException {
    this.pool = store.pool();
    this.instance = store.origin();
    this.node = node.isBlank() ? hostName() : node.strip();
    this.sipUri = sipUri.strip();
    this.leaseMillis = leaseMillis;
    this.interval = leaseMillis + " milliseconds";
    this.announce = listener != null ? listener : new Whiteboard();
    register();
    if (ticking) {
      long period = Math.max(250, leaseMillis / 4);
      ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }
    LOG.info("Cluster node {} at {}, leases of {} ms", this.node, this.sipUri, leaseMillis);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * Claims the node's name. Another live process with the same name is a mistake (two nodes would
   * renew each other's leases) unless it is this node's previous run, killed within the last lease:
   * its row lapses, so that is waited for.
   */
  private void register() throws StoreException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * leaseMillis + 1000);
    while (true) {
      long asked = System.nanoTime();
      try (Connection connection = pool.getConnection();
          PreparedStatement claim =
              connection.prepareStatement(
                  "INSERT INTO xconf_node (name, instance, sip_uri, started, expires)"
                      + " VALUES (?, ?, ?, now(), now() + ?::interval)"
                      + " ON CONFLICT (name) DO UPDATE SET instance = excluded.instance,"
                      + " sip_uri = excluded.sip_uri, started = excluded.started,"
                      + " expires = excluded.expires"
                      + " WHERE xconf_node.expires < now() OR xconf_node.instance = excluded.instance")) {
        claim.setString(1, node);
        claim.setString(2, instance);
        claim.setString(3, sipUri);
        claim.setString(4, interval);
        if (claim.executeUpdate() == 1) {
          validUntilNanos = asked + TimeUnit.MILLISECONDS.toNanos(leaseMillis - 500);
          return;
        }
      } catch (SQLException e) {
        throw new StoreException("cannot register node " + node, e);
      }
      if (System.nanoTime() > deadline) {
        throw new StoreException(
            "another running node is named " + node + ": give each node its own XCONF_NODE", null);
      }
      Thread.sleep(500);
    }
  }

  /** Stops as a crash would: nothing handed over, the leases left to lapse. */
  void crash() {
    ticker.shutdownNow();
    leases.clear();
  }

  @Deactivate
  void deactivate() {
    ticker.shutdownNow();
    // A clean stop hands everything over at once: the leases lapse now, not in a lease's time.
    try (Connection connection = pool.getConnection();
        PreparedStatement leasesNow =
            connection.prepareStatement(
                "UPDATE conference_lease SET expires = now() WHERE instance = ?");
        PreparedStatement nodeNow =
            connection.prepareStatement(
                "UPDATE xconf_node SET expires = now() WHERE name = ? AND instance = ?")) {
      leasesNow.setString(1, instance);
      leasesNow.executeUpdate();
      nodeNow.setString(1, node);
      nodeNow.setString(2, instance);
      nodeNow.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("Could not hand the conferences over at stop: {}", e.getMessage());
    }
    leases.clear();
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public boolean hostsHere(String conferenceUri) {
    return leases.containsKey(conferenceUri) && System.nanoTime() < validUntilNanos;
  }

  @Override
  public Set<String> hosted() {
    return Set.copyOf(leases.keySet());
  }

  @Override
  public boolean host(String conferenceUri, String holder) throws StoreException {
    if (claim(conferenceUri, holder)) {
      return true;
    }
    synchronized (stripe(conferenceUri)) {
      if (claim(conferenceUri, holder)) {
        return true;
      }
      Outcome outcome = acquire(conferenceUri);
      if (outcome == Outcome.ELSEWHERE) {
        return false;
      }
      Lease lease = new Lease();
      lease.holders.add(holder);
      leases.put(conferenceUri, lease);
      if (outcome == Outcome.TAKEN_OVER) {
        LOG.info("{}: taken over; its previous host is gone", conferenceUri);
        ticker.execute(() -> tell(conferenceUri, true));
      }
      return true;
    }
  }

  /** Adds a holder to a lease held here already. */
  private boolean claim(String conferenceUri, String holder) {
    Lease lease = leases.get(conferenceUri);
    if (lease == null || System.nanoTime() >= validUntilNanos) {
      return false;
    }
    synchronized (lease) {
      if (lease.gone) {
        return false;
      }
      lease.holders.add(holder);
      lease.touched = System.nanoTime();
      return true;
    }
  }

  private enum Outcome {
    HERE,
    TAKEN_OVER,
    ELSEWHERE
  }

  private Outcome acquire(String conferenceUri) throws StoreException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Outcome outcome = acquire(connection, conferenceUri);
        connection.commit();
        return outcome;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot take the lease of " + conferenceUri, e);
    }
  }

  private Outcome acquire(Connection connection, String conferenceUri) throws SQLException {
    try (PreparedStatement current =
        connection.prepareStatement(
            "SELECT instance, expires > now() FROM conference_lease"
                + " WHERE conference_uri = ? FOR UPDATE")) {
      current.setString(1, conferenceUri);
      try (ResultSet row = current.executeQuery()) {
        if (row.next()) {
          boolean live = row.getBoolean(2);
          boolean mine = instance.equals(row.getString(1));
          if (live && !mine) {
            return Outcome.ELSEWHERE;
          }
          try (PreparedStatement take =
              connection.prepareStatement(
                  "UPDATE conference_lease SET node = ?, instance = ?,"
                      + " expires = now() + ?::interval WHERE conference_uri = ?")) {
            take.setString(1, node);
            take.setString(2, instance);
            take.setString(3, interval);
            take.setString(4, conferenceUri);
            take.executeUpdate();
          }
          return mine ? Outcome.HERE : Outcome.TAKEN_OVER;
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO conference_lease (conference_uri, conference_id, node, instance, expires)"
                + " VALUES (?, ?, ?, ?, now() + ?::interval) ON CONFLICT DO NOTHING")) {
      insert.setString(1, conferenceUri);
      insert.setString(2, idOf(conferenceUri));
      insert.setString(3, node);
      insert.setString(4, instance);
      insert.setString(5, interval);
      if (insert.executeUpdate() == 1) {
        return Outcome.HERE;
      }
    }
    // Another node inserted it between the look and the insert: it hosts it.
    return Outcome.ELSEWHERE;
  }

  /** The user part of the conference's SIP URI: what the proxy in front looks leases up by. */
  static String idOf(String conferenceUri) {
    int at = conferenceUri.indexOf('@');
    int colon = conferenceUri.indexOf(':');
    return conferenceUri.substring(colon + 1, at < 0 ? conferenceUri.length() : at);
  }

  @Override
  public Optional<Host> hostOf(String conferenceUri) throws StoreException {
    if (hostsHere(conferenceUri)) {
      return Optional.of(new Host(node, sipUri, true));
    }
    try (Connection connection = pool.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT l.node, n.sip_uri, l.instance FROM conference_lease l"
                    + " JOIN xconf_node n ON n.name = l.node"
                    + " WHERE l.conference_uri = ? AND l.expires > now()")) {
      select.setString(1, conferenceUri);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        boolean here = instance.equals(row.getString(3));
        return Optional.of(new Host(row.getString(1), row.getString(2), here));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the lease of " + conferenceUri, e);
    }
  }

  @Override
  public void release(String conferenceUri, String holder, long idleMillis) {
    Lease lease = leases.get(conferenceUri);
    if (lease != null) {
      synchronized (lease) {
        lease.holders.remove(holder);
        lease.idleMillis = idleMillis;
      }
    }
  }

  // ---- upkeep: renew, give up what nobody holds, take over what lapsed ----

  void tick() {
    try {
      long asked = System.nanoTime();
      // Only what was held before the renewal can be missing from it.
      Set<String> held = Set.copyOf(leases.keySet());
      Set<String> renewed = renew();
      validUntilNanos = asked + TimeUnit.MILLISECONDS.toNanos(leaseMillis - 500);
      if (warned) {
        LOG.info("Leases renewed again");
        warned = false;
      }
      for (String uri : held) {
        if (!renewed.contains(uri)) {
          lose(uri, "another node holds its lease now");
        }
      }
      releaseUnheld();
      takeOverLapsed();
    } catch (SQLException | RuntimeException e) {
      if (!warned) {
        LOG.warn("Cannot renew this node's leases: {}", e.getMessage());
        warned = true;
      }
      if (System.nanoTime() >= validUntilNanos && !leases.isEmpty()) {
        LOG.warn(
            "This node's leases have lapsed: its {} conferences are stopped here", leases.size());
        for (String uri : leases.keySet()) {
          lose(uri, "its lease could not be renewed");
        }
      }
    }
  }

  private Set<String> renew() throws SQLException {
    Set<String> renewed = new HashSet<>();
    try (Connection connection = pool.getConnection();
        PreparedStatement leasesAgain =
            connection.prepareStatement(
                "UPDATE conference_lease SET expires = now() + ?::interval WHERE instance = ?"
                    + " RETURNING conference_uri");
        PreparedStatement nodeAgain =
            connection.prepareStatement(
                "UPDATE xconf_node SET expires = now() + ?::interval, sip_uri = ?"
                    + " WHERE name = ? AND instance = ?")) {
      leasesAgain.setString(1, interval);
      leasesAgain.setString(2, instance);
      try (ResultSet rows = leasesAgain.executeQuery()) {
        while (rows.next()) {
          renewed.add(rows.getString(1));
        }
      }
      nodeAgain.setString(1, interval);
      nodeAgain.setString(2, sipUri);
      nodeAgain.setString(3, node);
      nodeAgain.setString(4, instance);
      if (nodeAgain.executeUpdate() == 0) {
        throw new SQLException("node " + node + " was taken over by another process of that name");
      }
    }
    return renewed;
  }

  private void lose(String uri, String why) {
    Lease lease = leases.remove(uri);
    if (lease == null) {
      return;
    }
    synchronized (lease) {
      lease.gone = true;
    }
    LOG.warn("{}: no longer hosted here: {}", uri, why);
    tell(uri, false);
  }

  private void releaseUnheld() throws SQLException {
    for (Map.Entry<String, Lease> entry : leases.entrySet()) {
      if (!unheld(entry.getValue())) {
        continue;
      }
      String uri = entry.getKey();
      synchronized (stripe(uri)) {
        Lease lease = entry.getValue();
        synchronized (lease) {
          if (lease.gone || !unheld(lease)) {
            continue;
          }
          lease.gone = true;
        }
        leases.remove(uri, lease);
        try (Connection connection = pool.getConnection();
            PreparedStatement delete =
                connection.prepareStatement(
                    "DELETE FROM conference_lease WHERE conference_uri = ? AND instance = ?")) {
          delete.setString(1, uri);
          delete.setString(2, instance);
          delete.executeUpdate();
        }
        LOG.debug("{}: lease given up", uri);
      }
    }
  }

  /** Nobody here needs the conference, and nothing asked for it for its idle time. */
  private static boolean unheld(Lease lease) {
    synchronized (lease) {
      return lease.holders.isEmpty()
          && System.nanoTime() - lease.touched >= TimeUnit.MILLISECONDS.toNanos(lease.idleMillis);
    }
  }

  private void takeOverLapsed() throws SQLException {
    List<String> taken = new ArrayList<>();
    try (Connection connection = pool.getConnection();
        PreparedStatement take =
            connection.prepareStatement(
                "UPDATE conference_lease SET node = ?, instance = ?, expires = now() + ?::interval"
                    + " WHERE conference_uri IN (SELECT conference_uri FROM conference_lease"
                    + " WHERE expires < now() ORDER BY expires LIMIT ? FOR UPDATE SKIP LOCKED)"
                    + " RETURNING conference_uri")) {
      take.setString(1, node);
      take.setString(2, instance);
      take.setString(3, interval);
      take.setInt(4, TAKEOVER_BATCH);
      try (ResultSet rows = take.executeQuery()) {
        while (rows.next()) {
          taken.add(rows.getString(1));
        }
      }
    }
    for (String uri : taken) {
      leases.put(uri, new Lease());
      LOG.info("{}: taken over; its previous host is gone", uri);
      tell(uri, true);
    }
  }

  private void tell(String conferenceUri, boolean takenOver) {
    try {
      if (takenOver) {
        announce.takenOver(conferenceUri);
      } else {
        announce.lost(conferenceUri);
      }
    } catch (RuntimeException e) {
      LOG.error("A hosting listener failed on {}", conferenceUri, e);
    }
  }

  /** The registered listeners, each got only while it is told. */
  private final class Whiteboard implements HostingListener {
    @Override
    public void takenOver(String conferenceUri) {
      each(listener -> listener.takenOver(conferenceUri));
    }

    @Override
    public void lost(String conferenceUri) {
      each(listener -> listener.lost(conferenceUri));
    }

    private void each(java.util.function.Consumer<HostingListener> action) {
      for (ComponentServiceObjects<HostingListener> objects : listeners) {
        HostingListener listener = objects.getService();
        if (listener == null) {
          continue;
        }
        try {
          action.accept(listener);
        } catch (RuntimeException e) {
          LOG.error("A hosting listener failed", e);
        } finally {
          objects.ungetService(listener);
        }
      }
    }
  }
}
