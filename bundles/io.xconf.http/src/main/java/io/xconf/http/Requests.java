package io.xconf.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.server.Request;

/** What endpoints ask of a request before they trust it with more. */
public final class Requests {

  private Requests() {}

  /**
   * Whether the TCP peer is this machine (a loopback address): a client the operator runs here, or,
   * behind a reverse proxy on this machine, everyone (endpoints that trust this say so).
   */
  public static boolean fromThisMachine(Request request) {
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    return remote instanceof InetSocketAddress address
        && address.getAddress() != null
        && address.getAddress().isLoopbackAddress();
  }
}
