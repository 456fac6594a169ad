package io.xconf.ccmp;

import io.xconf.accounts.Account;
import java.util.Optional;

/**
 * Who sent a request, as far as the transport knows.
 *
 * @param transportAccount the account the transport authenticated (HTTP Digest or Basic), or null:
 *     the processor then looks at the request's {@code subject}
 * @param secure whether the request came over TLS
 * @param clearPasswordsAccepted whether a password in the request's {@code subject} counts although
 *     the request did not come over TLS (an operator's choice, as for HTTP Basic)
 */
public record CcmpCaller(Account transportAccount, boolean secure, boolean clearPasswordsAccepted) {

  /** A caller whose {@code subject} counts only over TLS. */
  public CcmpCaller(Account transportAccount, boolean secure) {
    this(transportAccount, secure, false);
  }

  /** A caller the transport did not authenticate. */
  public static CcmpCaller anonymous(boolean secure) {
    return new CcmpCaller(null, secure);
  }

  /** Whether a password the request carries (its {@code subject}) may be checked at all. */
  public boolean acceptsPasswords() {
    return secure || clearPasswordsAccepted;
  }

  public Optional<Account> account() {
    return Optional.ofNullable(transportAccount);
  }
}
