package io.xconf.sip.internal;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.ServerTransactionExt;
import gov.nist.javax.sip.SipListenerExt;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.sip.Sip;
import io.xconf.sip.SipClientHandler;
import io.xconf.sip.SipDialogHandler;
import io.xconf.sip.SipRequestHandler;
import io.xconf.sip.SipResponseHandler;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionState;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.UnsupportedHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's listener: each request goes to the owner of the dialog the stack matched it to, or to
 * the first handler of its method that takes it, or is answered here; each response, timeout and
 * failure goes to whoever sent the request.
 */
final class Dispatcher implements SipListenerExt {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int RETRY_AFTER_SECONDS = 5;

  /** Methods of RFC 3261 and its extensions: others get 501, these 405 where nobody serves them. */
  private static final Set<String> KNOWN_METHODS =
      Set.of(
          "INVITE",
          "ACK",
          "CANCEL",
          "BYE",
          "OPTIONS",
          "REGISTER",
          "PRACK",
          "SUBSCRIBE",
          "NOTIFY",
          "PUBLISH",
          "INFO",
          "REFER",
          "MESSAGE",
          "UPDATE");

  private final Sip sip;
  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;
  private final Whiteboard<SipRequestHandler> requestHandlers;
  private final Whiteboard<SipResponseHandler> responseHandlers;
  private final ClientTransactions clients;
  private final RequestRate newDialogs;

  private final TrustedProxies trustedProxies;
  private final SipMetrics metrics;

  Dispatcher(
      Sip sip,
      SipProvider provider,
      Whiteboard<SipRequestHandler> requestHandlers,
      Whiteboard<SipResponseHandler> responseHandlers,
      ClientTransactions clients,
      RequestRate newDialogs,
      TrustedProxies trustedProxies,
      SipMetrics metrics) {
    this.trustedProxies = trustedProxies;
    this.metrics = metrics;
    this.sip = sip;
    this.provider = provider;
    this.messages = sip.messages();
    this.headers = sip.headers();
    this.requestHandlers = requestHandlers;
    this.responseHandlers = responseHandlers;
    this.clients = clients;
    this.newDialogs = newDialogs;
  }

