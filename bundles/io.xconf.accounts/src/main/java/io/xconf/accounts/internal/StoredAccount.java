package io.xconf.accounts.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.DigestAlgorithm;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An account as the account file keeps it: the public {@link Account} plus its credentials.
 *
 * @param passwordHash PBKDF2 hash, see {@link PasswordHasher}
 * @param realm the Digest realm the HA1 values were computed for
 * @param ha1 Digest HA1 per algorithm, for {@code realm}
 */
record StoredAccount(
    Account account, String passwordHash, String realm, Map<DigestAlgorithm, String> ha1) {

  /** Login names: safe in a SIP/XCON user part, a file key and a shell argument. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  StoredAccount {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(passwordHash, "passwordHash");
    Objects.requireNonNull(realm, "realm");
    ha1 = Map.copyOf(ha1);
  }

  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Creates an account with fresh credentials; the realm of Digest is the server's domain. */
  static StoredAccount create(
      PasswordHasher hasher,
      String name,
      String password,
      String domain,
      boolean admin,
      List<String> uris) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "user name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      ha1.put(algorithm, PasswordHasher.digestHa1(algorithm, name, domain, password));
    }
    Account account = new Account(name, "xcon-userid:" + name + "@" + domain, admin, uris);
    return new StoredAccount(account, hasher.hash(password), domain, ha1);
  }
}
