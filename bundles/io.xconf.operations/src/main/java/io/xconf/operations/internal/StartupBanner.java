package io.xconf.operations.internal;

import io.xconf.server.ServerIdentity;
import io.xconf.sip.Sip;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What an operator needs to see once Xconf is up: where CCMP, SIP, health and metrics are, the
 * domain and the data folder. One log line each (the log layout escapes line breaks).
 */
final class StartupBanner {

  private final String version;
  private final ServerIdentity identity;
  private final HttpListeners http;

  StartupBanner(String version, ServerIdentity identity, HttpListeners http) {
    this.version = version;
    this.identity = identity;
    this.http = http;
  }

  List<String> lines(Sip sip, String storeEngine) {
    List<String> urls = http.baseUrls();
    List<String> lines = new ArrayList<>();
    lines.add("Xconf " + version + " is up");
    lines.add("  CCMP     " + join(urls, "/ccmp"));
    if (sip != null) {
      lines.add("  SIP      " + sipListeners(sip));
    }
    lines.add("  domain   " + identity.domain());
    lines.add("  data     " + identity.stateDirectory().toAbsolutePath());
    lines.add("  store    " + (storeEngine == null ? "(not registered yet)" : storeEngine));
    lines.add("  health   " + join(urls, "/health"));
    lines.add("  metrics  " + join(urls, "/metrics"));
    return lines;
  }

  static String sipListeners(Sip sip) {
    String address = sip.address();
    if (address.indexOf(':') >= 0) {
      address = "[" + address + "]";
    }
    String host = address;
    return sip.transports().stream()
        .map(transport -> transport + " " + host + ":" + sip.port(transport))
        .collect(Collectors.joining(", "));
  }

  private static String join(List<String> baseUrls, String path) {
    return baseUrls.isEmpty()
        ? "(HTTP listeners unknown)"
        : baseUrls.stream().map(url -> url + path).collect(Collectors.joining("  "));
  }
}
