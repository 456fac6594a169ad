package io.xconf.sip.focus.internal;

import io.xconf.model.ConferenceObject;
import io.xconf.model.XmlElement;
import io.xconf.sip.SipRequest;
import io.xconf.sip.focus.Admission;
import io.xconf.sip.focus.Focus;
import java.util.List;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into conferences (RFC 4579 section 5): an INVITE to a conference's SIP URI joins its mix if
 * the conference runs and admits the caller, as the caller it proved to be; with join-handling
 * confirm it waits for a moderator first.
 */
final class DialIn {

  private static final Logger LOG = LoggerFactory.getLogger(DialIn.class);

  /** How long a caller waits for a moderator's decision (join-handling confirm). */
  static final long CONFIRMATION_MILLIS = 120_000;

  private final FocusContext focus;
  private final FocusComponent admission;
  private final Call.Refers refers;

  DialIn(FocusContext focus, FocusComponent admission, Call.Refers refers) {
    this.focus = focus;
    this.admission = admission;
    this.refers = refers;
  }

  void invite(SipRequest request, ConferenceObject conference) {
    if (request.transaction() == null) {
      return; // a retransmission the stack is already answering
    }
    XmlElement document = conference.document();
    if (!focus.schedule.isActive(document)) {
      request.respond(Response.FORBIDDEN, "the conference is not running now");
      return;
    }
    ContentTypeHeader type =
        (ContentTypeHeader) request.message().getHeader(ContentTypeHeader.NAME);
    String offer = request.body();
    if (type != null
        && offer != null
        && !offer.isEmpty()
        && !("application".equalsIgnoreCase(type.getContentType())
            && "sdp".equalsIgnoreCase(type.getContentSubType()))) {
      request.respond(Response.UNSUPPORTED_MEDIA_TYPE, "only application/sdp");
      return;
    }
    AdmissionPolicy.Caller caller = admission.caller(request, conference);
    Admission decision = admission.decide(conference, caller, Focus.Purpose.JOIN, List.of());
    switch (decision.verdict()) {
      case REFUSE -> {
        request.respond(decision.status(), decision.reason());
        return;
      }
      case CHALLENGE -> {
        admission.challenge(request, caller);
        return;
      }
      default -> {}
    }
    if (offer == null || offer.isBlank()) {
      // An offerless INVITE (the offer would come in the 200): not taken.
      request.respond(Response.NOT_ACCEPTABLE_HERE, "an SDP offer is needed");
      return;
    }
    List<String> pins = Roster.pins(document);
    if (!pins.isEmpty()
        && focus.pinFailures.barred(request.source().getAddress(), System.currentTimeMillis())) {
      request.respond(Response.FORBIDDEN, "too many wrong PINs from here; try again later");
      return;
    }
    boolean waits = decision.verdict() == Admission.Verdict.AWAIT_MODERATOR;
    Call call =
        Call.dialIn(
            focus,
            refers,
            request,
            conference.uri(),
            decision.entity(),
            endpointOf(request),
            decision.addedByCall(),
            caller,
            waits,
            pins);
    LiveConferences.Refusal refusal = focus.live.take(call, maximumUsers(document));
    if (refusal != null) {
      request.respond(refusal.status(), refusal.reason());
      return;
    }
    call.own();
    // The 200 waits for the roster's durable write: a 100 now. Otherwise the stack sends its own
    // after 200 ms, from a timer that does not see a 200 under way, and the 100 may follow it.
    request.respond(Response.TRYING, null);
    if (waits) {
      call.await(document);
      LOG.debug("{} waits for a moderator of {}", call.endpoint(), conference.uri());
      // A moderator may have decided while the caller was being admitted.
      focus.roster.later(() -> focus.model.get(conference.uri()).ifPresent(now -> reconsider(now)));
    } else {
      call.join(document);
    }
  }

  /**
   * The roster endpoint of a caller: what its From says (its user is what it proved), as a
   * conference object may hold it.
   */
  private static String endpointOf(SipRequest request) {
    FromHeader from = (FromHeader) request.message().getHeader(FromHeader.NAME);
    return Roster.clean(
        io.xconf.model.UserIds.comparable(from.getAddress().getURI().toString()), Roster.MAX_URI);
  }

  /**
   * A moderator's change: the waiting callers it lets in join, those it denies are refused; when
   * join-handling is no longer confirm, all are admitted or refused by the new setting.
   */
  void reconsider(ConferenceObject conference) {
    for (Leg leg : focus.live.legs(conference.uri())) {
      if (!(leg instanceof Call call) || call.state() != Call.State.WAITING) {
        continue;
      }
      if (!focus.schedule.isActive(conference.document())) {
        call.refuse(Response.FORBIDDEN, "the conference is not running now");
        continue;
      }
      Admission decision =
          admission.decide(conference, call.caller(), Focus.Purpose.JOIN, call.givenIdentities());
      switch (decision.verdict()) {
        case ADMIT -> focus.roster.later(() -> joinNow(call));
        case REFUSE -> call.refuse(Response.FORBIDDEN, "denied by a moderator");
        case CHALLENGE -> call.refuse(Response.FORBIDDEN, "the conference now wants credentials");
        case AWAIT_MODERATOR -> {}
      }
    }
  }

  private void joinNow(Call call) {
    focus
        .model
        .get(call.conferenceUri())
        .ifPresentOrElse(
            conference -> call.join(conference.document()), () -> call.end(null, false));
  }

  /** Callers that waited too long for a moderator. */
  void expireWaiting(long nowMillis) {
    for (Leg leg : focus.live.all()) {
      if (leg instanceof Call call
          && call.state() == Call.State.WAITING
          && nowMillis - call.sinceMillis() >= CONFIRMATION_MILLIS) {
        call.refuse(Response.TEMPORARILY_UNAVAILABLE, "no moderator confirmed");
      }
    }
  }

  /** How long a caller has to key its PIN, from its ACK. */
  static final long PIN_MILLIS = 60_000;

  /** Callers that keyed no PIN in time: as if they had keyed wrong ones. */
  void expirePinEntry(long nowMillis) {
    for (Leg leg : focus.live.all()) {
      if (leg instanceof Call call && call.pinPending()) {
        long since = call.pinSinceMillis();
        if (since != 0 && nowMillis - since >= PIN_MILLIS) {
          focus.pinFailures.failed(call.source(), nowMillis);
          call.pinFailed();
        }
      }
    }
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
