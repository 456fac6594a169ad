package io.xconf.focus.sip.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.SdpException;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.TimeoutEvent;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the focus places (RFC 6501 allowed-users-list, {@code method="dial-out"}): each target is
 * called once while its conference runs and it is listed, with the mixer's offer; what happens to
 * the call goes into the roster.
 */
final class DialOut {

  private static final Logger LOG = LoggerFactory.getLogger(DialOut.class);

  /** How long a call the focus places may ring (RFC 3261 timer C is at least 3 minutes). */
  static final long RING_MILLIS = 180_000;

  private final ConferenceService model;
  private final Signalling sip;
  private final LiveConferences live;

  /** Where registered users of this domain are reached; null without the registrar. */
  private final Registrar registrar;

  /** conference URI + " " + target: the targets called while listed, with their Call-ID. */
  private final Map<String, String> dialled = new ConcurrentHashMap<>();

  private final ExecutorService dialer =
      Executors.newFixedThreadPool(
          4,
          task -> {
            Thread thread = new Thread(task, "xconf-focus-dial-out");
            thread.setDaemon(true);
            return thread;
          });

  DialOut(ConferenceService model, Signalling sip, LiveConferences live, Registrar registrar) {
    this.model = model;
    this.sip = sip;
    this.live = live;
    this.registrar = registrar;
  }

  /** Calls the targets of {@code document} soon, off the caller's thread (it may wait on DNS). */
  void later(String conferenceUri, XmlElement document) {
    dialer.execute(() -> dialOuts(conferenceUri, document));
  }

  /** As {@link #later}, with the conference's document as it is then. */
  void later(String conferenceUri) {
    dialer.execute(
        () -> model.get(conferenceUri).ifPresent(c -> dialOuts(conferenceUri, c.document())));
  }

  /**
   * Calls a user the conference does not list as a dial-out target (a REFER, RFC 4579 section 5.5),
   * once, off the caller's thread; {@code progress} hears each status the callee answers with, and
   * "500 ..." when the call cannot be placed.
   */
  void invite(String conferenceUri, String target, Consumer<String> progress) {
    dialer.execute(
        () -> {
          try {
            XmlElement document = model.get(conferenceUri).orElseThrow().document();
            dial(conferenceUri, document, target, null, progress);
          } catch (Exception e) {
            LOG.warn("Dialling {} for {} failed: {}", target, conferenceUri, e.toString());
            progress.accept("500 " + e.getMessage());
          }
        });
  }

  /** The conference is gone: its targets may be called again should it come back. */
  void forget(String conferenceUri) {
    dialled.keySet().removeIf(key -> key.startsWith(conferenceUri + " "));
  }

  void shutdown() {
    dialer.shutdownNow();
  }

  /** Calls the targets not called yet; cancels or hangs up those no longer listed. */
  private void dialOuts(String conferenceUri, XmlElement document) {
    if (!Activation.isActive(document, Instant.now())) {
      return;
    }
    List<String> targets = Roster.dialOutTargets(document);
    for (String target : targets) {
      String key = conferenceUri + " " + UserIds.comparable(target);
      if (dialled.putIfAbsent(key, "") == null) {
        try {
          dial(conferenceUri, document, target, key, status -> {});
        } catch (Exception e) {
          LOG.warn("Dialling {} for {} failed: {}", target, conferenceUri, e.toString());
          live.roster(
              conferenceUri,
              Roster.disconnected(
                  entityOf(document, target),
                  target,
                  "failed",
                  LiveConferences.now(),
                  "500 " + e.getMessage()));
        }
      }
    }
    for (Map.Entry<String, String> entry : List.copyOf(dialled.entrySet())) {
      String key = entry.getKey();
      if (!key.startsWith(conferenceUri + " ")) {
        continue;
      }
      String target = key.substring(conferenceUri.length() + 1);
      if (targets.stream().noneMatch(t -> UserIds.comparable(t).equals(target))) {
        dialled.remove(key);
        live.drop(entry.getValue());
      }
    }
  }

