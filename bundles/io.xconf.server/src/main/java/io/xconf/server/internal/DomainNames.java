package io.xconf.server.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Checks the configured domain before anything is built on it. */
final class DomainNames {

  // A DNS name (RFC 1123 labels) or a dotted IPv4 address; both may appear after '@' in a URI.
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private DomainNames() {}

  /** Returns the domain in its canonical (lower case) form, or throws if it is not a host. */
  static String canonical(String domain) {
    String trimmed = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
    if (!HOST_NAME.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          "domain must be a host name such as example.com, got '" + domain + "'");
    }
    return trimmed;
  }
}
