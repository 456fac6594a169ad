package io.xconf.focus.sip.internal;

import io.xconf.accounts.Account;
import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.SdpException;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.model.ObjectKind;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into conferences (RFC 4579 section 5): an INVITE to a conference's SIP URI joins its mix if
 * the conference runs and admits the caller; re-INVITEs go to the mixer; BYE leaves.
 */
final class DialIn {

  private static final Logger LOG = LoggerFactory.getLogger(DialIn.class);

  private final ConferenceService model;
  private final Signalling sip;
  private final LiveConferences live;
  private final SipDigest digest;

  DialIn(ConferenceService model, Signalling sip, LiveConferences live, SipDigest digest) {
    this.model = model;
    this.sip = sip;
    this.live = live;
    this.digest = digest;
  }

  void invite(RequestEvent event) {
    Request request = event.getRequest();
    String callId = Signalling.callId(request);
    Call existing = live.calls.get(callId);
    if (existing != null) {
      reinvite(event, existing);
      return;
    }
    ServerTransaction transaction = sip.serverTransaction(event);
    if (transaction == null) {
      return; // a retransmission the stack is already answering
    }
    Optional<ConferenceObject> found = conferenceOf(request);
    if (found.isEmpty()) {
      sip.respond(event, transaction, Response.NOT_FOUND, "no such conference");
      return;
    }
    ConferenceObject conference = found.get();
    XmlElement document = conference.document();
    if (!Activation.isActive(document, Instant.now())) {
      sip.respond(event, transaction, Response.FORBIDDEN, "the conference is not running now");
      return;
    }
    FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
    String entity = admit(event, transaction, document);
    if (entity == null) {
      return;
    }
    boolean known = Roster.user(document, entity).isPresent();
    if (!known && Roster.userCount(document) >= maximumUsers(document)) {
      sip.respond(event, transaction, Response.BUSY_HERE, "the conference is full");
      return;
    }
    String offer = Signalling.body(request);
    if (offer == null || offer.isBlank()) {
      // An offerless INVITE (the offer would come in the 200): not taken yet.
      sip.respond(event, transaction, Response.NOT_ACCEPTABLE_HERE, "an SDP offer is needed");
      return;
    }
    MediaLeg leg;
    try {
      leg = live.mixOf(conference.uri()).join(callId, offer);
    } catch (SdpException e) {
      sip.respond(event, transaction, Response.NOT_ACCEPTABLE_HERE, e.getMessage());
      return;
    } catch (MixerException e) {
      LOG.warn("No media for a call into {}: {}", conference.uri(), e.getMessage());
      sip.respond(event, transaction, Response.SERVICE_UNAVAILABLE, "no media resources");
      return;
    }
    answer(event, transaction, conference, from, entity, known, leg);
  }

