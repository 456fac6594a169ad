package io.xconf.focus.sip.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registrar (RFC 3261 section 10) for the Xconf accounts, so that Xconf alone serves SIP clients:
 * REGISTER with SIP Digest binds an account's address to contacts, kept in memory (clients refresh
 * them; a restart loses them until then). Behind a real proxy the focus is configured without it.
 */
final class Registrar {

  private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
  static final int MIN_EXPIRES = 60;
  static final int MAX_EXPIRES = 3600;
  private static final int DEFAULT_EXPIRES = 3600;

  /** One contact of an address-of-record until {@code expiresAt} (milliseconds). */
  record Binding(Address contact, String callId, long cseq, long expiresAt) {
    int secondsLeft(long now) {
      return (int) Math.max(0, (expiresAt - now + 999) / 1000);
    }
  }

  private final Signalling sip;
  private final SipDigest digest;
  private final AccountDirectory accounts;

  /** Normalised address-of-record to its bindings, newest last. */
  private final Map<String, List<Binding>> bindings = new ConcurrentHashMap<>();

  final Forwarder forwarder;

  Registrar(Signalling sip, SipDigest digest, AccountDirectory accounts) {
    this.forwarder = new Forwarder(sip);
    this.sip = sip;
    this.digest = digest;
    this.accounts = accounts;
  }

  void register(RequestEvent event) {
    ServerTransaction transaction = sip.serverTransaction(event);
    if (transaction == null) {
      return;
    }
    Request request = event.getRequest();
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    String aor = Addresses.normalize(to.getAddress().getURI().toString());
    if (aor == null || !(to.getAddress().getURI() instanceof SipURI uri) || !ours(uri)) {
      sip.respond(event, transaction, Response.NOT_FOUND, "not a domain of this registrar");
      return;
    }
    SipDigest.Proof proof = digest.check(request);
    if (proof.account() == null) {
      digest.challenge(event, transaction, proof.stale());
      return;
    }
    if (!digest.owns(proof.account(), aor)) {
      sip.respond(event, transaction, Response.FORBIDDEN, "not an address of this account");
      return;
    }
    long now = System.currentTimeMillis();
    String callId = Signalling.callId(request);
    long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
    ExpiresHeader expiresHeader = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
    int defaultExpires = expiresHeader == null ? DEFAULT_EXPIRES : expiresHeader.getExpires();
    List<ContactHeader> contacts = new ArrayList<>();
    ListIterator<?> it = request.getHeaders(ContactHeader.NAME);
    while (it != null && it.hasNext()) {
      contacts.add((ContactHeader) it.next());
    }
    int status;
    synchronized (this) {
      status = apply(aor, contacts, defaultExpires, callId, cseq, now);
    }
    if (status == Response.INTERVAL_TOO_BRIEF) {
      try {
        Response brief = sip.messages.createResponse(status, request);
        brief.addHeader(sip.headers.createMinExpiresHeader(MIN_EXPIRES));
        transaction.sendResponse(brief);
      } catch (Exception e) {
        LOG.debug("423 failed", e);
      }
      return;
    }
    if (status != Response.OK) {
      sip.respond(event, transaction, status, null);
      return;
    }
    try {
      Response ok = sip.messages.createResponse(Response.OK, request);
      for (Binding binding : bindings.getOrDefault(aor, List.of())) {
        ContactHeader contact = sip.headers.createContactHeader(binding.contact());
        contact.setExpires(binding.secondsLeft(now));
        ok.addHeader(contact);
      }
      transaction.sendResponse(ok);
      LOG.debug("{} registered as {}", proof.account().name(), aor);
    } catch (Exception e) {
      LOG.debug("200 to REGISTER failed", e);
    }
  }

