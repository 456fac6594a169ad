package io.xconf.sip.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import javax.sip.Dialog;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A received request and its answering, for handlers. */
final class IncomingRequest implements SipRequest {

  private static final Logger LOG = LoggerFactory.getLogger(IncomingRequest.class);

  /** What every answer that lists methods (405, 501, OPTIONS) names. */
  static final List<String> ALLOW =
      List.of(
          Request.INVITE,
          Request.ACK,
          Request.CANCEL,
          Request.BYE,
          Request.OPTIONS,
          Request.UPDATE,
          Request.INFO,
          Request.SUBSCRIBE,
          Request.NOTIFY,
          Request.REFER,
          Request.REGISTER);

  private final RequestEvent event;
  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;
  private ServerTransaction transaction;
  private boolean noTransaction;
  private boolean retransmission;
  private final SipMetrics metrics;
  private boolean finalAnswerCounted;

  /** What its credentials proved, once checked: a nonce count is good for one check only. */
  private SipIdentity identity;

  IncomingRequest(
      RequestEvent event,
      SipProvider provider,
      MessageFactory messages,
      HeaderFactory headers,
      SipMetrics metrics) {
    this.event = event;
    this.metrics = metrics;
    this.provider = provider;
    this.messages = messages;
    this.headers = headers;
    this.transaction = event.getServerTransaction();
  }

  @Override
  public Request message() {
    return event.getRequest();
  }

  @Override
  public String method() {
    return event.getRequest().getMethod();
  }

  @Override
  public String callId() {
    CallIdHeader callId = (CallIdHeader) event.getRequest().getHeader(CallIdHeader.NAME);
    return callId == null ? "" : callId.getCallId();
  }

  @Override
  public String transport() {
    if (event.getRequest() instanceof SIPRequest request
        && request.getMessageChannel() instanceof MessageChannel channel) {
      return channel.getTransport().toLowerCase(Locale.ROOT);
    }
    ViaHeader via = (ViaHeader) event.getRequest().getHeader(ViaHeader.NAME);
    return via == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
  }

  @Override
  public InetSocketAddress source() {
    if (event.getRequest() instanceof SIPMessage message
        && message.getPeerPacketSourceAddress() != null) {
      return new InetSocketAddress(
          message.getPeerPacketSourceAddress(), message.getPeerPacketSourcePort());
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Override
  public SipURI target() {
    return event.getRequest().getRequestURI() instanceof SipURI uri ? uri : null;
  }

  @Override
  public boolean hasToTag() {
    ToHeader to = (ToHeader) event.getRequest().getHeader(ToHeader.NAME);
    return to != null && to.getTag() != null;
  }

  @Override
  public Dialog dialog() {
    return event.getDialog();
  }

  synchronized SipIdentity identity() {
    return identity;
  }

  synchronized void identity(SipIdentity proved) {
    identity = proved;
  }

  /**
   * The server transaction the stack matched the request to, without making one: a CANCEL's when
   * its INVITE is known, an in-dialog request's.
   */
  ServerTransaction existingTransaction() {
    return event.getServerTransaction();
  }

  @Override
  public synchronized ServerTransaction transaction() {
    if (transaction != null || noTransaction || Request.ACK.equals(method())) {
      return transaction;
    }
    try {
      transaction = provider.getNewServerTransaction(event.getRequest());
    } catch (TransactionAlreadyExistsException e) {
      noTransaction = true;
      retransmission = true; // the stack answers it
    } catch (Exception e) {
      // A request the stack will not make a transaction for (e.g. without Max-Forwards): it is
      // answered statelessly, if at all.
      LOG.debug("No server transaction for {}: {}", method(), e.toString());
      noTransaction = true;
    }
    return transaction;
  }

  @Override
  public String body() {
    byte[] content = event.getRequest().getRawContent();
    return content == null ? null : new String(content, StandardCharsets.UTF_8);
  }

  @Override
  public Response response(int status) {
    try {
      Response response = messages.createResponse(status, event.getRequest());
      if (status == Response.METHOD_NOT_ALLOWED
          || status == Response.NOT_IMPLEMENTED
          || (Request.OPTIONS.equals(method()) && status < 300)) {
        for (String method : ALLOW) {
          response.addHeader(headers.createAllowHeader(method));
        }
      }
      return response;
    } catch (ParseException e) {
      throw new IllegalStateException("cannot answer " + method(), e);
    }
  }

  @Override
  public void send(Response response) {
    if (Request.ACK.equals(method())) {
      return;
    }
    ServerTransaction serverTransaction = transaction();
    try {
      if (serverTransaction != null) {
        serverTransaction.sendResponse(response);
      } else if (!retransmission) {
        provider.sendResponse(response);
      } else {
        return;
      }
      if (response.getStatusCode() >= 200 && !finalAnswerCounted) {
        finalAnswerCounted = true;
        metrics.answered(method(), response.getStatusCode());
      }
    } catch (Exception e) {
      LOG.debug("Answering {} with {} failed", method(), response.getStatusCode(), e);
    }
  }

  @Override
  public void respond(int status, String reason) {
    if (Request.ACK.equals(method())) {
      return;
    }
    Response response = response(status);
    if (reason != null) {
      try {
        response.setReasonPhrase(reason);
      } catch (ParseException e) {
        LOG.debug("Reason phrase {}", reason, e);
      }
    }
    send(response);
  }
}
