package io.xconf.store.postgresql.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database schema, created and brought up to date by Xconf itself: numbered SQL files applied
 * in order, each once, recorded in {@code xconf_schema}. Nodes that start together take turns (an
 * advisory lock), and everything of one start is one transaction (PostgreSQL's DDL is
 * transactional): a failed migration leaves the schema as it was.
 */
final class Migrations {

  /** The files, in order; a file is never changed once released, a new one is added instead. */
  static final List<String> FILES = List.of("V1__conference_objects.sql", "V2__hosting.sql");

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Any constant the operator's own applications are unlikely to pick: "xconf" in ASCII. */
  private static final long LOCK_KEY = 0x78636f6e66L;

  private Migrations() {}

  /** The schema version now (the last file applied). */
  static int migrate(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS xconf_schema (version integer PRIMARY KEY,"
              + " name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
      int current;
      try (ResultSet rows =
          statement.executeQuery("SELECT coalesce(max(version), 0) FROM xconf_schema")) {
        rows.next();
        current = rows.getInt(1);
      }
      if (current > FILES.size()) {
        throw new SQLException(
            "the database schema is at version "
                + current
                + ", newer than this Xconf knows ("
                + FILES.size()
                + "): run the newer Xconf, or restore a backup");
      }
      for (int version = current + 1; version <= FILES.size(); version++) {
        String file = FILES.get(version - 1);
        statement.execute(read(file));
        try (PreparedStatement record =
            connection.prepareStatement("INSERT INTO xconf_schema (version, name) VALUES (?, ?)")) {
          record.setInt(1, version);
          record.setString(2, file);
          record.executeUpdate();
        }
        LOG.info("Conference store schema: applied {}", file);
      }
      connection.commit();
      return FILES.size();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the bundle");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
