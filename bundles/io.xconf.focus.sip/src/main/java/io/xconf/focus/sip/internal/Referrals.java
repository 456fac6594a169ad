package io.xconf.focus.sip.internal;

import io.xconf.accounts.Account;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.TimeoutEvent;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REFER to a conference URI (RFC 4579 sections 5.5, 5.7 and 5.11 over RFC 3515): a user of the
 * conference asks the focus to call someone in, to refer someone to dial in, or to hang up on a
 * participant. Each needs its own right on the referrer's {@code user} (RFC 6501 section 4.6.5):
 * {@code allow-invite-users-dynamically}, {@code allow-refer-users-dynamically}, {@code
 * allow-remove-users-dynamically}; none changes the conference's lists. The referrer proves who it
 * is with SIP Digest, as rights belong to accounts, and hears the outcome as message/sipfrag
 * NOTIFYs of the implicit subscription.
 */
final class Referrals {

  private static final Logger LOG = LoggerFactory.getLogger(Referrals.class);
  private static final String EVENT = "refer";
  private static final int SUBSCRIPTION_SECONDS = 60;

  private final ConferenceService model;
  private final Signalling sip;
  private final LiveConferences live;
  private final DialIn dialIn;
  private final DialOut dialOut;
  private final SipDigest digest;

  /** A REFER the focus sent (RFC 4579 section 5.7), and whom to tell how it went. */
  private record Sent(Request refer, Report report) {}

  /** By Call-ID. */
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();

  Referrals(
      ConferenceService model,
      Signalling sip,
      LiveConferences live,
      DialIn dialIn,
      DialOut dialOut,
      SipDigest digest) {
    this.model = model;
    this.sip = sip;
    this.live = live;
    this.dialIn = dialIn;
    this.dialOut = dialOut;
    this.digest = digest;
  }

  void refer(RequestEvent event) {
    ServerTransaction transaction = sip.serverTransaction(event);
    if (transaction == null) {
      return;
    }
    Request request = event.getRequest();
    Optional<ConferenceObject> found = conferenceOf(request);
    if (found.isEmpty()) {
      sip.respond(event, transaction, Response.NOT_FOUND, "no such conference");
      return;
    }
    ConferenceObject conference = found.get();
    XmlElement document = conference.document();
    ListIterator<?> referTos = request.getHeaders(ReferToHeader.NAME);
    ReferToHeader referTo =
        referTos != null && referTos.hasNext() ? (ReferToHeader) referTos.next() : null;
    if (referTo == null || referTos.hasNext()) {
      sip.respond(event, transaction, Response.BAD_REQUEST, "exactly one Refer-To is needed");
      return;
    }
    if (!(referTo.getAddress().getURI() instanceof SipURI target)) {
      sip.respond(
          event, transaction, Response.UNSUPPORTED_URI_SCHEME, "only SIP users can be referred");
      return;
    }
    if (!Activation.isActive(document, Instant.now())) {
      sip.respond(event, transaction, Response.FORBIDDEN, "the conference is not running now");
      return;
    }
    SipDigest.Proof proof = digest.check(request);
    if (proof.account() == null) {
      digest.challenge(event, transaction, proof.stale());
      return;
    }
    Account referrer = proof.account();
    String method =
        target.getMethodParam() == null
            ? Request.INVITE
            : target.getMethodParam().toUpperCase(Locale.ROOT);
    String right =
        switch (method) {
          case Request.INVITE -> "allow-invite-users-dynamically";
          case Request.BYE -> "allow-remove-users-dynamically";
          case Request.REFER -> "allow-refer-users-dynamically";
          default -> null;
        };
    if (right == null) {
      sip.respond(
          event,
          transaction,
          Response.NOT_IMPLEMENTED,
          "a REFER for " + method + " is not offered");
      return;
    }
    if (!Roster.granted(document, digest.identities(referrer), right)) {
      sip.respond(
          event, transaction, Response.FORBIDDEN, right + " is not granted to " + referrer.name());
      return;
    }
    String address = plain(target);
    if (!Request.BYE.equals(method)) {
      if (Roster.listed(document, "deny-users-list", List.of(address))) {
        sip.respond(event, transaction, Response.FORBIDDEN, address + " is denied");
        return;
      }
      if (Roster.userFor(document, address).isEmpty()
          && Roster.userCount(document) >= DialIn.maximumUsers(document)) {
        sip.respond(event, transaction, Response.BUSY_HERE, "the conference is full");
        return;
      }
    }
    Report report = accept(event, transaction, conference);
    if (report == null) {
      return;
    }
    LOG.debug("{} refers {} ({}) in {}", referrer.name(), address, method, conference.uri());
    switch (method) {
      case Request.INVITE -> dialOut.invite(conference.uri(), address, report::heard);
      case Request.BYE -> report.heard(remove(conference, address, referrer));
      default -> referToDialIn(conference, address, report);
    }
  }

