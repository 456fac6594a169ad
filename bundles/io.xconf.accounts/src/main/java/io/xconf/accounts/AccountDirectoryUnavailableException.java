package io.xconf.accounts;

/**
 * The directory cannot answer now (an LDAP server it cannot reach, say). Not a wrong password and
 * not an unknown name: callers answer that the service is unavailable for the moment and count no
 * failed login.
 */
public final class AccountDirectoryUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What to tell a client, which needs no more: the log says which directory and why. */
  public static final String CLIENT_MESSAGE =
      "the account directory cannot be reached; try again later";

  public AccountDirectoryUnavailableException(String message) {
    super(message);
  }

  public AccountDirectoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
