package io.xconf.focus.sip.internal;

import io.xconf.model.ConferenceObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import javax.sip.Dialog;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The focus's side of the SIP stack: its provider, factories, address, and what every part needs.
 */
final class Signalling {

  private static final Logger LOG = LoggerFactory.getLogger(Signalling.class);
  private static final List<String> ALLOW =
      List.of(
          Request.INVITE,
          Request.ACK,
          Request.CANCEL,
          Request.BYE,
          Request.OPTIONS,
          Request.SUBSCRIBE,
          Request.NOTIFY,
          Request.REFER,
          Request.REGISTER);

  final SipProvider provider;
  final MessageFactory messages;
  final HeaderFactory headers;
  final AddressFactory addresses;
  final String address;
  final int port;

  /** The TLS port, or -1 without TLS. */
  final int tlsPort;

  final String domain;

  Signalling(
      SipProvider provider,
      MessageFactory messages,
      HeaderFactory headers,
      AddressFactory addresses,
      String address,
      int port,
      int tlsPort,
      String domain) {
    this.provider = provider;
    this.messages = messages;
    this.headers = headers;
    this.addresses = addresses;
    this.address = address;
    this.port = port;
    this.tlsPort = tlsPort;
    this.domain = domain;
  }

  /**
   * The focus's Contact in the dialogs callers and watchers start: the conference's SIP URI with
   * isfocus (RFC 4579 section 5). Clients take it for the conference's identity and expect the
   * conference-info entity to be the same URI (liblinphone drops NOTIFYs otherwise); the {@link
   * #recordRoute} beside it brings their requests here however the domain resolves.
   */
  ContactHeader contact(ConferenceObject conference) {
    try {
      return focusContact(addresses.createSipURI(conferenceId(conference.uri()), domain));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the focus's Contact", e);
    }
  }

  /**
   * The Contact of the calls the focus places: at its own address, as the callee has no route to
   * the focus but the Contact (the focus record-routes only what it answers).
   */
  ContactHeader contactAt(ConferenceObject conference, String transport) {
    try {
      SipURI uri = addresses.createSipURI(conferenceId(conference.uri()), address);
      uri.setPort(portFor(transport));
      uri.setTransportParam(transport);
      return focusContact(uri);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the focus's Contact", e);
    }
  }

  private ContactHeader focusContact(SipURI uri) throws Exception {
    ContactHeader contact = headers.createContactHeader(addresses.createAddress(uri));
    contact.setParameter("isfocus", null);
    return contact;
  }

  /**
   * Record-Route to the focus's own address: the registrar and the focus are one server, so the
   * dialog's later requests come straight here while the Contact names the conference.
   */
  RecordRouteHeader recordRoute(String transport) {
    try {
      SipURI uri = addresses.createSipURI(null, address);
      uri.setPort(portFor(transport));
      uri.setTransportParam(transport);
      uri.setLrParam();
      return headers.createRecordRouteHeader(addresses.createAddress(uri));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the focus's Record-Route", e);
    }
  }

  /** Where the focus listens for a transport: TLS has a port of its own. */
  int portFor(String transport) {
    return "tls".equalsIgnoreCase(transport) && tlsPort > 0 ? tlsPort : port;
  }

  /** The transport to reach a URI with: its transport parameter, TLS for sips, else UDP. */
  static String transportFor(SipURI uri) {
    if (uri.getTransportParam() != null) {
      return uri.getTransportParam().toLowerCase(java.util.Locale.ROOT);
    }
    return uri.isSecure() ? "tls" : "udp";
  }

  /** Whether a request of ours went to {@code host:port} (the default port of its transport). */
  static boolean sentTo(Request request, String host, int port) {
    if (!(request.getRequestURI() instanceof SipURI uri) || host == null) {
      return false;
    }
    int uriPort = uri.getPort() > 0 ? uri.getPort() : "tls".equals(transportFor(uri)) ? 5061 : 5060;
    if (uriPort != port) {
      return false;
    }
    if (host.equalsIgnoreCase(uri.getHost())) {
      return true;
    }
    try {
      // The stack names the address it reached; the request may name the host (a failure path).
      for (java.net.InetAddress address : java.net.InetAddress.getAllByName(uri.getHost())) {
        if (address.getHostAddress().equalsIgnoreCase(host)) {
          return true;
        }
      }
    } catch (java.net.UnknownHostException e) {
      return false;
    }
    return false;
  }

  /** The id part of an XCON-URI, which is also the user part of the conference's SIP URI. */
  static String conferenceId(String xconUri) {
    return xconUri.substring("xcon:".length(), xconUri.indexOf('@'));
  }

  String sipUriOf(String xconUri) {
    return "sip:" + conferenceId(xconUri) + "@" + domain;
  }

  static String transport(Request request) {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    return via == null ? "udp" : via.getTransport().toLowerCase(java.util.Locale.ROOT);
  }

  static String callId(Message message) {
    return ((CallIdHeader) message.getHeader(CallIdHeader.NAME)).getCallId();
  }

  static String body(Message message) {
    byte[] content = message.getRawContent();
    return content == null ? null : new String(content, StandardCharsets.UTF_8);
  }

  static String newTag() {
    return Long.toHexString(UUID.randomUUID().getMostSignificantBits());
  }

  /**
   * The dialog a transaction of the focus's sets up, made now if it has none: the stack makes no
   * dialogs by itself (javax.sip.AUTOMATIC_DIALOG_SUPPORT off), so that requests of dialogs the
   * focus only forwards reach it instead of being refused by the stack.
   */
  Dialog dialogOf(javax.sip.Transaction transaction) {
    if (transaction.getDialog() != null) {
      return transaction.getDialog();
    }
    try {
      return provider.getNewDialog(transaction);
    } catch (javax.sip.SipException e) {
      throw new IllegalStateException("no dialog for " + transaction.getRequest().getMethod(), e);
    }
  }

  /** The request's server transaction; null for a retransmission the stack answers already. */
  ServerTransaction serverTransaction(RequestEvent event) {
    ServerTransaction transaction = event.getServerTransaction();
    if (transaction != null) {
      return transaction;
    }
    try {
      return provider.getNewServerTransaction(event.getRequest());
    } catch (TransactionAlreadyExistsException e) {
      return null;
    } catch (Exception e) {
      LOG.debug("No server transaction for {}", event.getRequest().getMethod(), e);
      return null;
    }
  }

  void respond(RequestEvent event, int status, String reason) {
    ServerTransaction transaction = serverTransaction(event);
    if (transaction != null) {
      respond(event, transaction, status, reason);
    }
  }

  void respond(RequestEvent event, ServerTransaction transaction, int status, String reason) {
    try {
      Response response = messages.createResponse(status, event.getRequest());
      if (reason != null) {
        response.setReasonPhrase(reason);
      }
      if (status == Response.METHOD_NOT_ALLOWED
          || Request.OPTIONS.equals(event.getRequest().getMethod())) {
        for (String method : ALLOW) {
          response.addHeader(headers.createAllowHeader(method));
        }
      }
      transaction.sendResponse(response);
    } catch (Exception e) {
      LOG.debug("Answering {} with {} failed", event.getRequest().getMethod(), status, e);
    }
  }

  /** Ends a dialog from our side, as well as it can. */
  void bye(Dialog dialog) {
    try {
      if (dialog != null && dialog.getState() != null) {
        dialog.sendRequest(provider.getNewClientTransaction(dialog.createRequest(Request.BYE)));
      }
    } catch (Exception e) {
      LOG.debug("BYE failed", e);
    }
  }
}
