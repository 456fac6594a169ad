package io.xconf.sip;

import java.net.InetSocketAddress;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.annotation.versioning.ProviderType;

/** A request as the stack received it, with what a handler needs to answer it. */
@ProviderType
public interface SipRequest {

  Request message();

  String method();

  String callId();

  /** {@code udp}, {@code tcp} or {@code tls}. */
  String transport();

  /** Where the packet came from, as the network says (not what the Via claims). */
  InetSocketAddress source();

  /** The Request-URI when it is a SIP or SIPS URI, else null. */
  SipURI target();

  /** Whether the request carries a To tag, i.e. claims to belong to a dialog. */
  boolean hasToTag();

  /** The dialog the stack matched it to; null outside a dialog. */
  Dialog dialog();

  /**
   * Its server transaction, made on first use; null for an ACK and for a retransmission the stack
   * already answers.
   */
  ServerTransaction transaction();

  /** The body as UTF-8 text, null without one. */
  String body();

  /** A response to it, for a handler to complete and {@link #send}. */
  Response response(int status);

  /** Sends a response on the request's transaction; does nothing for an ACK. */
  void send(Response response);

  /** Answers with a status and, when not null, a reason phrase. */
  void respond(int status, String reason);
}
