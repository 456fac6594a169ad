package io.xconf.accounts.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.DigestAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * The accounts file in the state folder, shared by the running server and the offline {@code xconf
 * user} command. Writers take an exclusive lock and replace the file atomically after an fsync, so
 * a reader (or a restart after {@code kill -9}) sees either the old or the new file, never a torn
 * one.
 */
final class AccountFile {

  static final String FILE_NAME = "accounts.properties";
  private static final String LOCK_NAME = "accounts.lock";
  private static final String FORMAT_KEY = "format";
  private static final String FORMAT = "1";

  /**
   * Java file locks belong to the whole JVM (a second lock from the same JVM throws instead of
   * waiting), so writers in one process first queue here, per lock file.
   */
  private static final ConcurrentMap<Path, Object> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path lockFile;

  AccountFile(Path stateDirectory) {
    this.file = stateDirectory.resolve(FILE_NAME);
    this.lockFile = stateDirectory.resolve(LOCK_NAME);
  }

  Path path() {
    return file;
  }

  /** Reads every account, keyed and ordered by name; no file means no accounts. */
  Map<String, StoredAccount> read() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      return Collections.emptySortedMap();
    }
    return decode(properties);
  }

  /**
   * Applies {@code change} to the current accounts and stores the result, all under the file lock,
   * so concurrent writers (the server and the command) never lose each other's changes.
   */
  Map<String, StoredAccount> update(UnaryOperator<Map<String, StoredAccount>> change)
      throws IOException {
    Files.createDirectories(file.getParent());
    Object inProcess =
        IN_PROCESS_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Object());
    synchronized (inProcess) {
      try (FileChannel lockChannel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockChannel.lock()) {
        Map<String, StoredAccount> updated = change.apply(new TreeMap<>(read()));
        write(encode(updated));
        return updated;
      }
    }
  }

  private void write(Properties properties) throws IOException {
    Path temp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(temp);
    createOwnerOnly(temp);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(channel);
      properties.store(out, "Xconf accounts: edit with 'bin/xconf user', not by hand");
      out.flush();
      channel.force(true);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the state folder must support atomic renames: " + file.getParent(), e);
    }
    syncDirectory(file.getParent());
  }

  private static void createOwnerOnly(Path path) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(path);
    }
  }

  /** Makes the rename itself durable; not every platform lets a directory be opened for it. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows and some file systems refuse; the rename is still atomic there.
    }
  }

  private static Properties encode(Map<String, StoredAccount> accounts) {
    Properties properties = new Properties();
    properties.setProperty(FORMAT_KEY, FORMAT);
    for (StoredAccount stored : accounts.values()) {
      Account account = stored.account();
      String prefix = account.name() + "/";
      properties.setProperty(prefix + "userid", account.userId());
      properties.setProperty(prefix + "admin", Boolean.toString(account.administrator()));
      properties.setProperty(prefix + "password", stored.passwordHash());
      properties.setProperty(prefix + "realm", stored.realm());
      stored
          .ha1()
          .forEach(
              (algorithm, ha1) -> properties.setProperty(prefix + "ha1." + algorithm.token(), ha1));
      for (int i = 0; i < account.uris().size(); i++) {
        properties.setProperty(prefix + "uri." + i, account.uris().get(i));
      }
    }
    return properties;
  }

  private Map<String, StoredAccount> decode(Properties properties) throws IOException {
    String format = properties.getProperty(FORMAT_KEY);
    if (!FORMAT.equals(format)) {
      throw new IOException(file + ": unknown accounts format '" + format + "'");
    }
    Set<String> names = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      int slash = key.indexOf('/');
      if (slash > 0) {
        names.add(key.substring(0, slash));
      }
    }
    Map<String, StoredAccount> accounts = new TreeMap<>();
    for (String name : names) {
      accounts.put(name, decodeAccount(properties, name));
    }
    return Collections.unmodifiableMap(accounts);
  }

  private StoredAccount decodeAccount(Properties properties, String name) throws IOException {
    String prefix = name + "/";
    Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      String value = properties.getProperty(prefix + "ha1." + algorithm.token());
      if (value != null) {
        ha1.put(algorithm, value);
      }
    }
    List<String> uris = new ArrayList<>();
    for (int i = 0; properties.getProperty(prefix + "uri." + i) != null; i++) {
      uris.add(properties.getProperty(prefix + "uri." + i));
    }
    String userId = required(properties, prefix + "userid");
    boolean admin = Boolean.parseBoolean(properties.getProperty(prefix + "admin"));
    return new StoredAccount(
        new Account(name, userId, admin, uris),
        required(properties, prefix + "password"),
        required(properties, prefix + "realm"),
        ha1);
  }

  private String required(Properties properties, String key) throws IOException {
    String value = properties.getProperty(key);
    if (value == null) {
      throw new IOException(file + ": damaged, '" + key + "' is missing");
    }
    return value;
  }
}
