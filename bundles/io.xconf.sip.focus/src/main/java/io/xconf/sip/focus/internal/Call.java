package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.SdpException;
import io.xconf.model.XmlElement;
import io.xconf.sip.SipDialogHandler;
import io.xconf.sip.SipRequest;
import java.net.InetAddress;
import java.util.List;
import javax.sip.Dialog;
import javax.sip.header.FromHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of a conference, from its INVITE (or its answered dial-out) to its end, and the owner of
 * its dialog: the stack brings it the requests that match the dialog by Call-ID and both tags, and
 * nothing else. A dial-in waits for a moderator or joins at once; its 200 goes out once the roster
 * has it; its media flows once its ACK has come.
 */
final class Call implements Leg, SipDialogHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Call.class);

  /** Where a call is in its life. */
  enum State {
    WAITING,
    JOINING,
    ANSWERED,
    CONFIRMED,
    ENDED
  }

  /** What ended a call, and so what the roster says. */
  private enum Ending {
    /** The participant left (BYE, CANCEL) or was refused: its endpoint leaves the roster. */
    LEFT,
    /**
     * The focus hung up for a reason: the endpoint stays, disconnected, booted, unless the call
     * brought its user, which leaves.
     */
    BOOTED,
    /** Someone removed the participant: the endpoint stays, disconnected, booted, with why. */
    RECORDED,
    /** The conference is gone: nothing to write. */
    GONE
  }

  /** REFER within a call, handled by the focus's REFER part. */
  interface Refers {
    void refer(SipRequest request, String conferenceUri);
  }

  private final FocusContext focus;
  private final Refers refers;
  private final String conferenceUri;
  private final String entity;
  private final String endpoint;
  private final String displayName;
  private final boolean addedByCall;
  private final InetAddress source;
  private final AdmissionPolicy.Caller caller;
  private final long sinceMillis = System.currentTimeMillis();

  /** The PINs one of which the caller keys before it is let into the mix; empty for none. */
  private final List<String> pins;

  private volatile boolean pinPending;
  private boolean pinRefused; // guarded by this

  // Guarded by this: the PIN being keyed, wrong ones so far, since when the caller may key.
  private final StringBuilder keyedPin = new StringBuilder();
  private int wrongPins;
  private long pinSinceMillis;

  // Guarded by this.
  private State state;
  private SipRequest invite;
  private String toTag;
  private Dialog dialog;
  private MediaLeg media;
  private String callId;
  private String fromTag;
  private boolean inRoster;

  private Call(
      FocusContext focus,
      Refers refers,
      String conferenceUri,
      String entity,
      String endpoint,
      String displayName,
      boolean addedByCall,
      InetAddress source,
      AdmissionPolicy.Caller caller,
      State state,
      List<String> pins) {
    this.focus = focus;
    this.pins = List.copyOf(pins);
    this.refers = refers;
    this.conferenceUri = conferenceUri;
    this.entity = entity;
    this.endpoint = endpoint;
    this.displayName = displayName;
    this.addedByCall = addedByCall;
    this.source = source;
    this.caller = caller;
    this.state = state;
  }

  /** A caller's INVITE, admitted (JOINING) or waiting for a moderator (WAITING). */
  static Call dialIn(
      FocusContext focus,
      Refers refers,
      SipRequest invite,
      String conferenceUri,
      String entity,
      String endpoint,
      boolean addedByCall,
      AdmissionPolicy.Caller caller,
      boolean waits,
      List<String> pins) {
    FromHeader from = (FromHeader) invite.message().getHeader(FromHeader.NAME);
    Call call =
        new Call(
            focus,
            refers,
            conferenceUri,
            entity,
            endpoint,
            from.getAddress().getDisplayName(),
            addedByCall,
            invite.source().getAddress(),
            caller,
            waits ? State.WAITING : State.JOINING,
            pins);
    call.invite = invite;
    call.toTag = focus.sip.newTag();
    call.callId = invite.callId();
    call.fromTag = from.getTag();
    return call;
  }

  /** A dial-out the callee answered: connected, its ACK sent. */
  static Call dialedOut(
      FocusContext focus,
      Refers refers,
      Outgoing answered,
      Dialog dialog,
      MediaLeg media,
      String fromTag,
      String toTag) {
    Call call =
        new Call(
            focus,
            refers,
            answered.conferenceUri(),
            answered.entity(),
            answered.endpoint(),
            null,
            answered.addedByCall(),
            null,
            null,
            State.CONFIRMED,
            List.of());
    call.dialog = dialog;
    call.media = media;
    call.inRoster = true;
    call.callId = dialog.getCallId().getCallId();
    call.fromTag = fromTag;
    call.toTag = toTag;
    dialog.setApplicationData(call);
    return call;
  }

  @Override
  public String conferenceUri() {
    return conferenceUri;
  }

  @Override
  public String entity() {
    return entity;
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public InetAddress source() {
    return source;
  }

  synchronized String callId() {
    return callId;
  }

  AdmissionPolicy.Caller caller() {
    return caller;
  }

  synchronized State state() {
    return state;
  }

  synchronized MediaLeg media() {
    return media;
  }

  // Caller controls (RFC 4733 digits): a * waiting for its second key, and a mute of its own.
  private long starKeyedNanos; // guarded by this
  private volatile boolean selfMuted;

  /**
   * Whether this digit completes *{@code second} within {@code withinNanos} of the *; a * starts
   * such a pair, any other digit ends it.
   */
  synchronized boolean completesStar(char digit, char second, long nowNanos, long withinNanos) {
    if (digit == '*') {
      starKeyedNanos = nowNanos;
      return false;
    }
    boolean completes =
        digit == second && starKeyedNanos != 0 && nowNanos - starKeyedNanos <= withinNanos;
    starKeyedNanos = 0;
    return completes;
  }

  /** Whether the caller muted itself (keyed *6), beside what the conference says. */
  boolean selfMuted() {
    return selfMuted;
  }

  void selfMuted(boolean muted) {
    selfMuted = muted;
  }

  long sinceMillis() {
    return sinceMillis;
  }

  /** The dialog is the call's from its first answer: its CANCEL comes here. */
  synchronized void own() {
    dialog = focus.sip.dialog(invite.transaction(), this);
  }

  // ----- a dial-in's way in -----

  /**
   * RFC 6501 join-handling confirm: the caller shows in the roster as dialing-in until a moderator
   * lets it in or refuses it, it cancels, or it waits too long. Meanwhile it hears "please wait for
   * the moderator" as early media (183 with the mixer's answer, RFC 3960), out of the mix, once it
   * sends media itself; without that prompt, or media for it, it rings (180).
   */
  synchronized void await(XmlElement document) {
    java.util.Optional<io.xconf.mixer.Sound> prompt = focus.prompts.get(Prompts.WAIT_FOR_MODERATOR);
    boolean early = false;
    if (prompt.isPresent() && invite.body() != null) {
      try {
        media = focus.live.join(this, document, callId, invite.body());
        media.setInMix(false);
        media.allowEarlyMedia();
        early = true;
      } catch (SdpException | MixerException e) {
        LOG.debug("No early media for {}: {}", endpoint, e.getMessage());
      }
    }
    try {
      Response progress = invite.response(early ? Response.SESSION_PROGRESS : Response.RINGING);
      ((ToHeader) progress.getHeader(ToHeader.NAME)).setTag(toTag);
      progress.addHeader(focus.contact(conferenceUri));
      if (early) {
        progress.setContent(
            media.localSdp(), focus.sip.headers().createContentTypeHeader("application", "sdp"));
      }
      invite.send(progress);
    } catch (Exception e) {
      LOG.debug("{} failed", early ? "183" : "180", e);
    }
    if (early) {
      playWhileWaiting(media, prompt.get());
    }
    inRoster = true;
    focus.roster.write(conferenceUri, Roster.waiting(entity, displayName, endpoint, addedByCall));
  }

  /**
   * The wait prompt again and again, with a pause, while the caller waits: queued under the call's
   * lock, so never after {@link #join} stopped it.
   */
  private synchronized void playWhileWaiting(MediaLeg leg, io.xconf.mixer.Sound prompt) {
    if (state != State.WAITING || media != leg) {
      return;
    }
    leg.play(prompt)
        .whenComplete((played, failed) -> focus.later(() -> playWhileWaiting(leg, prompt), 2000));
  }

  /** Into the mix; the 200 once the roster has the caller. */
  void join(XmlElement document) {
    String offer;
    synchronized (this) {
      if (state != State.WAITING && state != State.JOINING) {
        return;
      }
      state = State.JOINING;
      offer = invite.body();
      try {
        if (media == null) {
          media = focus.live.join(this, document, callId, offer);
        } else {
          media.stopPlaying(); // the early media of its wait: the same leg, the same answer
        }
        pinPending = !pins.isEmpty();
        media.setInMix(!pinPending);
      } catch (SdpException e) {
        refuse(Response.NOT_ACCEPTABLE_HERE, e.getMessage());
        return;
      } catch (MixerException e) {
        LOG.warn("No media for a call into {}: {}", conferenceUri, e.getMessage());
        refuse(Response.SERVICE_UNAVAILABLE, "no media resources");
        return;
      }
      inRoster = true;
    }
    focus
        .roster
        .write(
            conferenceUri,
            Roster.joined(
                entity,
                displayName,
                endpoint,
                focus.now(),
                Roster.audioLabel(document),
                callId,
                fromTag,
                toTag,
                addedByCall,
                // RFC 4575: dialing-in is "not yet in the roster (probably being authenticated)".
                pinPending ? "dialing-in" : "connected"))
        .whenComplete((written, refused) -> answer(refused));
  }

  /** 200 with ;isfocus and the mixer's answer, once the roster has the caller. */
  private synchronized void answer(Throwable refused) {
    if (state != State.JOINING) {
      return; // cancelled or ended meanwhile; that path wrote the roster
    }
    if (refused != null) {
      LOG.debug("{} not let into {}: {}", endpoint, conferenceUri, refused.getMessage());
      refuse(Response.SERVICE_UNAVAILABLE, "the conference cannot take the call");
      return;
    }
    try {
      Response ok = invite.response(Response.OK);
      ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(toTag);
      ok.addHeader(focus.contact(conferenceUri));
      if (invite.message().getHeader(RecordRouteHeader.NAME) == null) {
        ok.addHeader(focus.sip.recordRoute(invite.transport()));
      }
      ok.setContent(
          media.localSdp(), focus.sip.headers().createContentTypeHeader("application", "sdp"));
      invite.send(ok);
      state = State.ANSWERED;
      invite = null;
      focus.controls.later(conferenceUri);
      LOG.debug("{} joined {}", endpoint, conferenceUri);
    } catch (Exception e) {
      LOG.error("Answering a call into {} failed", conferenceUri, e);
      refuse(Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  /** Refuses a caller not answered yet: the INVITE's final answer, the place freed. */
  synchronized void refuse(int status, String reason) {
    if (state != State.WAITING && state != State.JOINING) {
      return;
    }
    invite.respond(status, reason);
    finish(Ending.LEFT, null);
  }

  // ----- within the dialog -----

  @Override
  public void request(SipRequest request) {
    switch (request.method()) {
      case Request.ACK -> confirmed();
      case Request.BYE -> bye(request);
      case Request.INVITE, Request.UPDATE -> reoffer(request);
      case Request.INFO, Request.OPTIONS -> request.respond(Response.OK, null);
      case Request.REFER -> refers.refer(request, conferenceUri);
      case Request.NOTIFY ->
          request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "no such subscription");
      case Request.SUBSCRIBE ->
          request.respond(Response.FORBIDDEN, "subscribe outside the call (RFC 6665 4.5.2)");
      default -> request.respond(Response.METHOD_NOT_ALLOWED, null);
    }
  }

  private synchronized void confirmed() {
    if (state == State.ANSWERED) {
      state = State.CONFIRMED;
      media.confirm();
      if (pinPending) {
        pinSinceMillis = System.currentTimeMillis();
        focus.prompts.get(Prompts.ENTER_PIN).ifPresent(media::play);
      } else {
        tellIfRecorded();
      }
    }
  }

  /** A caller who comes in while the conference is recorded hears so (RFC 6501 has no consent). */
  void tellIfRecorded() {
    MediaLeg leg = media();
    if (leg != null && focus.recordings.recording(conferenceUri)) {
      focus.prompts.get(Prompts.RECORDING).ifPresent(leg::play);
    }
  }

  /**
   * Whether the call is in the conference: answered, past its PIN. Calls waiting for a moderator
   * (with early media) and calls on their way out after wrong PINs are not.
   */
  synchronized boolean inConference() {
    return (state == State.ANSWERED || state == State.CONFIRMED) && !pinPending && !pinRefused;
  }

  /** What a key did to the PIN being keyed. */
  enum PinKey {
    /** Part of a PIN, or nothing to do. */
    MORE,
    RIGHT,
    /** A wrong PIN; the caller may try again. */
    WRONG,
    /** The last wrong PIN it may key. */
    FAILED
  }

  /** How many wrong PINs a call may key; then it ends. */
  static final int PIN_TRIES = 3;

  private static final int MAX_PIN_KEYS = 32;

  /** Whether the caller has yet to key its PIN. */
  boolean pinPending() {
    return pinPending;
  }

  /** Since when the caller may key its PIN (its ACK), 0 before. */
  synchronized long pinSinceMillis() {
    return pinSinceMillis;
  }

  /**
   * A key while the PIN is pending: digits gather, * starts over, # ends the PIN, which is compared
   * in constant time with every PIN of the conference.
   */
  synchronized PinKey keyPin(char digit) {
    if (!pinPending || state != State.CONFIRMED) {
      return PinKey.MORE;
    }
    if (digit == '*') {
      keyedPin.setLength(0);
      return PinKey.MORE;
    }
    if (digit != '#') {
      if (keyedPin.length() <= MAX_PIN_KEYS) {
        keyedPin.append(digit);
      }
      return PinKey.MORE;
    }
    if (keyedPin.length() == 0) {
      return PinKey.MORE;
    }
    byte[] keyed = keyedPin.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    keyedPin.setLength(0);
    boolean right = false;
    for (String pin : pins) {
      right |=
          java.security.MessageDigest.isEqual(
              keyed, pin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (right) {
      pinPending = false;
      return PinKey.RIGHT;
    }
    return ++wrongPins >= PIN_TRIES ? PinKey.FAILED : PinKey.WRONG;
  }

  /**
   * The caller failed to key a right PIN (or took too long): it is told, then hung up, and leaves
   * the roster as if it had never come.
   */
  void pinFailed() {
    MediaLeg leg;
    synchronized (this) {
      if (state != State.CONFIRMED || !pinPending) {
        return;
      }
      pinPending = false;
      pinRefused = true;
      leg = media;
    }
    leg.stopPlaying();
    java.util.Optional<io.xconf.mixer.Sound> goodbye = focus.prompts.get(Prompts.PIN_FAILED);
    // Hung up once told, or a little after the prompt's length whatever the mixer says.
    goodbye
        .map(sound -> leg.play(sound).toCompletableFuture())
        .orElse(java.util.concurrent.CompletableFuture.completedFuture(null))
        .completeOnTimeout(
            null,
            goodbye.map(io.xconf.mixer.Sound::millis).orElse(0L) + 2000,
            java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenComplete((done, failure) -> hangUpAfterWrongPins());
  }

  private synchronized void hangUpAfterWrongPins() {
    if (state == State.CONFIRMED) {
      LOG.debug("{} keyed no right PIN for {}: hung up", endpoint, conferenceUri);
      hangUp();
      finish(Ending.LEFT, null);
    }
  }

  private void bye(SipRequest request) {
    request.respond(Response.OK, null);
    synchronized (this) {
      if (state == State.ANSWERED || state == State.CONFIRMED) {
        finish(Ending.LEFT, null);
      }
    }
  }

  /** Hold, resume, a new codec or address: the mixer answers the new offer. */
  private void reoffer(SipRequest request) {
    MediaLeg leg = media();
    if (leg == null || state() == State.ENDED) {
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
      return;
    }
    String offer = request.body();
    try {
      Response ok = request.response(Response.OK);
      ok.addHeader(focus.contact(conferenceUri));
      String answer = offer == null || offer.isBlank() ? leg.localSdp() : leg.reoffer(offer);
      ok.setContent(answer, focus.sip.headers().createContentTypeHeader("application", "sdp"));
      request.send(ok);
    } catch (SdpException e) {
      request.respond(Response.NOT_ACCEPTABLE_HERE, e.getMessage());
    } catch (Exception e) {
      LOG.error("re-INVITE of a call into {} failed", conferenceUri, e);
      request.respond(Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  @Override
  public synchronized void cancelled() {
    if (state == State.WAITING || state == State.JOINING) {
      invite.respond(Response.REQUEST_TERMINATED, null);
      finish(Ending.LEFT, null);
    }
  }

  @Override
  public synchronized void ackTimedOut() {
    if (state == State.ANSWERED) {
      LOG.debug("No ACK from {} into {}: hung up", endpoint, conferenceUri);
      hangUp();
      finish(Ending.LEFT, null);
    }
  }

  @Override
  public synchronized void terminated() {
    if (state == State.ANSWERED || state == State.CONFIRMED) {
      finish(Ending.LEFT, null);
    }
  }

  @Override
  public synchronized void end(String reason, boolean recorded) {
    switch (state) {
      case WAITING, JOINING -> {
        if (reason == null) {
          invite.respond(Response.NOT_FOUND, "the conference is gone");
        } else {
          invite.respond(Response.FORBIDDEN, reason);
        }
        finish(reason == null ? Ending.GONE : Ending.LEFT, null);
      }
      case ANSWERED, CONFIRMED -> {
        hangUp();
        finish(reason == null ? Ending.GONE : recorded ? Ending.RECORDED : Ending.BOOTED, reason);
      }
      case ENDED -> {}
    }
  }

  private void hangUp() {
    try {
      if (dialog != null && dialog.getState() != null) {
        focus.sip.send(dialog, dialog.createRequest(Request.BYE), Outgoing.IGNORED);
      }
    } catch (Exception e) {
      LOG.debug("BYE failed", e);
    }
  }

  /** The call is over: media freed, its place given back, the roster told. */
  private void finish(Ending ending, String reason) {
    state = State.ENDED;
    invite = null;
    if (media != null) {
      media.leave();
    }
    focus.live.leave(this);
    if (!inRoster) {
      return;
    }
    switch (ending) {
      case LEFT -> focus.roster.write(conferenceUri, Roster.left(entity, endpoint, addedByCall));
      case BOOTED ->
          focus.roster.write(
              conferenceUri,
              Roster.ended(entity, endpoint, addedByCall, "booted", focus.now(), reason));
      case RECORDED ->
          focus.roster.write(
              conferenceUri, Roster.disconnected(entity, endpoint, "booted", focus.now(), reason));
      case GONE -> {}
    }
  }

  /** The identities a moderator may name to let this waiting caller in: its own user. */
  List<String> givenIdentities() {
    return List.of(entity);
  }
}