  /** 200 with ;isfocus and the mixer's answer, once the roster has the caller. */
  private void answer(
      RequestEvent event,
      ServerTransaction transaction,
      ConferenceObject conference,
      FromHeader from,
      String entity,
      boolean known,
      MediaLeg leg) {
    Request request = event.getRequest();
    String callId = Signalling.callId(request);
    String endpoint = UserIds.comparable(from.getAddress().getURI().toString());
    try {
      Response ok = sip.messages.createResponse(Response.OK, request);
      String toTag = Signalling.newTag();
      ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(toTag);
      ok.addHeader(sip.contact(conference));
      if (request.getHeader(RecordRouteHeader.NAME) == null) {
        ok.addHeader(sip.recordRoute(Signalling.transport(request)));
      }
      ok.setContent(leg.localSdp(), sip.headers.createContentTypeHeader("application", "sdp"));
      model.update(
          conference.uri(),
          Roster.joined(
              entity,
              from.getAddress().getDisplayName(),
              endpoint,
              LiveConferences.now(),
              Roster.audioLabel(conference.document()),
              callId,
              from.getTag(),
              toTag),
          LiveConferences.ACTOR);
      live.calls.put(
          callId,
          new Call(
              callId, conference.uri(), entity, endpoint, !known, transaction.getDialog(), leg));
      transaction.sendResponse(ok);
      live.applyControlsLater(conference.uri());
      LOG.debug("{} joined {}", endpoint, conference.uri());
    } catch (ModelException e) {
      leg.leave();
      live.closeMixIfIdle(conference.uri());
      sip.respond(event, transaction, Response.SERVICE_UNAVAILABLE, e.getMessage());
    } catch (Exception e) {
      leg.leave();
      live.calls.remove(callId);
      live.closeMixIfIdle(conference.uri());
      LOG.error("Answering a call into {} failed", conference.uri(), e);
      sip.respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  /** Hold, resume, a new codec or address: the mixer answers the new offer. */
  private void reinvite(RequestEvent event, Call call) {
    ServerTransaction transaction = sip.serverTransaction(event);
    if (transaction == null) {
      return;
    }
    Request request = event.getRequest();
    String offer = Signalling.body(request);
    try {
      Response ok = sip.messages.createResponse(Response.OK, request);
      model.get(call.conferenceUri()).ifPresent(c -> ok.addHeader(sip.contact(c)));
      String answer =
          offer == null || offer.isBlank() ? call.leg().localSdp() : call.leg().reoffer(offer);
      ok.setContent(answer, sip.headers.createContentTypeHeader("application", "sdp"));
      transaction.sendResponse(ok);
    } catch (SdpException e) {
      sip.respond(event, transaction, Response.NOT_ACCEPTABLE_HERE, e.getMessage());
    } catch (Exception e) {
      LOG.error("re-INVITE of {} failed", call.callId(), e);
      sip.respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  void bye(RequestEvent event) {
    Call call = live.calls.remove(Signalling.callId(event.getRequest()));
    if (call == null) {
      sip.respond(event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
      return;
    }
    sip.respond(event, Response.OK, null);
    live.ended(call, true);
  }

  /** The conference a request addresses: sip:<id>@<domain> is the conference xcon:<id>@<domain>. */
  Optional<ConferenceObject> conferenceOf(Request request) {
    if (!(request.getRequestURI() instanceof SipURI uri) || uri.getUser() == null) {
      return Optional.empty();
    }
    return model
        .get("xcon:" + uri.getUser() + "@" + sip.domain)
        .filter(object -> object.kind() == ObjectKind.CONFERENCE);
  }

  /**
   * Admits a caller or a watcher (RFC 4575 authorises them alike) by the conference's join-handling
   * and user-admission-policy (RFC 6501 sections 4.6.1 and 4.6.2); the entity of the user it joins
   * as, or null once it has answered the request with a refusal or a Digest challenge.
   */
  String admit(RequestEvent event, ServerTransaction transaction, XmlElement document) {
    Request request = event.getRequest();
    String caller =
        ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
    String joinHandling = joinHandling(document);
    String policy = Roster.admissionPolicy(document).orElse("");
    if ("block".equals(joinHandling)) {
      sip.respond(event, transaction, Response.FORBIDDEN, "the conference takes no participants");
      return null;
    }
    if (!"allow".equals(joinHandling) && !"authenticate".equals(joinHandling)) {
      // confirm and directed-operator need a moderator or an operator: refused, never let in.
      sip.respond(
          event,
          transaction,
          Response.FORBIDDEN,
          "join-handling " + joinHandling + " is not offered");
      return null;
    }
    Account account = null;
    if ("authenticate".equals(joinHandling) || policy.endsWith("Authenticated")) {
      SipDigest.Proof proof = digest.check(request);
      if (proof.account() == null) {
        digest.challenge(event, transaction, proof.stale());
        return null;
      }
      account = proof.account();
    }
    List<String> identities = new ArrayList<>();
    identities.add(caller);
    if (account != null) {
      identities.addAll(digest.identities(account));
    }
    // RFC 6501 section 4.6.2: a closed conference ignores its deny list, an anonymous one both.
    if (policy.equals("closedAuthenticated")
        && !Roster.listed(document, "allowed-users-list", identities)) {
      sip.respond(event, transaction, Response.FORBIDDEN, "not among the allowed users");
      return null;
    }
    if (!policy.equals("closedAuthenticated")
        && !policy.equals("anonymous")
        && Roster.listed(document, "deny-users-list", identities)) {
      sip.respond(event, transaction, Response.FORBIDDEN, "denied by the conference");
      return null;
    }
    // A user the conference lists for this address (an invitee's associated-aors) is who calls.
    return account != null
        ? account.userId()
        : Roster.userFor(document, caller)
            .or(() -> model.userIdOf(caller))
            .orElseGet(() -> UserIds.derived(caller, sip.domain));
  }

  private static String joinHandling(XmlElement document) {
    return document
        .child(Roster.USERS)
        .flatMap(users -> users.child(Roster.xcon("join-handling")))
        .map(XmlElement::text)
        .map(String::strip)
        .orElse("allow");
  }

  static int maximumUsers(XmlElement document) {
    String text =
        document
            .child(Roster.DESCRIPTION)
            .flatMap(d -> d.child(Roster.info("maximum-user-count")))
            .map(XmlElement::text)
            .map(String::strip)
            .orElse("");
    try {
      return text.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }
}
