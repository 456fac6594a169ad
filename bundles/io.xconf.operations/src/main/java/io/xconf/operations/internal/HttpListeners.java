package io.xconf.operations.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The base URLs Pax Web listens on, as its configuration (PID org.ops4j.pax.web) says. */
final class HttpListeners {

  static final String PAX_WEB_PID = "org.ops4j.pax.web";

  private final ConfigurationAdmin configurations;

  HttpListeners(ConfigurationAdmin configurations) {
    this.configurations = configurations;
  }

  /** {@code http://127.0.0.1:8080}, {@code https://127.0.0.1:8443}, ...; empty if unknown. */
  List<String> baseUrls() {
    Dictionary<String, Object> properties = paxWebProperties();
    if (properties == null) {
      return List.of();
    }
    return baseUrls(
        text(properties, "org.ops4j.pax.web.listening.addresses", "0.0.0.0"),
        Boolean.parseBoolean(text(properties, "org.osgi.service.http.enabled", "true")),
        text(properties, "org.osgi.service.http.port", "8080"),
        Boolean.parseBoolean(text(properties, "org.osgi.service.http.secure.enabled", "false")),
        text(properties, "org.osgi.service.http.port.secure", "8443"));
  }

  static List<String> baseUrls(
      String addresses, boolean http, String port, boolean https, String securePort) {
    List<String> urls = new ArrayList<>();
    for (String address : addresses.split(",")) {
      String host = address.strip();
      if (host.isEmpty()) {
        continue;
      }
      if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
      if (http) {
        urls.add("http://" + host + ":" + port.strip());
      }
      if (https) {
        urls.add("https://" + host + ":" + securePort.strip());
      }
    }
    return urls;
  }

  private Dictionary<String, Object> paxWebProperties() {
    try {
      // Listed, not fetched: getConfiguration would create it when missing.
      Configuration[] found =
          configurations.listConfigurations("(service.pid=" + PAX_WEB_PID + ")");
      return found == null || found.length == 0 ? null : found[0].getProperties();
    } catch (IOException | InvalidSyntaxException e) {
      return null;
    }
  }

  private static String text(Dictionary<String, Object> properties, String key, String absent) {
    Object value = properties.get(key);
    return value == null ? absent : value.toString();
  }
}
