package io.xconf.accounts.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.Addresses;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a directory knows, looked up the ways {@link io.xconf.accounts.AccountDirectory} asks: by
 * name (ordered), by XCON-USERID and by address. Immutable.
 *
 * @param <T> what the directory keeps per account (the account and its credentials, say)
 */
record AccountIndex<T>(Map<String, T> byName, Map<String, T> byUserId, Map<String, T> byAddress) {

  static <T> AccountIndex<T> empty() {
    return new AccountIndex<>(Map.of(), Map.of(), Map.of());
  }

  AccountIndex {
    byName = java.util.Collections.unmodifiableMap(new TreeMap<>(byName));
    byUserId = Map.copyOf(byUserId);
    byAddress = Map.copyOf(byAddress);
  }

  static <T> AccountIndex<T> of(Collection<T> entries, Function<T, Account> accountOf) {
    Map<String, T> byName = new HashMap<>();
    Map<String, T> byUserId = new HashMap<>();
    for (T entry : entries) {
      Account account = accountOf.apply(entry);
      byName.put(account.name(), entry);
      byUserId.put(account.userId(), entry);
    }
    Map<String, T> byAddress = new HashMap<>();
    // Every account is reached at sip:<name>@<domain>, its address at Xconf's registrar, first:
    // an address another account lists (a labeledURI its owner could write, say) never takes it.
    for (T entry : byName.values()) {
      Account account = accountOf.apply(entry);
      String userId = account.userId();
      String address =
          Addresses.normalize("sip:" + account.name() + userId.substring(userId.lastIndexOf('@')));
      if (address != null) {
        byAddress.put(address, entry);
      }
    }
    for (T entry : new TreeMap<>(byName).values()) {
      for (String uri : accountOf.apply(entry).uris()) {
        String address = Addresses.normalize(uri);
        if (address != null) {
          // Listed by two accounts: the first by name keeps it, whatever order they were read in.
          byAddress.putIfAbsent(address, entry);
        }
      }
    }
    return new AccountIndex<>(byName, byUserId, byAddress);
  }

  /** This index with one entry added or replaced (its old addresses forgotten). */
  AccountIndex<T> with(T entry, Function<T, Account> accountOf) {
    Map<String, T> entries = new HashMap<>(byName);
    entries.put(accountOf.apply(entry).name(), entry);
    return of(entries.values(), accountOf);
  }
}
