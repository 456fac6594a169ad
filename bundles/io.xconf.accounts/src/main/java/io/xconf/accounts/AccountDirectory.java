package io.xconf.accounts;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The accounts of this server: a file of their own, or an LDAP directory. Passwords are never kept
 * in clear. Any method may throw {@link AccountDirectoryUnavailableException} while the directory
 * cannot answer; that is never a wrong password or an unknown name.
 */
@ProviderType
public interface AccountDirectory {

  /** The account with this login name. */
  Optional<Account> byName(String name);

  /** The account with this XCON-USERID. */
  Optional<Account> byUserId(String userId);

  /**
   * The account one of whose URIs (SIP, SIPS, tel) is this one, compared as addresses: scheme and
   * host case-insensitively, URI parameters and headers ignored. Every account is also reached at
   * {@code sip:<name>@<domain of its XCON-USERID>}.
   */
  Optional<Account> byUri(String uri);

  /** All accounts, ordered by name. */
  List<Account> all();

  /**
   * Checks a clear-text password (HTTP Basic, CCMP {@code subject}). Deliberately slow: callers
   * that authenticate every request cache the outcome briefly.
   *
   * @return the account when the name exists and the password matches
   */
  Optional<Account> authenticate(String name, String password);

  /**
   * The Digest HA1, {@code H(name:realm:password)} in lower-case hex, for the realm the account was
   * created in.
   *
   * @return empty when the account does not exist, was not created for that realm, or its directory
   *     keeps no HA1 (LDAP): Digest is then not a way in for it
   */
  Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm);

  /**
   * The failed logins of each account name, which every way of logging in (Basic, the CCMP subject,
   * HTTP and SIP Digest) counts and heeds, so that a guesser gains nothing by switching; {@link
   * #authenticate} heeds it itself. Null when the directory keeps none (each verifier then keeps
   * its own).
   */
  default LoginThrottle loginThrottle() {
    return null;
  }
}
