package io.xconf.accounts.internal;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.accounts.Addresses;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.LoginThrottle;
import io.xconf.accounts.internal.LdapEntries.LdapAccount;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts from an LDAP directory: the {@code inetOrgPerson} entries under a base (see {@link
 * LdapEntries} for how an entry becomes an account). Lookups by name, XCON-USERID and address
 * answer from a copy of the directory read when the server starts and again every refresh period,
 * so that every SIP request and CCMP operation does not wait for the directory and an outage does
 * not stop conferences; a password is checked live, by binding as the entry found for the name at
 * that moment, and a successful check then stands for a minute while the copy still has that entry
 * (so a removed entry counts from the next read, a changed password after that minute at most). The
 * directory keeps no Digest HA1: Digest is not a way in for these accounts (Basic over TLS, the
 * CCMP subject, and identities a trusted proxy asserts are). While the directory cannot be reached,
 * password checks throw {@link AccountDirectoryUnavailableException} (never "wrong password") and
 * fail fast for a few seconds between attempts, and one line in the log says so.
 */
final class LdapAccountDirectory implements AccountDirectory, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LdapAccountDirectory.class);

  private static final long VERIFIED_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int MAX_VERIFIED = 10_000;

  /** While the directory is down, how long requests fail at once and the reader waits to retry. */
  private static final long RETRY_MILLIS = 5_000;

  private static final int PAGE_SIZE = 500;

  /** A password check that succeeded: the entry bound as, until when it stands. */
  private record Verified(DN dn, long until) {}

  private final LdapSettings settings;
  private final String domain;
  private final LDAPConnectionPool searches;
  private final LDAPConnectionPool binds;
  private final LoginThrottle throttle;
  private final ScheduledExecutorService reader;
  private final Map<String, Verified> recentlyVerified = new ConcurrentHashMap<>();

  /** The parent of the entries unknown names are bound as: one no directory has. */
  private final String decoy = "xconf-no-such-entry-" + java.util.UUID.randomUUID();

  /** The copy lookups answer from; null until the directory was read once. */
  private volatile AccountIndex<LdapAccount> index;

  private volatile Set<DN> administrators = Set.of();

  /** The result codes of binds that were neither yes nor no, told in the log once each. */
  private final Set<Integer> refusalsTold = ConcurrentHashMap.newKeySet();

  /** Until when (System.nanoTime) the directory counts as down; requests then fail at once. */
  private volatile long downUntilNanos;

  private volatile boolean down;

  LdapAccountDirectory(LdapSettings settings, String domain) {
    this.settings = settings;
    this.domain = domain;
    this.throttle = LoginThrottle.standard(System::currentTimeMillis);
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis((int) settings.timeout().toMillis());
    options.setResponseTimeoutMillis(settings.timeout().toMillis());
    // A simple bind with a DN and no password is an anonymous bind (RFC 4513 section 5.1.2):
    // refused.
    options.setBindWithDNRequiresPassword(true);
    if (settings.secure()) {
      options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
    }
    SocketFactory sockets = socketFactory(settings);
    SingleServerSet server =
        new SingleServerSet(settings.url().getHost(), settings.url().getPort(), sockets, options);
    BindRequest searcher =
        settings.bindDn() == null
            ? null
            : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
    try {
      // No connection up front: an unreachable directory must not hold up the server's start.
      this.searches = new LDAPConnectionPool(server, searcher, 0, settings.poolSize(), null, false);
      this.binds = new LDAPConnectionPool(server, null, 0, settings.poolSize(), null, false);
    } catch (LDAPException e) {
      throw new IllegalStateException("LDAP connection pools: " + e.getMessage(), e);
    }
    for (LDAPConnectionPool pool : List.of(searches, binds)) {
      pool.setMaxWaitTimeMillis(settings.timeout().toMillis());
      pool.setRetryFailedOperationsDueToInvalidConnections(true);
      pool.setMaxConnectionAgeMillis(TimeUnit.MINUTES.toMillis(30));
    }
    this.reader =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-ldap-accounts");
              thread.setDaemon(true);
              return thread;
            });
    reader.execute(this::readAndReschedule);
    LOG.info("Accounts come from the LDAP directory {}; Digest is not a way in for them", settings);
  }

  private static SocketFactory socketFactory(LdapSettings settings) {
    if (!settings.secure()) {
      return SocketFactory.getDefault();
    }
    try {
      return (settings.trustStore() == null
              ? new SSLUtil(JVMDefaultTrustManager.getInstance())
              : new SSLUtil(
                  new TrustStoreTrustManager(
                      settings.trustStore().toFile(),
                      settings.trustStorePassword().toCharArray(),
                      "PKCS12",
                      true)))
          .createSSLSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("LDAP trust store: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    reader.shutdownNow();
    searches.close();
    binds.close();
  }

  @Override
  public Optional<Account> byName(String name) {
    return Optional.ofNullable(current().byName().get(name)).map(LdapAccount::account);
  }

  @Override
  public Optional<Account> byUserId(String userId) {
    return Optional.ofNullable(current().byUserId().get(userId)).map(LdapAccount::account);
  }

  @Override
  public Optional<Account> byUri(String uri) {
    String address = Addresses.normalize(uri);
    return address == null
        ? Optional.empty()
        : Optional.ofNullable(current().byAddress().get(address)).map(LdapAccount::account);
  }

  @Override
  public List<Account> all() {
    return current().byName().values().stream().map(LdapAccount::account).toList();
  }

  @Override
  public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
    return Optional.empty();
  }

  @Override
  public LoginThrottle loginThrottle() {
    return throttle;
  }

  @Override
  public Optional<Account> authenticate(String name, String password) {
    if (name == null || password == null || throttle.waitMillis(name) > 0) {
      return Optional.empty();
    }
    if (password.isEmpty() || !StoredAccount.isValidName(name)) {
      throttle.failed(name);
      return Optional.empty();
    }
    String key = PasswordHasher.credentialKey(name, password);
    long now = System.nanoTime();
    Verified verified = recentlyVerified.get(key);
    AccountIndex<LdapAccount> seen = index;
    LdapAccount known = seen == null ? null : seen.byName().get(name);
    if (verified != null
        && now < verified.until()
        && known != null
        && known.dn().equals(verified.dn())) {
      // Still the entry that was bound as, as of the last read (which drops removed entries).
      return Optional.of(known.account());
    }
    failFastWhileDown();
    Optional<LdapAccount> found = entryNamed(name);
    if (found.isEmpty()) {
      // As long as a wrong password for a known name: one bind all the same, as an entry that
      // cannot exist (uid=<name>,<base> could be a real entry: LDAP names ignore case), so that no
      // one's lockout at the directory counts it.
      bind(new DN(new RDN("uid", name), new DN(new RDN("cn", decoy), settings.base())), password);
      throttle.failed(name);
      return Optional.empty();
    }
    if (!bind(found.get().dn(), password)) {
      throttle.failed(name);
      return Optional.empty();
    }
    throttle.succeeded(name);
    Account account = found.get().account();
    if (seen != null && !found.get().equals(known)) {
      // New or changed since the last read: lookups see it now rather than at the next read,
      // unless a read came in between (it knows better). Before the first read there is no copy
      // to add to: lookups still say the directory has not been read.
      synchronized (this) {
        if (index == seen) {
          index = seen.with(found.get(), LdapAccount::account);
        }
      }
    }
    if (recentlyVerified.size() >= MAX_VERIFIED) {
      recentlyVerified.clear();
    }
    recentlyVerified.put(key, new Verified(found.get().dn(), now + VERIFIED_NANOS));
    return Optional.of(account);
  }

  /** The one entry whose uid is {@code name}, read now; empty when none, or several, match. */
  private Optional<LdapAccount> entryNamed(String name) {
    SearchRequest request =
        new SearchRequest(
            settings.base().toString(),
            SearchScope.SUB,
            Filter.createANDFilter(
                Filter.createEqualityFilter("objectClass", "inetOrgPerson"),
                Filter.createEqualityFilter("uid", name)),
            LdapEntries.ACCOUNT_ATTRIBUTES);
    request.setSizeLimit(2);
    List<SearchResultEntry> entries;
    try {
      entries = searches.search(request).getSearchEntries();
    } catch (LDAPSearchException e) {
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        LOG.warn("Several LDAP entries have uid '{}': none of them can log in", name);
        return Optional.empty();
      }
      throw unreachable(e);
    }
    if (entries.size() != 1) {
      if (entries.size() > 1) {
        LOG.warn("Several LDAP entries have uid '{}': none of them can log in", name);
      }
      return Optional.empty();
    }
    markUp();
    // uid matches case-insensitively in LDAP; account names do not, so that "Alice" is not a
    // second name (and a second throttle) for alice.
    return LdapEntries.accountOf(entries.get(0), domain, administrators)
        .filter(account -> account.account().name().equals(name));
  }

  /** Whether the password is the entry's: a bind as the entry, on a connection kept for binds. */
  private boolean bind(DN dn, String password) {
    LDAPConnection connection;
    try {
      connection = binds.getConnection();
    } catch (LDAPException e) {
      throw unreachable(e);
    }
    try {
      connection.bind(new SimpleBindRequest(dn, password));
      binds.releaseConnection(connection);
      return true;
    } catch (LDAPException e) {
      ResultCode code = e.getResultCode();
      if (unavailable(code)) {
        binds.releaseDefunctConnection(connection);
        throw unreachable(e);
      }
      binds.releaseConnection(connection);
      if (code == ResultCode.INVALID_CREDENTIALS) {
        // A wrong password, an unknown DN, or a locked account (directories answer 49 for all).
        return false;
      }
      // The directory did not check the password (a read-only replica, a refused mechanism...):
      // no failed login, and no outage for everyone else either.
      if (refusalsTold.add(code.intValue())) {
        LOG.warn(
            "The LDAP directory {} answered a bind with {}: such logins are answered as"
                + " unavailable",
            settings.url(),
            code);
      }
      throw new AccountDirectoryUnavailableException(
          "the LDAP directory did not check the password: " + code, e);
    }
  }

  private static boolean unavailable(ResultCode code) {
    return !code.isConnectionUsable()
        || code == ResultCode.BUSY
        || code == ResultCode.UNAVAILABLE
        || code == ResultCode.TIMEOUT
        || code == ResultCode.TIME_LIMIT_EXCEEDED;
  }

  private AccountIndex<LdapAccount> current() {
    AccountIndex<LdapAccount> known = index;
    if (known == null) {
      throw new AccountDirectoryUnavailableException(
          "the LDAP directory " + settings.url() + " has not been read yet");
    }
    return known;
  }

  private void failFastWhileDown() {
    if (down && System.nanoTime() < downUntilNanos) {
      throw new AccountDirectoryUnavailableException(
          "the LDAP directory " + settings.url() + " is unreachable");
    }
  }

  /** Notes an outage (logged once, when it starts) and what to throw for it. */
  private AccountDirectoryUnavailableException unreachable(LDAPException e) {
    downUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    if (!down) {
      down = true;
      LOG.warn(
          "The LDAP directory {} cannot be used: {}. Logins of its accounts are answered as"
              + " unavailable until it can; tried again every {} s.",
          settings.url(),
          e.getMessage(),
          RETRY_MILLIS / 1000);
    }
    return new AccountDirectoryUnavailableException(
        "the LDAP directory " + settings.url() + " cannot be used: " + e.getMessage(), e);
  }

  private void markUp() {
    if (down) {
      down = false;
      LOG.info("The LDAP directory {} can be used again", settings.url());
    }
  }

  private void readAndReschedule() {
    try {
      read();
    } catch (AccountDirectoryUnavailableException e) {
      // Logged when the outage began.
    } catch (RuntimeException e) {
      LOG.error("Reading the accounts of the LDAP directory {} failed", settings.url(), e);
    }
    long delay = down ? RETRY_MILLIS : settings.refresh().toMillis();
    if (!reader.isShutdown()) {
      reader.schedule(this::readAndReschedule, delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Reads every account (and the administrators' group) afresh. */
  private void read() {
    Set<DN> admins = settings.adminGroup() == null ? Set.of() : administratorsNow();
    Map<String, LdapAccount> byName = new HashMap<>();
    Set<String> ambiguous = new java.util.HashSet<>();
    int unusable = 0;
    for (SearchResultEntry entry : allAccountEntries()) {
      Optional<LdapAccount> account = LdapEntries.accountOf(entry, domain, admins);
      if (account.isEmpty()) {
        unusable++;
        continue;
      }
      String name = account.get().account().name();
      if (byName.putIfAbsent(name, account.get()) != null) {
        ambiguous.add(name);
      }
    }
    // Two entries with one uid: which person logs in would be chance. Neither is an account.
    byName.keySet().removeAll(ambiguous);
    if (!ambiguous.isEmpty()) {
      LOG.warn("Several LDAP entries share the uid of {}: none of them is an account", ambiguous);
    }
    if (unusable > 0) {
      LOG.debug("{} LDAP entries have no usable uid (one, of letters, digits, . _ -)", unusable);
    }
    boolean first = index == null;
    synchronized (this) {
      administrators = admins;
      index = AccountIndex.of(byName.values(), LdapAccount::account);
    }
    markUp();
    if (first) {
      LOG.info("Read {} accounts from the LDAP directory {}", byName.size(), settings.url());
    }
  }

  private Set<DN> administratorsNow() {
    try {
      var group = searches.getEntry(settings.adminGroup().toString(), LdapEntries.GROUP_ATTRIBUTES);
      if (group == null) {
        LOG.warn(
            "The administrators' group {} is not in the LDAP directory: nobody is an administrator",
            settings.adminGroup());
        return Set.of();
      }
      return Set.copyOf(LdapEntries.membersOf(group));
    } catch (LDAPException e) {
      throw unreachable(e);
    }
  }

  /** Every inetOrgPerson under the base, a page at a time on one connection (RFC 2696). */
  private List<SearchResultEntry> allAccountEntries() {
    SearchRequest request =
        new SearchRequest(
            settings.base().toString(),
            SearchScope.SUB,
            Filter.createEqualityFilter("objectClass", "inetOrgPerson"),
            LdapEntries.ACCOUNT_ATTRIBUTES);
    List<SearchResultEntry> entries = new ArrayList<>();
    LDAPConnection connection;
    try {
      connection = searches.getConnection();
    } catch (LDAPException e) {
      throw unreachable(e);
    }
    try {
      ASN1OctetString cookie = null;
      do {
        request.setControls(new SimplePagedResultsControl(PAGE_SIZE, cookie, false));
        SearchResult result = connection.search(request);
        entries.addAll(result.getSearchEntries());
        SimplePagedResultsControl paged = SimplePagedResultsControl.get(result);
        cookie = paged == null || !paged.moreResultsToReturn() ? null : paged.getCookie();
      } while (cookie != null);
      searches.releaseConnection(connection);
      return entries;
    } catch (LDAPSearchException e) {
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        searches.releaseConnection(connection);
        entries.addAll(e.getSearchEntries());
        LOG.warn(
            "The LDAP directory gave {} accounts and stopped at its size limit: raise the limit for"
                + " {} (OpenLDAP: limits ... size=unlimited)",
            entries.size(),
            settings.bindDn() == null ? "anonymous searches" : settings.bindDn());
        return entries;
      }
      searches.releaseDefunctConnection(connection);
      throw unreachable(e);
    } catch (LDAPException e) {
      searches.releaseDefunctConnection(connection);
      throw unreachable(e);
    }
  }
}
