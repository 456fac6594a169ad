package io.xconf.ccmp;

import io.xconf.accounts.Account;
import java.util.Optional;

/**
 * Who sent a request, as far as the transport knows.
 *
 * @param transportAccount the account the transport authenticated (HTTP Digest or Basic), or null:
 *     the processor then looks at the request's {@code subject}
 * @param secure whether the request came over TLS
 */
public record CcmpCaller(Account transportAccount, boolean secure) {

  /** A caller the transport did not authenticate. */
  public static CcmpCaller anonymous(boolean secure) {
    return new CcmpCaller(null, secure);
  }

  public Optional<Account> account() {
    return Optional.ofNullable(transportAccount);
  }
}
