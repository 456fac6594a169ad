package io.xconf.sip.focus.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/**
 * Which targets the focus may call, for dial-out lists and REFERs alike. A conference server that
 * calls whatever it is told is a free phone line: by default it calls SIP and SIPS users of any
 * host, but no {@code tel:} URIs and no telephone numbers at hosts of other domains (a PSTN gateway
 * that trusts this server's address would put those through), unless the operator allows them.
 */
final class DialOutPolicy {

  /** A user part that is a telephone number (RFC 3966 visual separators allowed). */
  private static final Pattern NUMBER = Pattern.compile("\\+?[0-9().\\-]*[0-9][0-9().\\-]*");

  private final List<String> schemes;
  private final boolean numbersAbroad;
  private final List<String> hosts;

  /**
   * @param schemes the URI schemes that may be called (sip, sips, tel)
   * @param numbersAbroad whether telephone numbers at foreign hosts may be called
   * @param hosts the hosts that may be called: {@code *} for any, {@code *.example.com} for a
   *     domain's hosts, or a host
   */
  DialOutPolicy(List<String> schemes, boolean numbersAbroad, List<String> hosts) {
    this.schemes = schemes.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
    this.numbersAbroad = numbersAbroad;
    this.hosts = hosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
  }

  static DialOutPolicy of(String schemes, boolean numbersAbroad, String hosts) {
    return new DialOutPolicy(split(schemes), numbersAbroad, split(hosts));
  }

  private static List<String> split(String list) {
    return java.util.Arrays.stream(list.split(",")).filter(s -> !s.isBlank()).toList();
  }

  /**
   * Why the focus may not call {@code target}; empty when it may.
   *
   * @param local whether a SIP URI names this server's own domain
   */
  Optional<String> refusal(URI target, Predicate<SipURI> local) {
    String scheme = target.getScheme().toLowerCase(Locale.ROOT);
    if (!schemes.contains(scheme)) {
      return Optional.of(scheme + ": targets are not called");
    }
    if (!(target instanceof SipURI uri)) {
      return Optional.empty(); // tel:, allowed by the operator: placed as sip:<number>@<domain>
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!hostAllowed(host)) {
      return Optional.of(host + " is not among the hosts called");
    }
    boolean number =
        "phone".equalsIgnoreCase(uri.getUserParam())
            || (uri.getUser() != null && NUMBER.matcher(uri.getUser()).matches());
    if (number && !numbersAbroad && !local.test(uri)) {
      return Optional.of("telephone numbers at other domains are not called");
    }
    return Optional.empty();
  }

  private boolean hostAllowed(String host) {
    for (String allowed : hosts) {
      if (allowed.equals("*")
          || allowed.equals(host)
          || (allowed.startsWith("*.") && host.endsWith(allowed.substring(1)))) {
        return true;
      }
    }
    return false;
  }
}