  /** RFC 3261 section 10.3 steps 6 and 7; the status to answer. */
  private int apply(
      String aor,
      List<ContactHeader> contacts,
      int defaultExpires,
      String callId,
      long cseq,
      long now) {
    List<Binding> current = new ArrayList<>(live(aor, now));
    for (ContactHeader contact : contacts) {
      if (contact.isWildCard()) {
        if (contacts.size() > 1 || defaultExpires != 0) {
          return Response.BAD_REQUEST; // "*" only alone and with Expires: 0
        }
        current.clear();
        continue;
      }
      int expires = contact.getExpires() >= 0 ? contact.getExpires() : defaultExpires;
      if (expires > 0 && expires < MIN_EXPIRES) {
        return Response.INTERVAL_TOO_BRIEF;
      }
      URI uri = contact.getAddress().getURI();
      Optional<Binding> same =
          current.stream().filter(b -> b.contact().getURI().equals(uri)).findFirst();
      if (same.isPresent()) {
        Binding old = same.get();
        if (old.callId().equals(callId) && old.cseq() >= cseq) {
          continue; // an older REGISTER overtaken by a newer one
        }
        current.remove(old);
      }
      if (expires > 0) {
        current.add(
            new Binding(
                (Address) contact.getAddress().clone(),
                callId,
                cseq,
                now + Math.min(expires, MAX_EXPIRES) * 1000L));
      }
    }
    if (current.isEmpty()) {
      bindings.remove(aor);
    } else {
      bindings.put(aor, List.copyOf(current));
    }
    return Response.OK;
  }

  /** The contacts of an address-of-record now, newest last. */
  List<Binding> live(String address, long now) {
    String aor = Addresses.normalize(address);
    if (aor == null) {
      return List.of();
    }
    return bindings.getOrDefault(aor, List.of()).stream().filter(b -> b.expiresAt() > now).toList();
  }

  /** The newest contact of an address, for requests the focus sends to it. */
  Optional<URI> contactOf(String address) {
    List<Binding> now = live(address, System.currentTimeMillis());
    return now.isEmpty()
        ? Optional.empty()
        : Optional.of((URI) now.get(now.size() - 1).contact().getURI().clone());
  }

  synchronized void expire(long now) {
    forwarder.expire(now);
    bindings.replaceAll((aor, list) -> list.stream().filter(b -> b.expiresAt() > now).toList());
    bindings.values().removeIf(List::isEmpty);
  }

  /** Whether a URI names this domain (or the focus's own address). */
  boolean ours(SipURI uri) {
    String host = uri.getHost();
    return host != null && (host.equalsIgnoreCase(sip.domain) || host.equals(sip.address));
  }

  /**
   * Requests to a user of this domain rather than to a conference: forwarded to the user's newest
   * registered contact, 480 when the account has none now; anything else is left to the caller
   * (false).
   */
  boolean route(RequestEvent event) {
    Request request = event.getRequest();
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    if (to != null
        && to.getTag() != null
        && forwarder.routedHere(request)
        && request.getRequestURI() instanceof SipURI target) {
      // A phone that has the focus as its outbound proxy sends the dialog's requests through it,
      // to the other phone's contact (RFC 3261 loose routing): passed on as they are addressed.
      forwarder.forward(event, target);
      return true;
    }
    if (!(request.getRequestURI() instanceof SipURI uri) || uri.getUser() == null || !ours(uri)) {
      return false;
    }
    if (Request.BYE.equals(request.getMethod()) && (to == null || to.getTag() == null)) {
      // A BYE outside any dialog (a client giving up on a refused REGISTER, say) goes no further.
      sip.respond(event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
      return true;
    }
    String address = "sip:" + uri.getUser() + "@" + sip.domain;
    List<Binding> contacts = live(address, System.currentTimeMillis());
    if (contacts.isEmpty()) {
      if (accounts.byUri(address).isEmpty()) {
        return false;
      }
      if (!Request.ACK.equals(request.getMethod())) {
        sip.respond(event, Response.TEMPORARILY_UNAVAILABLE, "not registered now");
      }
      return true;
    }
    if (!(contacts.get(contacts.size() - 1).contact().getURI() instanceof SipURI contact)) {
      sip.respond(event, Response.NOT_FOUND, "no SIP contact");
      return true;
    }
    forwarder.forward(event, contact);
    return true;
  }
}