  /**
   * The conference named by the request URI; for a REFER inside a call, the call's conference
   * (whatever URI the caller's dialog targets).
   */
  private Optional<ConferenceObject> conferenceOf(Request request) {
    Call call = live.calls.get(Signalling.callId(request));
    if (call != null) {
      return model.get(call.conferenceUri());
    }
    return dialIn.conferenceOf(request);
  }

  /** 202, then the first NOTIFY of the implicit subscription (RFC 3515 section 2.4.4). */
  private Report accept(RequestEvent event, ServerTransaction transaction, ConferenceObject conf) {
    Request request = event.getRequest();
    try {
      Response accepted = sip.messages.createResponse(Response.ACCEPTED, request);
      ToHeader to = (ToHeader) accepted.getHeader(ToHeader.NAME);
      if (to.getTag() == null) {
        to.setTag(Signalling.newTag());
        if (request.getHeader(RecordRouteHeader.NAME) == null) {
          accepted.addHeader(sip.recordRoute(Signalling.transport(request)));
        }
      }
      ContactHeader contact = sip.contact(conf);
      accepted.addHeader(contact);
      Dialog dialog = sip.dialogOf(transaction);
      transaction.sendResponse(accepted);
      long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
      Report report = new Report(dialog, cseq, contact);
      report.heard("100 Trying");
      return report;
    } catch (Exception e) {
      LOG.error("Accepting a REFER into {} failed", conf.uri(), e);
      sip.respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
      return null;
    }
  }

  /** RFC 4579 section 5.11: the focus hangs up on the participant (or cancels its ringing call). */
  private String remove(ConferenceObject conference, String address, Account referrer) {
    String wanted = UserIds.comparable(address);
    Optional<String> user = Roster.userFor(conference.document(), address);
    boolean removed = false;
    for (Call call : List.copyOf(live.calls.values())) {
      if (call.conferenceUri().equals(conference.uri())
          && (wanted.equals(UserIds.comparable(call.endpoint()))
              || user.map(call.entity()::equals).orElse(false))) {
        live.hangUp(call);
        live.roster(
            conference.uri(),
            Roster.disconnected(
                call.entity(),
                call.endpoint(),
                "booted",
                LiveConferences.now(),
                "removed by " + referrer.userId()));
        removed = true;
      }
    }
    for (Outgoing ringing : List.copyOf(live.outgoing.values())) {
      if (ringing.conferenceUri().equals(conference.uri())
          && wanted.equals(UserIds.comparable(ringing.target()))) {
        live.drop(ringing.callId());
        removed = true;
      }
    }
    return removed ? "200 OK" : "404 Not a participant";
  }

  /**
   * RFC 4579 section 5.7: the focus REFERs the user to the conference URI; the user's answer to
   * that REFER is the referrer's outcome. The user's own progress reports are declined (Refer-Sub:
   * false, RFC 4488): it shows up in the roster when it dials in.
   */
  private void referToDialIn(ConferenceObject conference, String address, Report report) {
    try {
      SipURI targetUri = (SipURI) sip.addresses.createURI(address);
      SipURI requestUri = dialOut.reachable(targetUri);
      CallIdHeader callId = sip.provider.getNewCallId();
      String transport = Signalling.transportFor(requestUri);
      SipURI conferenceUri =
          sip.addresses.createSipURI(Signalling.conferenceId(conference.uri()), sip.domain);
      FromHeader from =
          sip.headers.createFromHeader(
              sip.addresses.createAddress(conferenceUri), Signalling.newTag());
      Request refer =
          sip.messages.createRequest(
              requestUri,
              Request.REFER,
              callId,
              sip.headers.createCSeqHeader(1L, Request.REFER),
              from,
              sip.headers.createToHeader(sip.addresses.createAddress(targetUri), null),
              new java.util.ArrayList<>(
                  List.of(
                      sip.headers.createViaHeader(
                          sip.address, sip.portFor(transport), transport, null))),
              sip.headers.createMaxForwardsHeader(70));
      refer.addHeader(sip.headers.createReferToHeader(sip.addresses.createAddress(conferenceUri)));
      refer.addHeader(sip.headers.createHeader("Refer-Sub", "false"));
      refer.addHeader(sip.contactAt(conference, transport));
      ClientTransaction transaction = sip.provider.getNewClientTransaction(refer);
      sent.put(callId.getCallId(), new Sent(refer, report));
      try {
        transaction.sendRequest();
      } catch (Exception e) {
        sent.remove(callId.getCallId());
        throw e;
      }
    } catch (Exception e) {
      LOG.debug("REFER to {} failed", address, e);
      report.heard("500 " + e.getMessage());
    }
  }

