package io.xconf.webhooks.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The URLs events go to, checked once when the configuration is read. */
final class WebhookTargets {

  private WebhookTargets() {}

  /**
   * @param urls comma separated
   * @param allowPlain whether http:// may name another machine
   * @throws IllegalArgumentException naming the URL that cannot be used and why
   */
  static List<String> parse(String urls, boolean allowPlain) {
    List<String> targets = new ArrayList<>();
    for (String text : urls.split(",")) {
      String url = text.strip();
      if (url.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("webhook URL " + url + " is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((!scheme.equals("https") && !scheme.equals("http")) || uri.getHost() == null) {
        throw new IllegalArgumentException("webhook URL " + url + " is not an http(s):// URL");
      }
      if (uri.getUserInfo() != null) {
        throw new IllegalArgumentException(
            "webhook URL " + url + " carries credentials; the signature proves the sender");
      }
      if (scheme.equals("http") && !allowPlain && !isThisMachine(uri.getHost())) {
        // Events name participants and their addresses: not in clear across a network.
        throw new IllegalArgumentException(
            "webhook URL "
                + url
                + " is plain HTTP to another machine; use https:// (or allow plain HTTP)");
      }
      if (!targets.contains(url)) {
        targets.add(url);
      }
    }
    return List.copyOf(targets);
  }

  /**
   * A URL as logs may show it: scheme, host and port. Receivers often put a token in the path or
   * the query.
   */
  static String redacted(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "(a webhook URL)";
    }
  }

  private static boolean isThisMachine(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(bare)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
