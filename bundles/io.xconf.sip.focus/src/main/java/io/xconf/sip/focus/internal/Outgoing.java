package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.SdpException;
import io.xconf.sip.SipClientHandler;
import io.xconf.sip.SipDialogHandler;
import io.xconf.sip.SipRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.header.CSeqHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call the focus places, until it is answered (then a {@link Call} takes its place) or fails. It
 * hears its INVITE's answers and owns the early dialog.
 */
final class Outgoing implements Leg, SipClientHandler, SipDialogHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Outgoing.class);

  /** For requests whose answers change nothing (BYE, CANCEL, sipfrag NOTIFYs). */
  static final SipClientHandler IGNORED =
      new SipClientHandler() {
        @Override
        public void response(ResponseEvent event) {}

        @Override
        public void failed(String reason) {}
      };

  /** Told when the call is answered and becomes a {@link Call}. */
  interface Answered {
    void answered(Outgoing outgoing, Call call);
  }

  private final FocusContext focus;
  private final Call.Refers refers;
  private final String conferenceUri;
  private final String target;
  private final String entity;
  private final boolean addedByCall;
  private final Consumer<String> progress;
  private final Answered answered;
  private final long sinceMillis = System.currentTimeMillis();

  // Guarded by this.
  private MediaLeg media;
  private ClientTransaction transaction;
  private boolean alerting;
  private boolean over;
  private boolean cancelWanted;

  /**
   * @param addedByCall whether the call brings the user (a referred one), which leaves with it
   * @param progress told each status the callee answers with, e.g. "180 Ringing"
   */
  Outgoing(
      FocusContext focus,
      Call.Refers refers,
      String conferenceUri,
      String target,
      String entity,
      boolean addedByCall,
      Consumer<String> progress,
      Answered answered) {
    this.focus = focus;
    this.refers = refers;
    this.conferenceUri = conferenceUri;
    this.target = target;
    this.entity = entity;
    this.addedByCall = addedByCall;
    this.progress = progress;
    this.answered = answered;
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
    return target;
  }

  @Override
  public InetAddress source() {
    return null;
  }

  boolean addedByCall() {
    return addedByCall;
  }

  long sinceMillis() {
    return sinceMillis;
  }

  /**
   * The media offered in the INVITE: before it is sent, since its answer may come at once. False
   * when the call was ended meanwhile: then nothing is to be sent, and the media is the caller's to
   * free.
   */
  synchronized boolean offered(MediaLeg media) {
    if (over) {
      return false;
    }
    this.media = media;
    return true;
  }

  private synchronized MediaLeg offeredMedia() {
    return media;
  }

  /** The INVITE's transaction, once sent; cancels it if the call was ended meanwhile. */
  void sent(ClientTransaction transaction) {
    boolean cancel;
    synchronized (this) {
      this.transaction = transaction;
      cancel = cancelWanted;
    }
    if (cancel) {
      cancel();
    }
  }

  @Override
  public void response(ResponseEvent event) {
    Response response = event.getResponse();
    int status = response.getStatusCode();
    String statusLine = status + " " + response.getReasonPhrase();
    if (status < 200) {
      if (status >= 180) {
        alerting(statusLine);
      }
      return;
    }
    if (status < 300) {
      connected(event);
      return;
    }
    boolean busy =
        status == Response.BUSY_HERE
            || status == Response.BUSY_EVERYWHERE
            || status == Response.DECLINE;
    fail(busy ? "busy" : "failed", statusLine);
  }

  /**
   * The first 18x: alerting in the roster. Under the lock that ends the ringing, so that a 180
   * handled on one thread never overwrites the 200 handled on another.
   */
  private synchronized void alerting(String statusLine) {
    if (alerting || over) {
      return;
    }
    alerting = true;
    progress.accept(statusLine);
    focus.roster.write(conferenceUri, Roster.dialing(entity, target, "alerting"));
  }

  /** 2xx: ACK, the callee's SDP to the mixer, and a {@link Call} from now on. */
  private void connected(ResponseEvent event) {
    Response response = event.getResponse();
    Dialog dialog = event.getDialog();
    try {
      if (dialog != null) {
        long cseq = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber();
        dialog.sendAck(dialog.createAck(cseq));
      }
    } catch (Exception e) {
      LOG.debug("ACK failed", e);
    }
    MediaLeg leg;
    synchronized (this) {
      if (over || dialog == null) {
        // Answered after it was cancelled (the 200 crossed our CANCEL): end it.
        bye(dialog);
        return;
      }
      over = true;
      leg = media;
    }
    byte[] content = response.getRawContent();
    String answer = content == null ? "" : new String(content, StandardCharsets.UTF_8);
    try {
      leg.answer(answer);
    } catch (SdpException e) {
      bye(dialog);
      progress.accept("488 Not Acceptable Here");
      finish("failed", "488 " + e.getMessage());
      return;
    }
    leg.confirm();
    Call call =
        Call.dialedOut(
            focus,
            refers,
            this,
            dialog,
            leg,
            ((FromHeader) response.getHeader(FromHeader.NAME)).getTag(),
            ((ToHeader) response.getHeader(ToHeader.NAME)).getTag());
    focus.live.replace(this, call);
    progress.accept("200 OK");
    focus.roster.write(
        conferenceUri,
        Roster.answered(
            entity,
            target,
            call.callId(),
            ((FromHeader) response.getHeader(FromHeader.NAME)).getTag(),
            ((ToHeader) response.getHeader(ToHeader.NAME)).getTag()));
    answered.answered(this, call);
    focus.controls.later(conferenceUri);
  }

  @Override
  public void failed(String reason) {
    fail("failed", reason);
  }

  private void fail(String method, String reason) {
    synchronized (this) {
      if (over) {
        return;
      }
      over = true;
    }
    progress.accept(reason.matches("\\d{3} .*") ? reason : "500 " + reason);
    finish(method, reason);
  }

  /** No answer after ringing too long (RFC 3261 timer C): CANCEL, then failed. */
  void ringTooLong() {
    cancel();
    fail("failed", "408 no answer");
  }

  @Override
  public void end(String reason, boolean recorded) {
    synchronized (this) {
      if (over) {
        return;
      }
      over = true;
    }
    cancel();
    progress.accept("487 Request Terminated");
    MediaLeg leg = offeredMedia();
    if (leg != null) {
      leg.leave();
    }
    focus.live.leave(this);
    if (reason == null) {
      return;
    }
    focus.roster.write(
        conferenceUri,
        Roster.ended(entity, target, addedByCall && !recorded, "booted", focus.now(), reason));
  }

  /** Media freed, place given back; the roster says why (a referred user leaves no trace). */
  private void finish(String method, String reason) {
    MediaLeg leg = offeredMedia();
    if (leg != null) {
      leg.leave();
    }
    focus.live.leave(this);
    focus.roster.write(
        conferenceUri, Roster.ended(entity, target, addedByCall, method, focus.now(), reason));
  }

  private void cancel() {
    ClientTransaction ringing;
    synchronized (this) {
      ringing = transaction;
      cancelWanted = ringing == null;
    }
    if (ringing == null) {
      return;
    }
    try {
      focus.sip.send(ringing.createCancel(), IGNORED);
    } catch (Exception e) {
      LOG.debug("CANCEL of {} failed", target, e);
    }
  }

  private void bye(Dialog dialog) {
    try {
      if (dialog != null && dialog.getState() != null) {
        focus.sip.send(dialog, dialog.createRequest(Request.BYE), IGNORED);
      }
    } catch (Exception e) {
      LOG.debug("BYE failed", e);
    }
  }

  // ----- the early dialog -----

  @Override
  public void request(SipRequest request) {
    // Before the answer the callee has nothing to ask the focus.
    request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "not answered yet");
  }
}