  /**
   * Runs a handler's part: what it throws is logged here, because the stack would swallow it and
   * leave the call half handled without a trace.
   */
  private static void guarded(String what, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.error("{} could not be handled", what, e);
    }
  }

  @Override
  public void processRequest(RequestEvent event) {
    IncomingRequest request = new IncomingRequest(event, provider, messages, headers, metrics);
    if (!trustedProxies.trusts(request.source())) {
      TrustedProxies.strip(request.message());
    }
    try {
      dispatch(request);
    } catch (AccountDirectoryUnavailableException e) {
      // Who calls cannot be told now (the directory said why in the log): come back later.
      LOG.debug("{} answered 503: {}", request.method(), e.getMessage());
      if (!Request.ACK.equals(request.method())) {
        comeBackLater(request);
      }
    } catch (RuntimeException e) {
      LOG.error("{} failed", request.method(), e);
      request.respond(Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  private void dispatch(IncomingRequest request) {
    String method = request.method();
    boolean ack = Request.ACK.equals(method);
    if (!ack) {
      RequestChecks.Refusal refusal = RequestChecks.check(request.message());
      if (refusal != null) {
        refuse(request, refusal);
        return;
      }
    }
    if (Request.CANCEL.equals(method)) {
      cancel(request);
      return;
    }
    SipDialogHandler owner = ownerOf(request.dialog());
    if (owner != null) {
      owner.request(request);
      return;
    }
    if (startsDialog(request) && !newDialogs.tryAcquire()) {
      comeBackLater(request);
      return;
    }
    for (SipRequestHandler handler : requestHandlers.services(p -> serves(p, method))) {
      if (handler.takes(request)) {
        handler.handle(request);
        return;
      }
    }
    unanswered(request);
  }

  /** What nobody took: RFC 3261's answers for no dialog, no such method, no such user. */
  private void unanswered(IncomingRequest request) {
    String method = request.method();
    if (Request.ACK.equals(method)) {
      return; // an ACK nobody awaits is dropped
    }
    if (request.hasToTag() || Request.BYE.equals(method)) {
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "no such dialog");
      return;
    }
    if (!KNOWN_METHODS.contains(method)) {
      request.respond(Response.NOT_IMPLEMENTED, null);
      return;
    }
    SipURI target = request.target();
    if (!sip.isLocal(target)) {
      // Never relayed: only the registrar forwards, and only for users of this domain.
      request.respond(Response.FORBIDDEN, "not a domain of this server");
      return;
    }
    if (target.getUser() == null) {
      if (Request.OPTIONS.equals(method)) {
        request.respond(Response.OK, null);
      } else {
        request.respond(Response.METHOD_NOT_ALLOWED, null);
      }
      return;
    }
    request.respond(Response.NOT_FOUND, "no such conference or user");
  }

  private void refuse(IncomingRequest request, RequestChecks.Refusal refusal) {
    Response response = request.response(refusal.status());
    try {
      if (refusal.reason() != null) {
        response.setReasonPhrase(refusal.reason());
      }
      for (String tag : refusal.unsupported()) {
        UnsupportedHeader unsupported = headers.createUnsupportedHeader(tag);
        response.addHeader(unsupported);
      }
    } catch (java.text.ParseException e) {
      LOG.debug("Unsupported header", e);
    }
    request.send(response);
  }

  /**
   * CANCEL (RFC 3261 section 9.2): 200 to it, then the INVITE's owner answers the INVITE with 487;
   * with no owner yet, it is answered here. A CANCEL of no INVITE of ours goes to the handlers (a
   * proxy forwards it), else gets 481.
   */
  private void cancel(IncomingRequest request) {
    ServerTransaction cancel = request.existingTransaction();
    ServerTransaction invite =
        cancel instanceof ServerTransactionExt ext ? ext.getCanceledInviteTransaction() : null;
    if (invite == null) {
      for (SipRequestHandler handler : requestHandlers.services(p -> serves(p, Request.CANCEL))) {
        if (handler.takes(request)) {
          handler.handle(request);
          return;
        }
      }
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "no such transaction");
      return;
    }
    request.respond(Response.OK, null);
    SipDialogHandler owner =
        invite.getApplicationData() instanceof SipDialogHandler handler
            ? handler
            : ownerOf(request.dialog());
    if (owner != null) {
      owner.cancelled();
      return;
    }
    TransactionState state = invite.getState();
    if (state == TransactionState.TRYING || state == TransactionState.PROCEEDING) {
      try {
        invite.sendResponse(
            messages.createResponse(Response.REQUEST_TERMINATED, invite.getRequest()));
        metrics.answered(Request.INVITE, Response.REQUEST_TERMINATED);
      } catch (Exception e) {
        LOG.debug("487 failed", e);
      }
    }
  }

  private static SipDialogHandler ownerOf(Dialog dialog) {
    return dialog != null && dialog.getApplicationData() instanceof SipDialogHandler owner
        ? owner
        : null;
  }

  private static boolean serves(Map<String, Object> properties, String method) {
    Object methods = properties.get(SipRequestHandler.METHODS);
    if (methods instanceof String one) {
      return one.equalsIgnoreCase(method);
    }
    if (methods instanceof String[] several) {
      for (String each : several) {
        if (each.equalsIgnoreCase(method)) {
          return true;
        }
      }
    }
    if (methods instanceof Collection<?> several) {
      return several.stream().anyMatch(m -> method.equalsIgnoreCase(String.valueOf(m)));
    }
    return false;
  }

  /** An INVITE, SUBSCRIBE or REFER outside a dialog: something new to set up. */
  private static boolean startsDialog(IncomingRequest request) {
    String method = request.method();
    return !request.hasToTag()
        && (Request.INVITE.equals(method)
            || Request.SUBSCRIBE.equals(method)
            || Request.REFER.equals(method));
  }

  /**
   * 503 with Retry-After (RFC 3261 section 21.5.4): come back later, rather than pile up or be
   * taken for a stranger while the account directory cannot say who calls.
   */
  private void comeBackLater(IncomingRequest request) {
    try {
      Response busy = request.response(Response.SERVICE_UNAVAILABLE);
      busy.addHeader(headers.createRetryAfterHeader(RETRY_AFTER_SECONDS));
      request.send(busy);
    } catch (Exception e) {
      LOG.debug("503 failed", e);
    }
  }

  @Override
  public void processResponse(ResponseEvent event) {
    Response response = event.getResponse();
    ClientTransaction transaction = event.getClientTransaction();
    SipClientHandler handler =
        response.getStatusCode() >= 200
            ? clients.ended(transaction)
            : clients.awaiting(transaction);
    if (handler != null) {
      guarded("A " + response.getStatusCode(), () -> handler.response(event));
      return;
    }
    if (transaction != null) {
      return; // a late or repeated answer to a request of ours that has had its outcome
    }
    for (SipResponseHandler other : responseHandlers.services(p -> true)) {
      if (other.takes(response)) {
        guarded("A " + response.getStatusCode(), () -> other.handle(response));
        return;
      }
    }
    LOG.debug("A {} nobody awaits was dropped", response.getStatusCode());
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (event.isServerTransaction()) {
      return; // Timer H: the ACK for a refusal never came; nothing was kept for it
    }
    SipClientHandler handler = clients.ended(event.getClientTransaction());
    if (handler != null) {
      guarded("A timeout", handler::timeout);
    }
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    LOG.debug("SIP I/O failure towards {}:{}", event.getHost(), event.getPort());
    if (event.getSource() instanceof ClientTransaction transaction) {
      SipClientHandler handler = clients.ended(transaction);
      if (handler != null) {
        guarded("An unreachable peer", () -> handler.failed("503 unreachable"));
      }
      return;
    }
    // A connection refused is reported by the address only.
    guarded("An unreachable peer", () -> clients.unreachable(event.getHost(), event.getPort()));
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {
    if (!event.isServerTransaction()) {
      SipClientHandler handler = clients.ended(event.getClientTransaction());
      if (handler != null) {
        // Ended without an outcome the handler heard (a send the stack dropped).
        guarded("An undelivered request", () -> handler.failed("503 not delivered"));
      }
    }
  }

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {
    SipDialogHandler owner = ownerOf(event.getDialog());
    if (owner != null) {
      guarded("A dialog's end", owner::terminated);
    }
  }

  @Override
  public void processDialogTimeout(DialogTimeoutEvent event) {
    SipDialogHandler owner = ownerOf(event.getDialog());
    if (owner == null) {
      return;
    }
    if (event.getReason() == DialogTimeoutEvent.Reason.AckNotReceived) {
      guarded("A missing ACK", owner::ackTimedOut);
    } else {
      LOG.debug("Dialog timeout {}", event.getReason());
    }
  }
}
