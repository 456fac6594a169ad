package io.xconf.webhooks.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The deliveries still owed, durable across restarts and crashes: one row per event and URL, in the
 * order the events happened. Only the oldest row of each URL and conference is ever due, so a
 * receiver sees a conference's events in order even when some had to be retried.
 */
final class Outbox implements AutoCloseable {

  /** A delivery owed: the event's body to {@code target}, tried {@code attempts} times so far. */
  record Delivery(
      long seq,
      String target,
      String conference,
      String event,
      String body,
      int attempts,
      long createdMillis) {

    /** The queue it heads: one per URL and conference. */
    String queue() {
      return target + "\n" + conference;
    }
  }

  /** The heads of the queues: each URL and conference's oldest row. */
  private static final String HEADS =
      " FROM delivery d JOIN (SELECT MIN(seq) AS seq FROM delivery"
          + " GROUP BY target, conference) heads ON heads.seq = d.seq";

  private final Connection connection;

  Outbox(Path file) throws SQLException {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // Acknowledged means on disk: a queued event survives a power cut.
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout(10_000);
    this.connection = sqlite.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "CREATE TABLE IF NOT EXISTS delivery ("
              + " seq INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
              + " conference TEXT NOT NULL, event TEXT NOT NULL, body BLOB NOT NULL,"
              + " attempts INTEGER NOT NULL, next_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL)");
      statement.executeUpdate(
          "CREATE INDEX IF NOT EXISTS delivery_queue ON delivery (target, conference, seq)");
    }
    connection.setAutoCommit(false);
    connection.commit();
  }

  /** Queues each event for each target, in this order, in one transaction (one fsync). */
  synchronized void add(List<WebhookEvent> events, List<String> targets, long nowMillis)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO delivery (target, conference, event, body, attempts, next_ms, created_ms)"
                + " VALUES (?, ?, ?, ?, 0, ?, ?)")) {
      for (WebhookEvent event : events) {
        byte[] body = event.json().getBytes(StandardCharsets.UTF_8);
        for (String target : targets) {
          insert.setString(1, target);
          insert.setString(2, event.conference());
          insert.setString(3, event.event());
          insert.setBytes(4, body);
          insert.setLong(5, nowMillis);
          insert.setLong(6, nowMillis);
          insert.executeUpdate();
        }
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  /**
   * The oldest delivery of each URL and conference, if it is due and its queue is not {@code busy}
   * (a delivery of it on its way); at most {@code limit}, oldest first.
   */
  synchronized List<Delivery> due(long nowMillis, int limit, Collection<String> busy)
      throws SQLException {
    List<Delivery> due = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT d.seq, d.target, d.conference, d.event, d.body, d.attempts, d.created_ms"
                + HEADS
                + " WHERE d.next_ms <= ?"
                + notBusy(busy)
                + " ORDER BY d.seq LIMIT ?")) {
      int parameter = 1;
      query.setLong(parameter++, nowMillis);
      for (String queue : busy) {
        query.setString(parameter++, queue);
      }
      query.setInt(parameter, limit);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          due.add(
              new Delivery(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  new String(rows.getBytes(5), StandardCharsets.UTF_8),
                  rows.getInt(6),
                  rows.getLong(7)));
        }
      }
    }
    connection.commit();
    return due;
  }

  /**
   * When the next delivery of a queue that is not {@code busy} is due (the rows behind a head are
   * not due before it), or {@code Long.MAX_VALUE} when none is owed.
   */
  synchronized long nextDueMillis(Collection<String> busy) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT MIN(d.next_ms)" + HEADS + " WHERE 1 = 1" + notBusy(busy))) {
      int parameter = 1;
      for (String queue : busy) {
        query.setString(parameter++, queue);
      }
      try (ResultSet row = query.executeQuery()) {
        long next = row.next() ? row.getLong(1) : 0;
        boolean none = row.wasNull();
        connection.commit();
        return none ? Long.MAX_VALUE : next;
      }
    }
  }

  private static String notBusy(Collection<String> busy) {
    return busy.isEmpty()
        ? ""
        : " AND (d.target || char(10) || d.conference) NOT IN ("
            + String.join(",", Collections.nCopies(busy.size(), "?"))
            + ")";
  }

  /** Drops what is owed to URLs no longer configured; how many deliveries that was. */
  synchronized int keepOnly(List<String> targets) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM delivery WHERE target NOT IN ("
                + String.join(",", Collections.nCopies(targets.size(), "?"))
                + ")")) {
      for (int i = 0; i < targets.size(); i++) {
        delete.setString(i + 1, targets.get(i));
      }
      int deleted = delete.executeUpdate();
      connection.commit();
      return deleted;
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  /** Deliveries done (or given up), and those to try again at their new time, in one commit. */
  synchronized void settle(List<Long> done, List<Delivery> retried, List<Long> retryAtMillis)
      throws SQLException {
    try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM delivery WHERE seq = ?");
        PreparedStatement retry =
            connection.prepareStatement(
                "UPDATE delivery SET attempts = attempts + 1, next_ms = ? WHERE seq = ?")) {
      for (long seq : done) {
        delete.setLong(1, seq);
        delete.executeUpdate();
      }
      for (int i = 0; i < retried.size(); i++) {
        retry.setLong(1, retryAtMillis.get(i));
        retry.setLong(2, retried.get(i).seq());
        retry.executeUpdate();
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  /** Deliveries owed, for metrics and tests. */
  synchronized long size() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM delivery")) {
      long size = row.next() ? row.getLong(1) : 0;
      connection.commit();
      return size;
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }
}