  /**
   * Places a call; {@code key} is its place among the conference's listed targets, null for a
   * referred one whose user, unless listed, leaves the roster with the call.
   */
  private void dial(
      String conferenceUri,
      XmlElement document,
      String target,
      String key,
      Consumer<String> progress)
      throws Exception {
    String entity = entityOf(document, target);
    boolean userAddedByCall = key == null && Roster.user(document, entity).isEmpty();
    CallIdHeader callIdHeader = sip.provider.getNewCallId();
    String callId = callIdHeader.getCallId();
    MediaLeg leg = live.mixOf(conferenceUri).offer(callId);
    try {
      SipURI targetUri = (SipURI) sip.addresses.createURI(target);
      SipURI requestUri = reachable(targetUri);
      String transport = Signalling.transportFor(requestUri);
      FromHeader from =
          sip.headers.createFromHeader(
              sip.addresses.createAddress(
                  sip.addresses.createSipURI(Signalling.conferenceId(conferenceUri), sip.domain)),
              Signalling.newTag());
      ToHeader to = sip.headers.createToHeader(sip.addresses.createAddress(targetUri), null);
      Request invite =
          sip.messages.createRequest(
              requestUri,
              Request.INVITE,
              callIdHeader,
              sip.headers.createCSeqHeader(1L, Request.INVITE),
              from,
              to,
              new ArrayList<>(
                  List.of(
                      sip.headers.createViaHeader(
                          sip.address, sip.portFor(transport), transport, null))),
              sip.headers.createMaxForwardsHeader(70),
              sip.headers.createContentTypeHeader("application", "sdp"),
              leg.localSdp());
      ConferenceObject conference = model.get(conferenceUri).orElseThrow();
      invite.addHeader(sip.contactAt(conference, transport));
      ClientTransaction transaction = sip.provider.getNewClientTransaction(invite);
      sip.dialogOf(transaction);
      live.outgoing.put(
          callId,
          new Outgoing(
              callId,
              conferenceUri,
              target,
              entity,
              userAddedByCall,
              transaction,
              leg,
              progress,
              System.currentTimeMillis()));
      if (key != null) {
        dialled.put(key, callId);
      }
      live.roster(conferenceUri, Roster.dialing(entity, target, "dialing-out"));
      transaction.sendRequest();
      LOG.debug("Dialling {} into {}", target, conferenceUri);
    } catch (Exception e) {
      live.outgoing.remove(callId);
      leg.leave();
      live.closeMixIfIdle(conferenceUri);
      throw e;
    }
  }

  /** Where to send a request for a target: a user registered here at its contact. */
  SipURI reachable(SipURI target) {
    return registrar == null || !registrar.ours(target)
        ? target
        : registrar
            .contactOf(target.toString())
            .filter(SipURI.class::isInstance)
            .map(SipURI.class::cast)
            .orElse(target);
  }

  /** Ends calls that ring too long (RFC 3261 timer C). */
  void expire(long nowMillis) {
    for (Outgoing ringing : List.copyOf(live.outgoing.values())) {
      if (nowMillis - ringing.sinceMillis() >= RING_MILLIS
          && live.outgoing.remove(ringing.callId(), ringing)) {
        live.cancel(ringing);
        ringing.progress().accept("408 Request Timeout");
        failed(ringing, "failed", "408 no answer");
      }
    }
  }

  /**
   * The stack could not reach {@code host:port} (a TCP or TLS connection refused ends the
   * transaction with neither a response nor a timeout): the calls placed there fail.
   */
  void unreachable(String host, int port) {
    for (Outgoing ringing : List.copyOf(live.outgoing.values())) {
      if (Signalling.sentTo(ringing.transaction().getRequest(), host, port)
          && live.outgoing.remove(ringing.callId(), ringing)) {
        ringing.progress().accept("503 Service Unavailable");
        failed(ringing, "failed", "503 unreachable");
      }
    }
  }

