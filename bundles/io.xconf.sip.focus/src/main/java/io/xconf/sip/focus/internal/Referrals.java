package io.xconf.sip.focus.internal;

import io.xconf.model.ConferenceObject;
import io.xconf.model.UserIds;
import io.xconf.model.UserLists;
import io.xconf.model.XmlElement;
import io.xconf.sip.Sip;
import io.xconf.sip.SipClientHandler;
import io.xconf.sip.SipDialogHandler;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import io.xconf.sip.focus.Admission;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
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
 * REFER to a conference URI or within a call (RFC 4579 sections 5.5, 5.7 and 5.11 over RFC 3515): a
 * user of the conference asks the focus to call someone in, to refer someone to dial in, or to hang
 * up on a participant. The referrer must prove who it is (its rights are its account's user's) and
 * hears the outcome as message/sipfrag NOTIFYs of the implicit subscription. Whom the focus calls
 * is bounded by the dial-out policy, as for CCMP's dial-out targets.
 */
final class Referrals implements Call.Refers {

  private static final Logger LOG = LoggerFactory.getLogger(Referrals.class);
  private static final String EVENT = "refer";
  private static final int SUBSCRIPTION_SECONDS = 60;

  private final FocusContext focus;
  private final FocusComponent admission;
  private DialOut dialOut;

  Referrals(FocusContext focus, FocusComponent admission) {
    this.focus = focus;
    this.admission = admission;
  }

  /** The dial-out part, which needs this one for the REFERs within its calls. */
  void dialOut(DialOut dialOut) {
    this.dialOut = dialOut;
  }

  @Override
  public void refer(SipRequest request, String conferenceUri) {
    focus
        .model
        .get(conferenceUri)
        .ifPresentOrElse(
            conference -> refer(request, conference),
            () -> request.respond(Response.NOT_FOUND, "no such conference"));
  }

  void refer(SipRequest request, ConferenceObject conference) {
    if (request.transaction() == null) {
      return;
    }
    XmlElement document = conference.document();
    ListIterator<?> referTos = request.message().getHeaders(ReferToHeader.NAME);
    ReferToHeader referTo =
        referTos != null && referTos.hasNext() ? (ReferToHeader) referTos.next() : null;
    if (referTo == null || referTos.hasNext()) {
      request.respond(Response.BAD_REQUEST, "exactly one Refer-To is needed");
      return;
    }
    if (!(referTo.getAddress().getURI() instanceof SipURI target)) {
      request.respond(Response.UNSUPPORTED_URI_SCHEME, "only SIP users can be referred");
      return;
    }
    if (!focus.schedule.isActive(document)) {
      request.respond(Response.FORBIDDEN, "the conference is not running now");
      return;
    }
    String method =
        target.getMethodParam() == null
            ? Request.INVITE
            : target.getMethodParam().toUpperCase(Locale.ROOT);
    AdmissionPolicy.Caller caller = admission.caller(request, conference);
    Optional<Admission> refused = AdmissionPolicy.refer(document, caller.identity(), method);
    if (refused.isPresent()) {
      if (refused.get().verdict() == Admission.Verdict.CHALLENGE) {
        admission.challenge(request, caller);
      } else {
        request.respond(refused.get().status(), refused.get().reason());
      }
      return;
    }
    SipIdentity referrer = caller.identity();
    String address = plain(target);
    if (!Request.BYE.equals(method)) {
      if (UserLists.listed(document, UserLists.DENIED, List.of(address))) {
        request.respond(Response.FORBIDDEN, address + " is denied");
        return;
      }
      Optional<String> policy = dialOut.refusal(address);
      if (policy.isPresent()) {
        request.respond(Response.FORBIDDEN, "dial-out policy: " + policy.get());
        return;
      }
      if (focus.live.legs(conference.uri()).size() >= DialIn.maximumUsers(document)) {
        request.respond(Response.BUSY_HERE, "the conference is full");
        return;
      }
    }
    Report report = accept(request, conference);
    if (report == null) {
      return;
    }
    String who = referrer.identities().get(0);
    LOG.debug("{} refers {} ({}) in {}", who, address, method, conference.uri());
    switch (method) {
      case Request.INVITE -> dialOut.invite(conference.uri(), address, report::heard);
      case Request.BYE -> report.heard(remove(conference, address, who));
      default -> referToDialIn(conference, address, report);
    }
  }

  /** 202, then the first NOTIFY of the implicit subscription (RFC 3515 section 2.4.4). */
  private Report accept(SipRequest request, ConferenceObject conference) {
    try {
      Response accepted = request.response(Response.ACCEPTED);
      ToHeader to = (ToHeader) accepted.getHeader(ToHeader.NAME);
      ContactHeader contact = focus.contact(conference.uri());
      Dialog dialog = request.dialog();
      Report report;
      if (dialog == null) {
        to.setTag(focus.sip.newTag());
        if (request.message().getHeader(RecordRouteHeader.NAME) == null) {
          accepted.addHeader(focus.sip.recordRoute(request.transport()));
        }
        report = new Report(request, contact);
        dialog = focus.sip.dialog(request.transaction(), report);
      } else {
        report = new Report(request, contact); // NOTIFYs within the call's dialog
      }
      report.dialog = dialog;
      accepted.addHeader(contact);
      request.send(accepted);
      report.heard("100 Trying");
      return report;
    } catch (Exception e) {
      LOG.error("Accepting a REFER into {} failed", conference.uri(), e);
      request.respond(Response.SERVER_INTERNAL_ERROR, null);
      return null;
    }
  }

