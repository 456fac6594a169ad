package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import java.util.List;
import java.util.Optional;

/** Alice, Bob and the administrator root of example.com; each one's password is "pw-" + name. */
final class TestAccounts implements AccountDirectory {

  static final String ALICE = "xcon-userid:alice@example.com";
  static final String BOB = "xcon-userid:bob@example.com";
  static final String ROOT = "xcon-userid:root@example.com";

  private final List<Account> accounts =
      List.of(
          new Account("alice", ALICE, false, List.of()),
          new Account("bob", BOB, false, List.of("sip:bob@pbx.example.com")),
          new Account("root", ROOT, true, List.of()));

  Account account(String userId) {
    return byUserId(userId).orElseThrow();
  }

  @Override
  public Optional<Account> byName(String name) {
    return accounts.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  @Override
  public Optional<Account> byUserId(String userId) {
    return accounts.stream().filter(a -> a.userId().equals(userId)).findFirst();
  }

  @Override
  public Optional<Account> byUri(String uri) {
    return accounts.stream().filter(a -> a.uris().contains(uri)).findFirst();
  }

  @Override
  public List<Account> all() {
    return accounts;
  }

  @Override
  public Optional<Account> authenticate(String name, String password) {
    return byName(name).filter(a -> ("pw-" + name).equals(password));
  }

  @Override
  public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
    return Optional.empty();
  }
}
