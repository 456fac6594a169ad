package io.xconf.sip.registrar.internal;

import io.xconf.accounts.Addresses;
import io.xconf.sip.Sip;
import io.xconf.sip.SipAuthenticator;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 * The registrar's bindings (RFC 3261 section 10): REGISTER with SIP Digest binds an account's
 * address to contacts, kept in memory (clients refresh them; a restart loses them until then).
 */
final class Bindings {

  private static final Logger LOG = LoggerFactory.getLogger(Bindings.class);
  static final int MIN_EXPIRES = 60;
  static final int MAX_EXPIRES = 3600;
  private static final int DEFAULT_EXPIRES = 3600;

  /** Contacts one address-of-record may have at once. */
  static final int MAX_CONTACTS = 10;

  /** One contact of an address-of-record until {@code expiresAt} (milliseconds). */
  record Binding(Address contact, String callId, long cseq, long expiresAt) {
    int secondsLeft(long now) {
      return (int) Math.max(0, (expiresAt - now + 999) / 1000);
    }
  }

  private final Sip sip;
  private final SipAuthenticator authenticator;

  /** Normalised address-of-record to its bindings, newest last. */
  private final Map<String, List<Binding>> bindings = new ConcurrentHashMap<>();

  Bindings(Sip sip, SipAuthenticator authenticator) {
    this.sip = sip;
    this.authenticator = authenticator;
  }

  void register(SipRequest request) {
    if (request.transaction() == null) {
      return;
    }
    Request message = request.message();
    ToHeader to = (ToHeader) message.getHeader(ToHeader.NAME);
    String aor = Addresses.normalize(to.getAddress().getURI().toString());
    if (aor == null || !(to.getAddress().getURI() instanceof SipURI uri) || !sip.isLocal(uri)) {
      request.respond(Response.NOT_FOUND, "not a domain of this registrar");
      return;
    }
    SipIdentity identity = authenticator.identify(request);
    if (identity.account() == null) {
      authenticator.challenge(request, identity.staleCredentials());
      return;
    }
    if (!authenticator.owns(identity.account(), aor)) {
      request.respond(Response.FORBIDDEN, "not an address of this account");
      return;
    }
    long now = System.currentTimeMillis();
    long cseq = ((CSeqHeader) message.getHeader(CSeqHeader.NAME)).getSeqNumber();
    ExpiresHeader expiresHeader = (ExpiresHeader) message.getHeader(ExpiresHeader.NAME);
    int defaultExpires = expiresHeader == null ? DEFAULT_EXPIRES : expiresHeader.getExpires();
    List<ContactHeader> contacts = new ArrayList<>();
    ListIterator<?> it = message.getHeaders(ContactHeader.NAME);
    while (it != null && it.hasNext()) {
      contacts.add((ContactHeader) it.next());
    }
    int status;
    synchronized (this) {
      status = apply(aor, contacts, defaultExpires, request.callId(), cseq, now);
    }
    if (status == Response.INTERVAL_TOO_BRIEF) {
      try {
        Response brief = request.response(status);
        brief.addHeader(sip.headers().createMinExpiresHeader(MIN_EXPIRES));
        request.send(brief);
      } catch (Exception e) {
        LOG.debug("423 failed", e);
      }
      return;
    }
    if (status != Response.OK) {
      request.respond(status, null);
      return;
    }
    try {
      Response ok = request.response(Response.OK);
      for (Binding binding : bindings.getOrDefault(aor, List.of())) {
        ContactHeader contact = sip.headers().createContactHeader(binding.contact());
        contact.setExpires(binding.secondsLeft(now));
        ok.addHeader(contact);
      }
      request.send(ok);
      LOG.debug("{} registered as {}", identity.account().name(), aor);
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
    while (current.size() > MAX_CONTACTS) {
      current.remove(0); // the oldest give way
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

  /** The newest SIP contact of an address, for requests sent to it. */
  Optional<SipURI> contactOf(String address) {
    List<Binding> now = live(address, System.currentTimeMillis());
    return now.isEmpty() || !(now.get(now.size() - 1).contact().getURI() instanceof SipURI contact)
        ? Optional.empty()
        : Optional.of((SipURI) contact.clone());
  }

  synchronized void expire(long now) {
    bindings.replaceAll((aor, list) -> list.stream().filter(b -> b.expiresAt() > now).toList());
    bindings.values().removeIf(List::isEmpty);
  }
}