  /** The answer to a REFER the focus sent. */
  void response(ResponseEvent event) {
    Response response = event.getResponse();
    if (response.getStatusCode() < 200) {
      return;
    }
    Sent refer = sent.remove(Signalling.callId(response));
    if (refer != null) {
      refer.report().heard(response.getStatusCode() + " " + response.getReasonPhrase());
    }
    if (event.getDialog() != null) {
      event.getDialog().delete(); // the user's implicit subscription was declined (Refer-Sub)
    }
  }

  /** A REFER the focus would not send after all (the TLS peer is not who it called). */
  void refused(String callId, String reason) {
    Sent refer = sent.remove(callId);
    if (refer != null) {
      refer.report().heard("503 Service Unavailable");
    }
  }

  /** The stack could not reach {@code host:port}: the REFERs sent there failed. */
  void unreachable(String host, int port) {
    for (Map.Entry<String, Sent> entry : List.copyOf(sent.entrySet())) {
      if (Signalling.sentTo(entry.getValue().refer(), host, port)
          && sent.remove(entry.getKey(), entry.getValue())) {
        entry.getValue().report().heard("503 Service Unavailable");
      }
    }
  }

  void timeout(TimeoutEvent event) {
    ClientTransaction transaction = event.getClientTransaction();
    if (transaction != null) {
      Sent refer = sent.remove(Signalling.callId(transaction.getRequest()));
      if (refer != null) {
        refer.report().heard("408 Request Timeout");
      }
    }
  }

  /** The target as a plain address: no method, no escaped headers. */
  private String plain(SipURI target) {
    try {
      SipURI plain = sip.addresses.createSipURI(target.getUser(), target.getHost());
      plain.setSecure(target.isSecure());
      if (target.getPort() > 0) {
        plain.setPort(target.getPort());
      }
      if (target.getTransportParam() != null) {
        plain.setTransportParam(target.getTransportParam());
      }
      return plain.toString();
    } catch (Exception e) {
      throw new IllegalArgumentException("bad Refer-To " + target, e);
    }
  }

  /**
   * The referrer's implicit subscription: each status line heard goes out as a message/sipfrag
   * NOTIFY, the first final one terminating it.
   */
  private final class Report {
    private final Dialog dialog;
    private final long referCseq;
    private final ContactHeader contact;
    private boolean done;

    Report(Dialog dialog, long referCseq, ContactHeader contact) {
      this.dialog = dialog;
      this.referCseq = referCseq;
      this.contact = contact;
    }

    synchronized void heard(String status) {
      if (done || dialog == null) {
        return;
      }
      boolean last = !status.startsWith("1");
      done = last;
      try {
        Request notify = dialog.createRequest(Request.NOTIFY);
        var event = sip.headers.createEventHeader(EVENT);
        event.setEventId(String.valueOf(referCseq));
        notify.addHeader(event);
        SubscriptionStateHeader state =
            sip.headers.createSubscriptionStateHeader(
                last ? SubscriptionStateHeader.TERMINATED : SubscriptionStateHeader.ACTIVE);
        if (last) {
          state.setReasonCode(SubscriptionStateHeader.NO_RESOURCE);
        } else {
          state.setExpires(SUBSCRIPTION_SECONDS);
        }
        notify.addHeader(state);
        notify.setHeader((ContactHeader) contact.clone());
        var type = sip.headers.createContentTypeHeader("message", "sipfrag");
        type.setParameter("version", "2.0");
        notify.setContent("SIP/2.0 " + status + "\r\n", type);
        dialog.sendRequest(sip.provider.getNewClientTransaction(notify));
        if (last && Request.REFER.equals(dialog.getFirstTransaction().getRequest().getMethod())) {
          dialog.delete(); // a REFER's own dialog ends with its subscription (RFC 3515)
        }
      } catch (Exception e) {
        LOG.debug("NOTIFY of a REFER's outcome failed", e);
      }
    }
  }
}
