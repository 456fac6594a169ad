package io.xconf.sip.internal;

import io.xconf.sip.SipClientHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;

/**
 * The client transactions awaiting their final answer, with who hears of them: the stack reports a
 * refused TCP or TLS connection by address only, not by transaction.
 */
final class ClientTransactions {

  private final Map<ClientTransaction, SipClientHandler> pending = new ConcurrentHashMap<>();

  void add(ClientTransaction transaction, SipClientHandler handler) {
    pending.put(transaction, handler);
  }

  /** Who hears of a transaction still awaiting its final answer; null after that. */
  SipClientHandler awaiting(ClientTransaction transaction) {
    return transaction == null ? null : pending.get(transaction);
  }

  /**
   * Who hears of a transaction's end (a final answer, a timeout, a failure), once: null when it has
   * ended already.
   */
  SipClientHandler ended(ClientTransaction transaction) {
    return transaction == null ? null : pending.remove(transaction);
  }

  /** The transactions sent to {@code host:port}, which the stack could not reach, fail. */
  void unreachable(String host, int port) {
    for (Map.Entry<ClientTransaction, SipClientHandler> entry : pending.entrySet()) {
      if (sentTo(entry.getKey().getRequest(), host, port)
          && pending.remove(entry.getKey(), entry.getValue())) {
        entry.getValue().failed("503 unreachable");
      }
    }
  }

  /**
   * Whether a request went to {@code host:port} (the default port of its transport): its first
   * Route's (the outbound proxy's) when it has one, else its Request-URI's.
   */
  static boolean sentTo(Request request, String host, int port) {
    URI next =
        request.getHeader(RouteHeader.NAME) instanceof RouteHeader route
            ? route.getAddress().getURI()
            : request.getRequestURI();
    if (!(next instanceof SipURI uri) || host == null) {
      return false;
    }
    String transport = io.xconf.sip.Sip.transportOf(uri);
    int uriPort = uri.getPort() > 0 ? uri.getPort() : "tls".equals(transport) ? 5061 : 5060;
    if (uriPort != port) {
      return false;
    }
    if (host.equalsIgnoreCase(uri.getHost())) {
      return true;
    }
    try {
      // The stack names the address it reached; the request may name the host.
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (address.getHostAddress().equalsIgnoreCase(host)) {
          return true;
        }
      }
    } catch (UnknownHostException e) {
      return false;
    }
    return false;
  }
}
