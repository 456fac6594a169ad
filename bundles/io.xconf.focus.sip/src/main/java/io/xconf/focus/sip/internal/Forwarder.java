package io.xconf.focus.sip.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.address.SipURI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar's proxy (RFC 3261 section 16.11, stateless): a request for a registered user goes
 * on to its contact with the focus's Via on top, and the answers come back the same way. No
 * transaction is kept: the branch is derived from the caller's, so a retransmission, the CANCEL of
 * an INVITE and the ACK of a failed one match what the callee has already seen. No Record-Route:
 * phones send the dialog's later requests to each other, or through the focus when it is their
 * outbound proxy, and it forwards those as well.
 */
final class Forwarder {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

  /** Marks the focus's Vias on forwarded requests, after RFC 3261's magic cookie. */
  private static final String BRANCH_PREFIX = "z9hG4bK-xconf-fwd-";

  /** How long a forwarded transaction's final answer is remembered (RFC 3261 timer B). */
  private static final long FINISHED_MILLIS = 32_000;

  private final Signalling sip;

  /**
   * Branches of ours that had their final answer, until when: answers are handled on several
   * threads, so a 180 can come after its 200 and must then be dropped, not passed on.
   */
  private final Map<String, Long> finished = new ConcurrentHashMap<>();

  Forwarder(Signalling sip) {
    this.sip = sip;
  }

  /** Sends {@code event}'s request on to {@code contact}; 483 when it has travelled too far. */
  void forward(RequestEvent event, SipURI contact) {
    Request request = event.getRequest();
    Request forwarded = (Request) request.clone();
    MaxForwardsHeader hops = (MaxForwardsHeader) forwarded.getHeader(MaxForwardsHeader.NAME);
    try {
      if (hops != null && hops.getMaxForwards() <= 0) {
        if (!Request.ACK.equals(request.getMethod())) {
          sip.respond(event, Response.TOO_MANY_HOPS, null);
        }
        return;
      }
      if (hops == null) {
        forwarded.setHeader(sip.headers.createMaxForwardsHeader(70));
      } else {
        hops.decrementMaxForwards();
      }
      forwarded.setRequestURI((SipURI) contact.clone());
      dropOwnRoute(forwarded);
      String transport = Signalling.transportFor(contact);
      forwarded.addFirst(
          sip.headers.createViaHeader(
              sip.address, sip.portFor(transport), transport, branch(request)));
      sip.provider.sendRequest(forwarded);
    } catch (Exception e) {
      LOG.debug("Forwarding {} to {} failed", request.getMethod(), contact, e);
      if (!Request.ACK.equals(request.getMethod())) {
        sip.respond(event, Response.SERVICE_UNAVAILABLE, "the user cannot be reached");
      }
    }
  }

  /** An answer to a request the focus forwarded goes back down the Vias; false if not one. */
  boolean response(ResponseEvent event) {
    Response response = event.getResponse();
    ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
    if (top == null || top.getBranch() == null || !top.getBranch().startsWith(BRANCH_PREFIX)) {
      return false;
    }
    Response back = (Response) response.clone();
    back.removeFirst(ViaHeader.NAME);
    if (back.getHeader(ViaHeader.NAME) == null) {
      return true;
    }
    // Checked and sent under one lock: a provisional answer handled on another thread must not
    // overtake the final one, nor follow it.
    synchronized (finished) {
      if (response.getStatusCode() >= 200) {
        finished.put(top.getBranch(), System.currentTimeMillis() + FINISHED_MILLIS);
      } else if (finished.containsKey(top.getBranch())) {
        return true;
      }
      try {
        sip.provider.sendResponse(back);
      } catch (Exception e) {
        LOG.debug("Returning a {} failed", response.getStatusCode(), e);
      }
    }
    return true;
  }

  void expire(long nowMillis) {
    finished.values().removeIf(until -> until <= nowMillis);
  }

  /** Whether the request's top Route names the focus (a phone's outbound proxy setting). */
  boolean routedHere(Request request) {
    RouteHeader route = (RouteHeader) request.getHeader(RouteHeader.NAME);
    return route != null
        && route.getAddress().getURI() instanceof SipURI uri
        && uri.getUser() == null
        && sip.address.equals(uri.getHost())
        && (uri.getPort() <= 0 || uri.getPort() == sip.port || uri.getPort() == sip.tlsPort);
  }

  /** A Route naming the focus itself is used up here. */
  private void dropOwnRoute(Request request) {
    if (routedHere(request)) {
      request.removeFirst(RouteHeader.NAME);
    }
  }

  /**
   * The same for every message of one transaction of the caller, and for its CANCEL and the ACK of
   * a failed INVITE, which carry the INVITE's branch.
   */
  private static String branch(Request request) {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    String seed =
        (via == null ? "" : via.getBranch() + via.getHost() + via.getPort())
            + Signalling.callId(request);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      return BRANCH_PREFIX + HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
