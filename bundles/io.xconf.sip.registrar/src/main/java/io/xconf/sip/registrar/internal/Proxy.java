package io.xconf.sip.registrar.internal;

import io.xconf.sip.Sip;
import io.xconf.sip.SipRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar's proxy (RFC 3261 section 16.11, stateless): a request for a registered user goes
 * on to its contact with the proxy's Via on top, and the answers come back the same way. No
 * transaction is kept: the branch is derived from the caller's, so a retransmission, the CANCEL of
 * an INVITE and the ACK of a failed one match what the callee has already seen. The branch is keyed
 * with a secret of this run: an answer is sent back down its Vias only if its top one is the
 * proxy's for the Via below it, so a forged answer cannot make the server send anything anywhere.
 * No Record-Route: phones send the call's later requests to each other, or through the proxy when
 * it is their outbound proxy, which forwards them only within calls it forwarded ({@link
 * ForwardedDialogs}). Nothing else is relayed.
 */
final class Proxy {

  private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);

  /** Marks the proxy's Vias on forwarded requests, after RFC 3261's magic cookie. */
  static final String BRANCH_PREFIX = "z9hG4bK-xconf-fwd-";

  /** How long a forwarded transaction's final answer is remembered (RFC 3261 timer B). */
  private static final long FINISHED_MILLIS = 32_000;

  private final Sip sip;
  private final ForwardedDialogs calls = new ForwardedDialogs();
  private final SecretKeySpec branchKey;

  /**
   * Branches of ours that had their final answer, until when: answers are handled on several
   * threads, so a 180 can come after its 200 and must then be dropped, not passed on.
   */
  private final Map<String, Long> finished = new ConcurrentHashMap<>();

  Proxy(Sip sip) {
    this.sip = sip;
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.branchKey = new SecretKeySpec(secret, "HmacSHA256");
  }

  /**
   * A request outside any dialog for a registered user: on to its contact. An INVITE is remembered,
   * so that the call's later requests may follow it.
   */
  void forwardNew(SipRequest request, SipURI contact) {
    Request message = request.message();
    if (Request.INVITE.equals(message.getMethod())) {
      FromHeader from = (FromHeader) message.getHeader(FromHeader.NAME);
      ContactHeader caller = (ContactHeader) message.getHeader(ContactHeader.NAME);
      ForwardedDialogs.Call call =
          new ForwardedDialogs.Call(
              request.callId(),
              from.getTag(),
              caller == null ? null : caller.getAddress().getURI().toString(),
              contact.toString(),
              System.currentTimeMillis());
      if (from.getTag() == null) {
        request.respond(Response.BAD_REQUEST, "a From tag is needed");
        return;
      }
      if (!calls.add(call)) {
        request.respond(Response.SERVICE_UNAVAILABLE, "too many calls through the proxy");
        return;
      }
    }
    forward(request, contact);
  }

  /**
   * Whether a request that matched no dialog of the stack's belongs to a call the proxy forwarded,
   * with its Call-ID and both tags, going to the other party's own contact (or, for the CANCEL or
   * the ACK of a call not answered yet, to the user it was for).
   */
  Optional<SipURI> targetWithin(SipRequest request) {
    Request message = request.message();
    String fromTag = ((FromHeader) message.getHeader(FromHeader.NAME)).getTag();
    ToHeader to = (ToHeader) message.getHeader(ToHeader.NAME);
    String toTag = to == null ? null : to.getTag();
    String method = message.getMethod();
    Optional<ForwardedDialogs.Call> call = calls.find(request.callId(), fromTag, toTag);
    if (call.isEmpty() && Request.ACK.equals(method)) {
      // The ACK of a refused INVITE carries the refusal's To tag, not a callee's.
      call = calls.find(request.callId(), fromTag, null);
    }
    if (call.isEmpty() || !(message.getRequestURI() instanceof SipURI addressed)) {
      return Optional.empty();
    }
    String peer = call.get().peerOf(fromTag, toTag).orElse(call.get().calleeContact);
    boolean toPeer = ForwardedDialogs.same(addressed.toString(), peer);
    boolean setup = Request.CANCEL.equals(method) || Request.ACK.equals(method);
    if (!toPeer && !setup) {
      return Optional.empty();
    }
    try {
      return Optional.of(toPeer ? addressed : (SipURI) sip.addresses().createURI(peer));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Forwards a request within a forwarded call; a BYE ends what is remembered of it. */
  void forwardWithin(SipRequest request, SipURI target) {
    Request message = request.message();
    String fromTag = ((FromHeader) message.getHeader(FromHeader.NAME)).getTag();
    ToHeader to = (ToHeader) message.getHeader(ToHeader.NAME);
    Optional<ForwardedDialogs.Call> call =
        calls.find(request.callId(), fromTag, to == null ? null : to.getTag());
    call.ifPresent(c -> c.lastUsed = System.currentTimeMillis());
    if (Request.BYE.equals(message.getMethod())) {
      call.ifPresent(calls::remove);
    }
    forward(request, target);
  }

  /** Sends a request on to {@code target}; 483 when it has travelled too far. */
  private void forward(SipRequest request, SipURI target) {
    Request forwarded = (Request) request.message().clone();
    MaxForwardsHeader hops = (MaxForwardsHeader) forwarded.getHeader(MaxForwardsHeader.NAME);
    boolean ack = Request.ACK.equals(forwarded.getMethod());
    try {
      if (hops != null && hops.getMaxForwards() <= 0) {
        if (!ack) {
          request.respond(Response.TOO_MANY_HOPS, null);
        }
        return;
      }
      if (hops == null) {
        forwarded.setHeader(sip.headers().createMaxForwardsHeader(70));
      } else {
        hops.decrementMaxForwards();
      }
      forwarded.setRequestURI((SipURI) target.clone());
      dropOwnRoute(forwarded);
      // Phones are outside any trust domain (RFC 3325 section 5): no asserted identity reaches
      // them.
      forwarded.removeHeader("P-Asserted-Identity");
      forwarded.removeHeader("P-Preferred-Identity");
      String transport = Sip.transportOf(target);
      ViaHeader via =
          sip.headers()
              .createViaHeader(
                  sip.address(),
                  sip.port(transport),
                  transport,
                  branch(
                      (ViaHeader) request.message().getHeader(ViaHeader.NAME), request.callId()));
      forwarded.addFirst(via);
      sip.forward(forwarded);
    } catch (Exception e) {
      LOG.debug("Forwarding {} to {} failed", forwarded.getMethod(), target, e);
      if (!ack) {
        request.respond(Response.SERVICE_UNAVAILABLE, "the user cannot be reached");
      }
    }
  }

  /** Whether an answer is to a request the proxy forwarded. */
  static boolean forwardedBy(Response response) {
    ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
    return top != null && top.getBranch() != null && top.getBranch().startsWith(BRANCH_PREFIX);
  }

  /**
   * An answer to a forwarded request goes back down the Vias, if the top one is the proxy's own for
   * the Via below it and the answer's Call-ID.
   */
  void answer(Response response) {
    ListIterator<?> vias = response.getHeaders(ViaHeader.NAME);
    ViaHeader top = vias.hasNext() ? (ViaHeader) vias.next() : null;
    ViaHeader caller = vias.hasNext() ? (ViaHeader) vias.next() : null;
    CallIdHeader callId = (CallIdHeader) response.getHeader(CallIdHeader.NAME);
    if (top == null
        || caller == null
        || callId == null
        || !branch(caller, callId.getCallId()).equals(top.getBranch())) {
      LOG.debug("An answer to nothing the proxy sent was dropped");
      return;
    }
    Response back = (Response) response.clone();
    back.removeFirst(ViaHeader.NAME);
    int status = response.getStatusCode();
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    if (status >= 200 && status < 300 && cseq != null && Request.INVITE.equals(cseq.getMethod())) {
      ContactHeader contact = (ContactHeader) response.getHeader(ContactHeader.NAME);
      calls.answered(
          callId.getCallId(),
          ((FromHeader) response.getHeader(FromHeader.NAME)).getTag(),
          ((ToHeader) response.getHeader(ToHeader.NAME)).getTag(),
          contact == null ? null : contact.getAddress().getURI().toString(),
          System.currentTimeMillis());
    }
    // Checked and sent under one lock: a provisional answer handled on another thread must not
    // overtake the final one, nor follow it.
    synchronized (finished) {
      if (status >= 200) {
        finished.put(top.getBranch(), System.currentTimeMillis() + FINISHED_MILLIS);
      } else if (finished.containsKey(top.getBranch())) {
        return;
      }
      try {
        sip.forward(back);
      } catch (Exception e) {
        LOG.debug("Returning a {} failed", status, e);
      }
    }
  }

  void expire(long nowMillis) {
    finished.values().removeIf(until -> until <= nowMillis);
    calls.expire(nowMillis);
  }

  /** A Route naming this server is used up here (a phone's outbound proxy setting). */
  private void dropOwnRoute(Request request) {
    RouteHeader route = (RouteHeader) request.getHeader(RouteHeader.NAME);
    if (route != null
        && route.getAddress().getURI() instanceof SipURI uri
        && uri.getUser() == null
        && sip.isLocal(uri)) {
      request.removeFirst(RouteHeader.NAME);
    }
  }

  /**
   * The same for every message of one transaction of the caller, and for its CANCEL and the ACK of
   * a failed INVITE, which carry the INVITE's branch; keyed, so that only the proxy can make one.
   */
  private String branch(ViaHeader callerVia, String callId) {
    String seed =
        (callerVia == null
                ? ""
                : callerVia.getBranch() + " " + callerVia.getHost() + " " + callerVia.getPort())
            + " "
            + callId;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(branchKey);
      byte[] hash = mac.doFinal(seed.getBytes(StandardCharsets.UTF_8));
      return BRANCH_PREFIX + HexFormat.of().formatHex(hash, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
