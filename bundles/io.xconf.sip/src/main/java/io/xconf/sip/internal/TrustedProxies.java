package io.xconf.sip.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import javax.sip.address.Address;
import javax.sip.header.Header;
import javax.sip.header.HeaderAddress;
import javax.sip.message.Request;

/**
 * The proxies whose asserted identities (RFC 3325 {@code P-Asserted-Identity}) the server believes:
 * a trust domain of named addresses. A request counts as coming from one only by the address its
 * packet came from, never by what its headers say; from anyone else the identity headers are
 * removed on arrival, so that nothing the server does or passes on ever rests on them.
 */
final class TrustedProxies {

  static final String ASSERTED = "P-Asserted-Identity";
  static final String PREFERRED = "P-Preferred-Identity";

  /** A trusted source: an address, and a port unless any port of it is trusted (-1). */
  private record Source(InetAddress address, int port) {
    boolean matches(InetSocketAddress peer) {
      return peer.getAddress() != null
          && peer.getAddress().equals(address)
          && (port < 0 || port == peer.getPort());
    }
  }

  static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Source> sources;

  private TrustedProxies(List<Source> sources) {
    this.sources = List.copyOf(sources);
  }

  /**
   * Parses {@code address[:port]} entries, comma separated: IPv4 as four decimal octets, IPv6 in
   * brackets. Only literal unicast addresses: trust must not hang on a name server's answer, and an
   * entry that means something else than it seems to (an IPv6 address whose last group could be a
   * port, {@code 127.1}, a wildcard) is refused rather than guessed at.
   */
  static TrustedProxies parse(String configured) {
    List<Source> sources = new ArrayList<>();
    for (String entry : configured.split(",")) {
      String text = entry.strip();
      if (!text.isEmpty()) {
        sources.add(source(text));
      }
    }
    return new TrustedProxies(sources);
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(
          "(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?::(\\d+))?");
  private static final java.util.regex.Pattern IPV6 =
      java.util.regex.Pattern.compile("\\[([0-9A-Fa-f:.]+)\\](?::(\\d+))?");

  private static Source source(String text) {
    java.util.regex.Matcher v4 = IPV4.matcher(text);
    java.util.regex.Matcher v6 = IPV6.matcher(text);
    String host;
    String port;
    if (v4.matches()) {
      for (int group = 1; group <= 4; group++) {
        if (Integer.parseInt(v4.group(group)) > 255) {
          throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
      }
      host = text.substring(0, v4.end(4));
      port = v4.group(5);
    } else if (v6.matches() && v6.group(1).contains(":")) {
      host = v6.group(1);
      port = v6.group(2);
    } else {
      throw new IllegalArgumentException(
          "a trusted proxy is an IPv4 address or a bracketed IPv6 one, with an optional port: "
              + text);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host); // a literal by now: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      throw new IllegalArgumentException("not the address of one host: " + text);
    }
    return new Source(address, port == null ? -1 : port(port, text));
  }

  private static int port(String text, String entry) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("not a port in trusted proxy " + entry);
  }

  boolean trusts(InetSocketAddress peer) {
    if (peer == null || peer.getPort() == 0) {
      return false; // the stack could not tell where the packet came from
    }
    for (Source source : sources) {
      if (source.matches(peer)) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return sources.isEmpty();
  }

  /** Removes the identity headers a request from an untrusted source carries. */
  static void strip(Request request) {
    request.removeHeader(ASSERTED);
    request.removeHeader(PREFERRED);
  }

  /** The URIs a request's P-Asserted-Identity headers name (at most one SIP and one tel). */
  static List<String> asserted(Request request) {
    List<String> uris = new ArrayList<>();
    ListIterator<?> headers = request.getHeaders(ASSERTED);
    while (headers != null && headers.hasNext()) {
      Object header = headers.next();
      if (header instanceof HeaderAddress named && named.getAddress() != null) {
        Address address = named.getAddress();
        uris.add(address.getURI().toString());
      } else if (header instanceof Header other) {
        String value = other.toString();
        int colon = value.indexOf(':');
        String text = value.substring(colon + 1).strip();
        int open = text.indexOf('<');
        int close = text.indexOf('>');
        if (open >= 0 && close > open) {
          text = text.substring(open + 1, close);
        }
        uris.add(text.strip());
      }
    }
    return uris.stream()
        .filter(uri -> uri.toLowerCase(Locale.ROOT).matches("(sips?|tel):.+"))
        .limit(2)
        .toList();
  }
}
