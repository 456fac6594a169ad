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
   * Parses {@code address[:port]} entries, comma separated (IPv6 in brackets). Only IP literals:
   * trust must not hang on a name server's answer.
   */
  static TrustedProxies parse(String configured) {
    List<Source> sources = new ArrayList<>();
    for (String entry : configured.split(",")) {
      String text = entry.strip();
      if (text.isEmpty()) {
        continue;
      }
      String host = text;
      int port = -1;
      int colon = text.lastIndexOf(':');
      boolean bracketed = text.startsWith("[");
      if (bracketed ? text.indexOf("]:") > 0 : colon > 0 && text.indexOf(':') == colon) {
        host = text.substring(0, colon);
        port = port(text.substring(colon + 1), text);
      }
      host = host.replaceAll("^\\[|\\]$", "");
      if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
        throw new IllegalArgumentException(
            "a trusted proxy must be an IP address (with an optional port): " + text);
      }
      try {
        sources.add(new Source(InetAddress.getByName(host), port));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + text, e);
      }
    }
    return new TrustedProxies(sources);
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
