package io.xconf.store.postgresql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own: Debian's binaries, a cluster made by {@code initdb} in a
 * temporary folder, listening on 127.0.0.1 at a free port, run as the unprivileged {@code postgres}
 * user when the tests run as root (PostgreSQL refuses root). Passwords are checked (SCRAM); the
 * system's own clusters are never touched. {@link #close()} stops it and removes the folder.
 */
public final class TemporaryPostgres implements AutoCloseable {

  private static final String SUPERUSER = "postgres";

  private final Path bin;
  private final Path folder;
  private final int port;
  private final String superPassword;
  private final boolean asRoot;
  private final Path log;
  private Process server;
  private int databases;

  private TemporaryPostgres(Path bin, Path folder, int port, String superPassword, boolean asRoot) {
    this.bin = bin;
    this.folder = folder;
    this.port = port;
    this.superPassword = superPassword;
    this.asRoot = asRoot;
    this.log = folder.resolve("server.log");
  }

  /** Whether Debian's PostgreSQL server is installed here. */
  public static boolean installed() {
    return binaries() != null;
  }

  private static Path binaries() {
    Path versions = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(versions)) {
      return null;
    }
    try (Stream<Path> list = Files.list(versions)) {
      return list.map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          // "15" after "9.6": the newest major version
          .max(
              Comparator.comparing((Path bin) -> bin.getParent().getFileName().toString().length())
                  .thenComparing(bin -> bin.getParent().getFileName().toString()))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Makes a cluster and starts its server; waits until it accepts connections. */
  public static TemporaryPostgres start() throws IOException, InterruptedException {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException(
          "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)");
    }
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path folder = Files.createTempDirectory("xconf-postgres");
    if (asRoot) {
      UserPrincipal postgres =
          folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
      Files.setOwner(folder, postgres);
    }
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    TemporaryPostgres postgres = new TemporaryPostgres(bin, folder, freePort(), password, asRoot);
    try {
      postgres.initdb();
      postgres.launch();
    } catch (IOException | InterruptedException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    return postgres;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private List<String> command(String program, String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    return command;
  }

  private void initdb() throws IOException, InterruptedException {
    Path passwordFile = folder.resolve("superuser.password");
    Files.writeString(passwordFile, superPassword + "\n", StandardCharsets.UTF_8);
    if (asRoot) {
      Files.setOwner(
          passwordFile,
          folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER));
    }
    run(
        command(
            "initdb",
            "-D",
            folder.resolve("data").toString(),
            "-U",
            SUPERUSER,
            "--auth=scram-sha-256",
            "--pwfile=" + passwordFile,
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-instructions"));
  }

  private void launch() throws IOException, InterruptedException {
    server =
        new ProcessBuilder(
                command(
                    "postgres",
                    "-D",
                    folder.resolve("data").toString(),
                    "-p",
                    String.valueOf(port),
                    "-k",
                    folder.toString(),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "fsync=on",
                    "-c",
                    "synchronous_commit=on"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection ignored = superuser("postgres")) {
        return;
      } catch (SQLException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "PostgreSQL did not start: " + Files.readString(log, StandardCharsets.UTF_8), e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  public int port() {
    return port;
  }

  /** A connection as the cluster's superuser, to set things up or look behind Xconf's back. */
  public Connection superuser(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", SUPERUSER);
    properties.setProperty("password", superPassword);
    return DriverManager.getConnection(url(database), properties);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /**
   * A new, empty database and a role of the same name that owns it and logs in with {@code
   * password}: what an operator makes for Xconf.
   */
  public String createDatabase(String password) throws SQLException {
    String name = "xconf" + (++databases);
    try (Connection connection = superuser("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE ROLE " + name + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      statement.execute("CREATE DATABASE " + name + " OWNER " + name);
    }
    return name;
  }

  /** What the server logged. */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() throws IOException {
    try {
      if (server != null && server.isAlive()) {
        // Fast shutdown: clients are disconnected, nothing waits for them.
        new ProcessBuilder(
                command("pg_ctl", "stop", "-D", folder.resolve("data").toString(), "-m", "fast"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(60, TimeUnit.SECONDS);
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly();
          server.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      server.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> paths = Files.walk(folder)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