  /** RFC 4579 section 5.11: the focus hangs up on the participant (or cancels its ringing call). */
  private String remove(ConferenceObject conference, String address, String referrer) {
    String wanted = UserIds.comparable(address);
    Optional<String> user = Roster.userFor(conference.document(), address);
    boolean removed = false;
    for (Leg leg : focus.live.legs(conference.uri())) {
      if (wanted.equals(UserIds.comparable(leg.endpoint()))
          || user.map(leg.entity()::equals).orElse(false)) {
        leg.end("removed by " + referrer, true);
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
      Sip sip = focus.sip;
      SipURI targetUri = (SipURI) sip.addresses().createURI(address);
      SipURI requestUri = dialOut.reachable(targetUri);
      String transport = sip.transportToward(requestUri);
      SipURI conferenceUri = focus.conferenceSipUri(conference.uri());
      FromHeader from =
          sip.headers()
              .createFromHeader(sip.addresses().createAddress(conferenceUri), sip.newTag());
      Request refer =
          sip.messages()
              .createRequest(
                  requestUri,
                  Request.REFER,
                  sip.newCallId(),
                  sip.headers().createCSeqHeader(1L, Request.REFER),
                  from,
                  sip.headers().createToHeader(sip.addresses().createAddress(targetUri), null),
                  new ArrayList<>(List.of(sip.via(transport))),
                  sip.headers().createMaxForwardsHeader(70));
      refer.addHeader(
          sip.headers().createReferToHeader(sip.addresses().createAddress(conferenceUri)));
      refer.addHeader(sip.headers().createHeader("Refer-Sub", "false"));
      refer.addHeader(focus.contactAt(conference.uri(), transport));
      sip.send(
          refer,
          new SipClientHandler() {
            @Override
            public void response(ResponseEvent event) {
              Response response = event.getResponse();
              if (response.getStatusCode() >= 200) {
                report.heard(response.getStatusCode() + " " + response.getReasonPhrase());
                if (event.getDialog() != null) {
                  event.getDialog().delete(); // the implicit subscription was declined
                }
              }
            }

            @Override
            public void failed(String reason) {
              report.heard(reason.matches("\\d{3} .*") ? reason : "503 " + reason);
            }
          });
    } catch (Exception e) {
      LOG.debug("REFER to {} failed", address, e);
      report.heard("500 " + e.getMessage());
    }
  }

  /** The target as a plain address: no method, no escaped headers. */
  private String plain(SipURI target) {
    try {
      SipURI plain = focus.sip.addresses().createSipURI(target.getUser(), target.getHost());
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
   * NOTIFY, the first final one terminating it. It owns the REFER's own dialog, where nothing else
   * is expected.
   */
  private final class Report implements SipDialogHandler {
    private final long referCseq;
    private final ContactHeader contact;
    private final boolean ownDialog;
    private Dialog dialog;
    private boolean done;

    Report(SipRequest refer, ContactHeader contact) {
      this.referCseq = ((CSeqHeader) refer.message().getHeader(CSeqHeader.NAME)).getSeqNumber();
      this.contact = contact;
      this.ownDialog = refer.dialog() == null;
    }

    synchronized void heard(String status) {
      if (done || dialog == null) {
        return;
      }
      boolean last = !status.startsWith("1");
      done = last;
      try {
        Request notify = dialog.createRequest(Request.NOTIFY);
        var event = focus.sip.headers().createEventHeader(EVENT);
        event.setEventId(String.valueOf(referCseq));
        notify.addHeader(event);
        SubscriptionStateHeader state =
            focus
                .sip
                .headers()
                .createSubscriptionStateHeader(
                    last ? SubscriptionStateHeader.TERMINATED : SubscriptionStateHeader.ACTIVE);
        if (last) {
          state.setReasonCode(SubscriptionStateHeader.NO_RESOURCE);
        } else {
          state.setExpires(SUBSCRIPTION_SECONDS);
        }
        notify.addHeader(state);
        notify.setHeader((ContactHeader) contact.clone());
        var type = focus.sip.headers().createContentTypeHeader("message", "sipfrag");
        type.setParameter("version", "2.0");
        notify.setContent("SIP/2.0 " + status + "\r\n", type);
        focus.sip.send(dialog, notify, Outgoing.IGNORED);
        if (last && ownDialog) {
          dialog.delete(); // a REFER's own dialog ends with its subscription (RFC 3515)
        }
      } catch (Exception e) {
        LOG.debug("NOTIFY of a REFER's outcome failed", e);
      }
    }

    @Override
    public void request(SipRequest request) {
      // A refresh or an unsubscribe of the implicit subscription: it ends on its own soon.
      if (Request.SUBSCRIBE.equals(request.method())) {
        request.respond(Response.OK, null);
      } else {
        request.respond(Response.METHOD_NOT_ALLOWED, null);
      }
    }
  }
}
