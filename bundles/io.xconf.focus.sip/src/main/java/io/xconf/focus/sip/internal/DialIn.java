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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

  /** How long a caller waits for a moderator's decision (join-handling confirm). */
  static final long CONFIRMATION_MILLIS = 120_000;

  /**
   * Who may come in: the user it joins as, and whether a moderator must confirm it first.
   *
   * @param identities the caller's address and, with Digest, its account's
   */
  record Admission(String entity, List<String> identities, boolean awaitsModerator) {}

  /** A caller on the waiting list of a conference with join-handling confirm; it hears 180. */
  private record Waiting(
      RequestEvent event,
      ServerTransaction transaction,
      String conferenceUri,
      Admission admission,
      String endpoint,
      boolean known,
      String toTag,
      long sinceMillis) {}

  private final ConferenceService model;
  private final Signalling sip;
  private final LiveConferences live;
  private final SipDigest digest;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

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
    Admission admission = admit(event, transaction, document, true);
    if (admission == null) {
      return;
    }
    String entity = admission.entity();
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
    if (admission.awaitsModerator()) {
      await(event, transaction, conference, admission, known);
      return;
    }
    join(event, transaction, conference, entity, known, Signalling.newTag());
  }

  /** Into the mix, then the 200. */
  private void join(
      RequestEvent event,
      ServerTransaction transaction,
      ConferenceObject conference,
      String entity,
      boolean known,
      String toTag) {
    Request request = event.getRequest();
    String callId = Signalling.callId(request);
    String offer = Signalling.body(request);
    FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
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
    answer(event, transaction, conference, from, entity, known, leg, toTag);
  }

  /**
   * RFC 6501 join-handling confirm: the caller rings (180) and shows in the roster as dialing-in
   * until a moderator lists it in allowed-users-list (it joins) or deny-users-list (403), it
   * cancels, or {@link #CONFIRMATION_MILLIS} pass (480).
   */
  private void await(
      RequestEvent event,
      ServerTransaction transaction,
      ConferenceObject conference,
      Admission admission,
      boolean known) {
    Request request = event.getRequest();
    String endpoint =
        UserIds.comparable(
            ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString());
    String toTag = Signalling.newTag();
    String callId = Signalling.callId(request);
    // On the list before the 180, so that a CANCEL answering it finds the caller.
    waiting.put(
        callId,
        new Waiting(
            event,
            transaction,
            conference.uri(),
            admission,
            endpoint,
            known,
            toTag,
            System.currentTimeMillis()));
    live.roster(conference.uri(), Roster.waiting(admission.entity(), endpoint));
    try {
      Response ringing = sip.messages.createResponse(Response.RINGING, request);
      ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(toTag);
      ringing.addHeader(sip.contact(conference));
      sip.dialogOf(transaction);
      transaction.sendResponse(ringing);
    } catch (Exception e) {
      LOG.debug("180 failed", e);
      refuse(callId, Response.SERVER_INTERNAL_ERROR, null);
      return;
    }
    LOG.debug("{} waits for a moderator of {}", endpoint, conference.uri());
    // A moderator may have decided while the caller was being admitted.
    model.get(conference.uri()).ifPresent(now -> reconsider(now.uri(), now.document()));
  }

  /**
   * A moderator's change: the waiting callers it lists come in, those it denies are refused; when
   * join-handling is no longer confirm, all are admitted or refused by the new setting.
   */
  void reconsider(String conferenceUri, XmlElement document) {
    String joinHandling = joinHandling(document);
    for (Map.Entry<String, Waiting> entry : List.copyOf(waiting.entrySet())) {
      Waiting caller = entry.getValue();
      if (!caller.conferenceUri().equals(conferenceUri)) {
        continue;
      }
      List<String> identities = caller.admission().identities();
      if (!Activation.isActive(document, Instant.now())) {
        refuse(entry.getKey(), Response.FORBIDDEN, "the conference is not running now");
      } else if (Roster.listed(document, "deny-users-list", identities)
          || !List.of("confirm", "allow", "authenticate").contains(joinHandling)) {
        refuse(entry.getKey(), Response.FORBIDDEN, "denied by a moderator");
      } else if ((!"confirm".equals(joinHandling)
              || Roster.listed(document, "allowed-users-list", identities))
          && waiting.remove(entry.getKey(), caller)) {
        live.later(
            () ->
                model
                    .get(conferenceUri)
                    .ifPresentOrElse(
                        conference ->
                            join(
                                caller.event(),
                                caller.transaction(),
                                conference,
                                caller.admission().entity(),
                                caller.known(),
                                caller.toTag()),
                        () ->
                            sip.respond(
                                caller.event(),
                                caller.transaction(),
                                Response.NOT_FOUND,
                                "no such conference")));
      }
    }
  }

  /** Callers that waited too long for a moderator. */
  void expireWaiting(long nowMillis) {
    for (Map.Entry<String, Waiting> entry : List.copyOf(waiting.entrySet())) {
      if (nowMillis - entry.getValue().sinceMillis() >= CONFIRMATION_MILLIS) {
        refuse(entry.getKey(), Response.TEMPORARILY_UNAVAILABLE, "no moderator confirmed");
      }
    }
  }

  /** The conference was deleted ({@code 404}) or its occurrence ended: its callers stop waiting. */
  void refuseWaiting(String conferenceUri, int status, String reason) {
    for (Map.Entry<String, Waiting> entry : List.copyOf(waiting.entrySet())) {
      if (entry.getValue().conferenceUri().equals(conferenceUri)) {
        refuse(entry.getKey(), status, reason);
      }
    }
  }

  /** CANCEL of a waiting caller: 200 to the CANCEL, 487 to its INVITE; false if none waits. */
  boolean cancel(RequestEvent event) {
    String callId = Signalling.callId(event.getRequest());
    if (!waiting.containsKey(callId)) {
      return false;
    }
    sip.respond(event, Response.OK, null);
    refuse(callId, Response.REQUEST_TERMINATED, null);
    return true;
  }

  private void refuse(String callId, int status, String reason) {
    Waiting caller = waiting.remove(callId);
    if (caller == null) {
      return;
    }
    sip.respond(caller.event(), caller.transaction(), status, reason);
    live.roster(
        caller.conferenceUri(),
        Roster.left(caller.admission().entity(), caller.endpoint(), !caller.known()));
  }

  /** 200 with ;isfocus and the mixer's answer, once the roster has the caller. */
  private void answer(
      RequestEvent event,
      ServerTransaction transaction,
      ConferenceObject conference,
      FromHeader from,
      String entity,
      boolean known,
      MediaLeg leg,
      String toTag) {
    Request request = event.getRequest();
    String callId = Signalling.callId(request);
    String endpoint = UserIds.comparable(from.getAddress().getURI().toString());
    try {
      Response ok = sip.messages.createResponse(Response.OK, request);
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
              callId, conference.uri(), entity, endpoint, !known, sip.dialogOf(transaction), leg));
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
   * and user-admission-policy (RFC 6501 sections 4.6.1 and 4.6.2); who it comes in as, or null once
   * it has answered the request with a refusal or a Digest challenge. Under join-handling confirm,
   * a caller the allowed-users-list does not name waits for a moderator when it {@code canWait},
   * and is refused otherwise.
   */
  Admission admit(
      RequestEvent event, ServerTransaction transaction, XmlElement document, boolean canWait) {
    Request request = event.getRequest();
    String caller =
        ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
    String joinHandling = joinHandling(document);
    String policy = Roster.admissionPolicy(document).orElse("");
    if ("block".equals(joinHandling)) {
      sip.respond(event, transaction, Response.FORBIDDEN, "the conference takes no participants");
      return null;
    }
    if (!"allow".equals(joinHandling)
        && !"authenticate".equals(joinHandling)
        && !"confirm".equals(joinHandling)) {
      // directed-operator needs an operator: refused, never let in.
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
    boolean awaitsModerator =
        "confirm".equals(joinHandling)
            && !Roster.listed(document, "allowed-users-list", identities);
    if (awaitsModerator && !canWait) {
      sip.respond(event, transaction, Response.FORBIDDEN, "not confirmed by a moderator");
      return null;
    }
    // A user the conference lists for this address (an invitee's associated-aors) is who calls.
    String entity =
        account != null
            ? account.userId()
            : Roster.userFor(document, caller)
                .or(() -> model.userIdOf(caller))
                .orElseGet(() -> UserIds.derived(caller, sip.domain));
    return new Admission(entity, List.copyOf(identities), awaitsModerator);
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
