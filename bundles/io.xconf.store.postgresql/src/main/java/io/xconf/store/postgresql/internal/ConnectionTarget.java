package io.xconf.store.postgresql.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * What a JDBC URL connects to, and whether that is safe: conference documents hold passwords, so
 * they leave this machine only over TLS that checks the server's certificate, unless the operator
 * says otherwise.
 */
record ConnectionTarget(List<String> hosts, String database, String sslMode) {

  private static final List<String> VERIFYING = List.of("verify-ca", "verify-full");

  static ConnectionTarget parse(String url, boolean allowPlain) {
    if (url == null || !url.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "the conference store URL must be jdbc:postgresql://HOST:PORT/DATABASE");
    }
    Properties parsed = Driver.parseURL(url, new Properties());
    if (parsed == null) {
      throw new IllegalArgumentException("the conference store URL cannot be read");
    }
    String hosts = PGProperty.PG_HOST.getOrDefault(parsed);
    String ports = PGProperty.PG_PORT.getOrDefault(parsed);
    String given = PGProperty.SSL_MODE.getOrDefault(parsed);
    // The driver's own default when the URL names none.
    String sslMode = given == null ? "prefer" : given.toLowerCase(Locale.ROOT);
    List<String> hostList = List.of(hosts.split(","));
    List<String> portList = List.of(ports.split(","));
    List<String> endpoints =
        java.util.stream.IntStream.range(0, hostList.size())
            .mapToObj(i -> hostList.get(i) + ":" + portList.get(Math.min(i, portList.size() - 1)))
            .toList();
    ConnectionTarget target =
        new ConnectionTarget(endpoints, PGProperty.PG_DBNAME.getOrDefault(parsed), sslMode);
    if (!allowPlain && !VERIFYING.contains(sslMode)) {
      for (String host : hostList) {
        if (!isLoopback(host)) {
          throw new IllegalArgumentException(
              "the conference store at "
                  + host
                  + " is on another machine: add sslmode=verify-full to its URL (with the server's"
                  + " authority in sslrootcert), or set XCONF_STORE_ALLOW_PLAIN=true on a network"
                  + " you trust");
        }
      }
    }
    return target;
  }

  private static boolean isLoopback(String host) {
    try {
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
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

  /** For logs: where, never who or with which password. */
  String description() {
    return String.join(",", hosts) + "/" + database + " (sslmode=" + sslMode + ")";
  }
}
