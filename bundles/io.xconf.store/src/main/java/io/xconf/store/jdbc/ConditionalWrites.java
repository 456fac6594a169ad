package io.xconf.store.jdbc;

import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/**
 * Applies the writes of one batch over JDBC, each only where what it expects holds, in a table
 * {@code conference_object} whose first nine columns are {@code uri, kind, parent_uri, version,
 * owner, sip_uri, document, created, modified}. The engine gives the SQL (its locking differs) and
 * how times are bound; the caller owns the transaction and undoes a batch that does not hold.
 */
public final class ConditionalWrites implements AutoCloseable {

  /**
   * The engine's statements.
   *
   * @param insert the nine columns, doing nothing when the URI exists
   * @param update the nine columns set, then {@code WHERE uri = ? AND version = ?}
   * @param versionForDelete the version of a URI, locked against writers where the engine can
   * @param hasChildren any row naming a URI as its parent
   * @param delete a row by URI
   * @param require any row of a URI, kept from deletion until commit where the engine can
   */
  public record Sql(
      String insert,
      String update,
      String versionForDelete,
      String hasChildren,
      String delete,
      String require) {}

  /** Binds an object's creation or modification time as the engine stores it. */
  @FunctionalInterface
  public interface TimeBinder {
    void bind(PreparedStatement statement, int index, java.time.Instant time) throws SQLException;
  }

  private final PreparedStatement insert;
  private final PreparedStatement update;
  private final PreparedStatement versionForDelete;
  private final PreparedStatement hasChildren;
  private final PreparedStatement delete;
  private final PreparedStatement require;
  private final TimeBinder times;

  /** Prepares the statements on the connection; close this before the connection. */
  public ConditionalWrites(Connection connection, Sql sql, TimeBinder times) throws SQLException {
    this.times = times;
    this.insert = connection.prepareStatement(sql.insert());
    this.update = connection.prepareStatement(sql.update());
    this.versionForDelete = connection.prepareStatement(sql.versionForDelete());
    this.hasChildren = connection.prepareStatement(sql.hasChildren());
    this.delete = connection.prepareStatement(sql.delete());
    this.require = connection.prepareStatement(sql.require());
  }

  /** Applies the writes in order; the URI of the first whose expectation fails, if one does. */
  public Optional<String> apply(List<StoreWrite> writes) throws SQLException {
    for (StoreWrite write : writes) {
      if (!holds(write)) {
        return Optional.of(write.uri());
      }
    }
    return Optional.empty();
  }

  private boolean holds(StoreWrite write) throws SQLException {
    if (write instanceof StoreWrite.Put put) {
      if (put.expectedVersion() == StoreWrite.ABSENT) {
        bind(insert, put.object());
        return insert.executeUpdate() == 1;
      }
      bind(update, put.object());
      update.setString(10, put.uri());
      update.setLong(11, put.expectedVersion());
      return update.executeUpdate() == 1;
    }
    if (write instanceof StoreWrite.Delete removal) {
      // Looked at (and locked) first: a clone that required the object either committed before,
      // and the next look sees it, or finds the object gone.
      if (first(versionForDelete, removal.uri()) != removal.expectedVersion()
          || first(hasChildren, removal.uri()) != StoreWrite.ABSENT) {
        return false;
      }
      delete.setString(1, removal.uri());
      return delete.executeUpdate() == 1;
    }
    return first(require, write.uri()) != StoreWrite.ABSENT;
  }

  /** The first column of the first row as a number, or {@link StoreWrite#ABSENT} for none. */
  private static long first(PreparedStatement select, String uri) throws SQLException {
    select.setString(1, uri);
    try (ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : StoreWrite.ABSENT;
    }
  }

  private void bind(PreparedStatement statement, StoredObject object) throws SQLException {
    statement.setString(1, object.uri());
    statement.setString(2, object.kind());
    setNullable(statement, 3, object.parentUri());
    statement.setLong(4, object.version());
    setNullable(statement, 5, object.owner());
    setNullable(statement, 6, object.sipUri());
    statement.setBytes(7, object.document());
    times.bind(statement, 8, object.created());
    times.bind(statement, 9, object.modified());
  }

  private static void setNullable(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement statement :
        List.of(insert, update, versionForDelete, hasChildren, delete, require)) {
      statement.close();
    }
  }
}
