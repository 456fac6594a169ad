package io.xconf.sip;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.Transaction;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.annotation.versioning.ProviderType;

/** The SIP stack as its users see it: factories, the server's addresses, sending. */
@ProviderType
public interface Sip {

  MessageFactory messages();

  HeaderFactory headers();

  AddressFactory addresses();

  /** The domain of the server's SIP URIs (conferences, users). */
  String domain();

  /** The IP address the stack listens on. */
  String address();

  /** The port the stack listens on for a transport (TLS has its own). */
  int port(String transport);

  /** The transports the stack listens on, lower case ({@code udp}, {@code tcp}, {@code tls}). */
  java.util.List<String> transports();

  /** Whether a URI names this server: its domain, or its own address and port. */
  boolean isLocal(SipURI uri);

  /** A new random tag for From or To. */
  String newTag();

  CallIdHeader newCallId();

  /** The stack's Via for a new request over a transport, with a new branch. */
  ViaHeader via(String transport);

  /** A Record-Route to the stack's own address, so a dialog's requests come straight here. */
  RecordRouteHeader recordRoute(String transport);

  /** {@code sip:<user>@<address>:<port>;transport=<transport>} ({@code user} may be null). */
  SipURI localUri(String user, String transport);

  /** The transport to reach a URI with: its transport parameter, TLS for sips, else UDP. */
  static String transportOf(SipURI uri) {
    if (uri.getTransportParam() != null) {
      return uri.getTransportParam().toLowerCase(java.util.Locale.ROOT);
    }
    return uri.isSecure() ? "tls" : "udp";
  }

  /**
   * The transport a request outside a dialog leaves by towards {@code target}: the outbound proxy's
   * when one is configured, else {@link #transportOf}. Via and Contact of such a request use it.
   */
  String transportToward(SipURI target);

  /**
   * The dialog a transaction sets up, made now if it has none, owned by {@code owner}: its
   * requests, its CANCEL and its end go there.
   */
  Dialog dialog(Transaction transaction, SipDialogHandler owner);

  /**
   * Sends a request outside any dialog, through the outbound proxy when one is configured (and the
   * request names no route of its own); {@code handler} hears how it fares.
   */
  ClientTransaction send(Request request, SipClientHandler handler) throws SipException;

  /**
   * Sends a request that sets up a dialog (an INVITE, a SUBSCRIBE, a REFER), the dialog made before
   * it leaves and owned by {@code dialogOwner}.
   */
  ClientTransaction open(Request request, SipClientHandler handler, SipDialogHandler dialogOwner)
      throws SipException;

  /** Sends a request within a dialog (made with {@code dialog.createRequest}). */
  ClientTransaction send(Dialog dialog, Request request, SipClientHandler handler)
      throws SipException;

  /** Sends a request as it is, statelessly (a proxy's forwarding: RFC 3261 section 16.11). */
  void forward(Request request) throws SipException;

  /** Sends a response as it is, statelessly, down its Vias. */
  void forward(Response response) throws SipException;
}