  /** A call the focus would not place after all (the TLS peer is not who it called). */
  void refused(String callId, String reason) {
    Outgoing ringing = live.outgoing.remove(callId);
    if (ringing != null) {
      ringing.progress().accept("503 Service Unavailable");
      failed(ringing, "failed", "503 " + reason);
    }
  }

  /** Answers to our INVITEs: alerting, connected (ACK, the callee's SDP), or why not. */
  void response(ResponseEvent event) {
    Response response = event.getResponse();
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    if (cseq == null || !Request.INVITE.equals(cseq.getMethod())) {
      return; // answers to BYE, CANCEL, NOTIFY
    }
    String callId = Signalling.callId(response);
    int status = response.getStatusCode();
    String statusLine = status + " " + response.getReasonPhrase();
    if (status < 200) {
      Outgoing ringing = live.outgoing.get(callId);
      if (ringing != null && status >= 180) {
        ringing.progress().accept(statusLine);
        live.roster(
            ringing.conferenceUri(),
            Roster.dialing(ringing.entity(), ringing.target(), "alerting"));
      }
      return;
    }
    Outgoing call = live.outgoing.remove(callId);
    if (status < 300) {
      answered(event, cseq, call);
    } else if (call != null) {
      call.progress().accept(statusLine);
      boolean busy =
          status == Response.BUSY_HERE
              || status == Response.BUSY_EVERYWHERE
              || status == Response.DECLINE;
      failed(call, busy ? "busy" : "failed", statusLine);
    }
  }

  private void answered(ResponseEvent event, CSeqHeader cseq, Outgoing call) {
    Dialog dialog = event.getDialog();
    try {
      if (dialog != null) {
        dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
      }
    } catch (Exception e) {
      LOG.debug("ACK failed", e);
    }
    if (call == null) {
      // Answered after it was cancelled (the 200 crossed our CANCEL): end it.
      sip.bye(dialog);
      return;
    }
    Response response = event.getResponse();
    try {
      String answer = Signalling.body(response);
      call.leg().answer(answer == null ? "" : answer);
    } catch (SdpException e) {
      sip.bye(dialog);
      call.progress().accept("488 Not Acceptable Here");
      failed(call, "failed", "488 " + e.getMessage());
      return;
    }
    call.progress().accept("200 OK");
    live.calls.put(
        call.callId(),
        new Call(
            call.callId(),
            call.conferenceUri(),
            call.entity(),
            call.target(),
            call.userAddedByCall(),
            dialog,
            call.leg()));
    live.roster(
        call.conferenceUri(),
        Roster.answered(
            call.entity(),
            call.target(),
            call.callId(),
            ((FromHeader) response.getHeader(FromHeader.NAME)).getTag(),
            ((ToHeader) response.getHeader(ToHeader.NAME)).getTag()));
    live.applyControlsLater(call.conferenceUri());
  }

  /** An INVITE of ours that got no final answer in time. */
  void timeout(TimeoutEvent event) {
    ClientTransaction transaction = event.getClientTransaction();
    if (transaction == null || !Request.INVITE.equals(transaction.getRequest().getMethod())) {
      return;
    }
    Outgoing call = live.outgoing.remove(Signalling.callId(transaction.getRequest()));
    if (call != null) {
      call.progress().accept("408 Request Timeout");
      failed(call, "failed", "408 no answer");
    }
  }

  private void failed(Outgoing call, String method, String reason) {
    call.leg().leave();
    live.closeMixIfIdle(call.conferenceUri());
    // A referred user that never connected leaves no trace to count against the conference.
    live.roster(
        call.conferenceUri(),
        call.userAddedByCall()
            ? Roster.left(call.entity(), call.target(), true)
            : Roster.disconnected(
                call.entity(), call.target(), method, LiveConferences.now(), reason));
  }

  private String entityOf(XmlElement document, String target) {
    return Roster.userFor(document, target)
        .orElseGet(
            () -> model.userIdOf(target).orElseGet(() -> UserIds.derived(target, sip.domain)));
  }
}
