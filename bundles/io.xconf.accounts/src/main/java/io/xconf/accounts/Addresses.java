package io.xconf.accounts;

import java.util.Locale;

/** Compares the URIs that reach users as addresses rather than as strings. */
public final class Addresses {

  private Addresses() {}

  /**
   * The address of a SIP, SIPS or tel URI: {@code sip:Alice@Example.COM;transport=tcp} and {@code
   * SIP:Alice@example.com} are both {@code sip:Alice@example.com} (the user part stays
   * case-sensitive, RFC 3261 section 19.1.4); {@code sips:} counts as {@code sip:}; a tel number
   * loses its visual separators. Null for anything else.
   */
  public static String normalize(String uri) {
    if (uri == null) {
      return null;
    }
    String trimmed = uri.trim();
    if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
      trimmed = trimmed.substring(1, trimmed.length() - 1);
    }
    int colon = trimmed.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String scheme = trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = trimmed.substring(colon + 1);
    int end = firstOf(rest, ';', '?');
    rest = end < 0 ? rest : rest.substring(0, end);
    switch (scheme) {
      case "sip", "sips" -> {
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? "" : rest.substring(0, at + 1);
        String host = (at < 0 ? rest : rest.substring(at + 1)).toLowerCase(Locale.ROOT);
        if (host.endsWith(":5060") || host.endsWith(":5061")) {
          host = host.substring(0, host.length() - 5);
        }
        return host.isEmpty() ? null : "sip:" + user + host;
      }
      case "tel" -> {
        String number = rest.replaceAll("[\\s.()-]", "");
        return number.isEmpty() ? null : "tel:" + number;
      }
      default -> {
        return null;
      }
    }
  }

  private static int firstOf(String text, char a, char b) {
    int i = text.indexOf(a);
    int j = text.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
