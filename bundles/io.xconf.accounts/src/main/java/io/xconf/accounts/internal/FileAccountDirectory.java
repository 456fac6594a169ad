package io.xconf.accounts.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.Addresses;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.server.ServerIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account directory kept in {@code accounts.properties} in the state folder, the default. The
 * offline {@code xconf user} command may change the file while the server runs: a lookup checks the
 * file's identity (a stat, no read; at most every 100 ms) and reloads it when it was replaced.
 */
public final class FileAccountDirectory implements AccountDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(FileAccountDirectory.class);

  private static final long VERIFIED_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
  private static final int MAX_VERIFIED = 10_000;

  /** A hash no password matches, made once, at the cost of a real one. */
  private static final class UnknownName {
    static final String HASH =
        new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS)
            .hash(java.util.UUID.randomUUID().toString());
  }

  /** Failed password checks per account name (Basic, the CCMP subject). */
  private final io.xconf.accounts.LoginThrottle throttle;

  /** Accounts whose Digest realm is not the server's, told once each. */
  private final java.util.Set<String> realmWarned =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A password check that succeeded, valid until {@code until} for this stored hash only. */
  private record Verified(String passwordHash, long until) {}

  private final java.util.Map<String, Verified> recentlyVerified =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.concurrent.ConcurrentHashMap<
          String, java.util.concurrent.CompletableFuture<Boolean>>
      checking = new java.util.concurrent.ConcurrentHashMap<>();
  private final AccountFile file;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  /** How long a look at the file (a stat) stands: a change shows within this. */
  private static final long DEFAULT_LOOK_NANOS =
      java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

  private final long lookNanos;
  private volatile long lastLookNanos;

  /** What was read, and the identity of the file it was read from. */
  private record Snapshot(Object fileVersion, AccountIndex<StoredAccount> index) {
    static final Snapshot EMPTY = new Snapshot(null, AccountIndex.empty());

    static Snapshot of(Object fileVersion, Map<String, StoredAccount> accounts) {
      return new Snapshot(fileVersion, AccountIndex.of(accounts.values(), StoredAccount::account));
    }

    Map<String, StoredAccount> byName() {
      return index.byName();
    }

    Map<String, StoredAccount> byUserId() {
      return index.byUserId();
    }

    Map<String, StoredAccount> byAddress() {
      return index.byAddress();
    }
  }

  public FileAccountDirectory(ServerIdentity identity) {
    this(identity, DEFAULT_LOOK_NANOS);
  }

  /** For tests: a directory that looks at its file as often as {@code lookNanos} allows. */
  FileAccountDirectory(ServerIdentity identity, long lookNanos) {
    this(identity, lookNanos, System::currentTimeMillis);
  }

  /** For tests: also the clock of the login throttle. */
  FileAccountDirectory(
      ServerIdentity identity, long lookNanos, java.util.function.LongSupplier clockMillis) {
    this.throttle = io.xconf.accounts.LoginThrottle.standard(clockMillis);
    this.file = new AccountFile(identity.stateDirectory());
    this.lookNanos = lookNanos;
    this.lastLookNanos = System.nanoTime() - lookNanos;
    LOG.info("Accounts are read from {}: {} known", file.path(), all().size());
  }

  @Override
  public Optional<Account> byName(String name) {
    return Optional.ofNullable(current().byName().get(name)).map(StoredAccount::account);
  }

  @Override
  public Optional<Account> byUserId(String userId) {
    return Optional.ofNullable(current().byUserId().get(userId)).map(StoredAccount::account);
  }

  @Override
  public Optional<Account> byUri(String uri) {
    String address = Addresses.normalize(uri);
    return address == null
        ? Optional.empty()
        : Optional.ofNullable(current().byAddress().get(address)).map(StoredAccount::account);
  }

  @Override
  public List<Account> all() {
    return current().byName().values().stream().map(StoredAccount::account).toList();
  }

  @Override
  public Optional<Account> authenticate(String name, String password) {
    if (name == null || password == null || throttle.waitMillis(name) > 0) {
      return Optional.empty();
    }
    StoredAccount stored = current().byName().get(name);
    if (stored == null) {
      // As slow as a wrong password, so that the time taken does not tell which names exist.
      PasswordHasher.matches(password, UnknownName.HASH);
      throttle.failed(name);
      return Optional.empty();
    }
    // The slow hash would dominate every request: a match is remembered briefly, under a digest
    // of the credentials (never the password), and only for the stored hash it was checked with.
    String key = PasswordHasher.credentialKey(name, password);
    long now = System.nanoTime();
    Verified verified = recentlyVerified.get(key);
    if (verified != null
        && verified.passwordHash() == stored.passwordHash()
        && now < verified.until()) {
      if (verified.until() - now < VERIFIED_NANOS / 2) {
        // Kept while in use (a changed password ends it at once): no client that keeps sending
        // the same credentials pays the slow hash again every minute.
        recentlyVerified.put(key, new Verified(stored.passwordHash(), now + VERIFIED_NANOS));
      }
      return Optional.of(stored.account());
    }
    if (!matchesOnce(name, key, password, stored.passwordHash())) {
      return Optional.empty();
    }
    throttle.succeeded(name);
    if (recentlyVerified.size() >= MAX_VERIFIED) {
      recentlyVerified.clear();
    }
    recentlyVerified.put(key, new Verified(stored.passwordHash(), now + VERIFIED_NANOS));
    return Optional.of(stored.account());
  }

  /**
   * The slow check of one set of credentials, made by one thread while the others that bring the
   * same credentials wait for its answer: many connections of one client starting at once must not
   * each hash the password. A failure counts once against the name.
   */
  private boolean matchesOnce(String name, String key, String password, String passwordHash) {
    java.util.concurrent.CompletableFuture<Boolean> mine =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Boolean> running = checking.putIfAbsent(key, mine);
    if (running != null) {
      return running.join();
    }
    try {
      boolean matches = PasswordHasher.matches(password, passwordHash);
      if (!matches) {
        throttle.failed(name);
      }
      mine.complete(matches);
      return matches;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      checking.remove(key, mine);
    }
  }

  @Override
  public io.xconf.accounts.LoginThrottle loginThrottle() {
    return throttle;
  }

  @Override
  public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
    StoredAccount stored = current().byName().get(name);
    if (stored == null) {
      return Optional.empty();
    }
    if (!stored.realm().equals(realm)) {
      if (realmWarned.add(name)) {
        LOG.warn(
            "Account {} was made for the Digest realm '{}', but this server's is '{}': its Digest"
                + " logins fail. Add it again (bin/xconf user remove, then add) under this domain.",
            name,
            stored.realm(),
            realm);
      }
      return Optional.empty();
    }
    return Optional.ofNullable(stored.ha1().get(algorithm));
  }

  private Snapshot current() {
    long now = System.nanoTime();
    Snapshot known = snapshot;
    if (now - lastLookNanos < lookNanos && known != Snapshot.EMPTY) {
      // A request looks accounts up several times: the file is looked at once in a while.
      return known;
    }
    lastLookNanos = now;
    Object version = fileVersion();
    if (Objects.equals(version, known.fileVersion())) {
      return known;
    }
    synchronized (this) {
      known = snapshot;
      if (Objects.equals(version, known.fileVersion())) {
        return known;
      }
      try {
        snapshot = version == null ? Snapshot.EMPTY : Snapshot.of(version, file.read());
        LOG.debug("Reloaded {}", file.path());
      } catch (IOException e) {
        // Keep serving the last good accounts; a broken file must not lock everybody out.
        LOG.error(
            "Cannot read {}, keeping the accounts read before: {}", file.path(), e.getMessage());
        snapshot = new Snapshot(version, known.index());
      }
      return snapshot;
    }
  }

  /**
   * Changes whenever the file is replaced (rename gives a new inode) or touched; null if absent.
   */
  private Object fileVersion() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file.path(), BasicFileAttributes.class);
      return List.of(
          String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(), attributes.size());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.warn("Cannot stat {}: {}", file.path(), e.getMessage());
      return snapshot.fileVersion();
    }
  }
}
