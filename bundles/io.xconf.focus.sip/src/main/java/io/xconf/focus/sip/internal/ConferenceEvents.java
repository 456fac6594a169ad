package io.xconf.focus.sip.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceObject;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import javax.xml.namespace.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conference event package (RFC 4575 over RFC 6665): SUBSCRIBE to a conference URI, a full
 * NOTIFY at once and on every refresh, then a partial NOTIFY for every change of the conference
 * object, whether it came from CCMP or from SIP, in the subscription's dialog. Versions are the
 * conference object's, so they increase by one with every change.
 */
final class ConferenceEvents {

  private static final Logger LOG = LoggerFactory.getLogger(ConferenceEvents.class);
  static final String EVENT = "conference";
  private static final int DEFAULT_EXPIRES = 3600;
  private static final int MAX_EXPIRES = 86400;
  private static final Map<String, String> PREFIXES =
      Map.of(Namespaces.CONFERENCE_INFO, "", Namespaces.XCON, "xcon");
  private static final QName PASSWORD = Roster.xcon("conference-password");

  /**
   * What a watcher reads (its Accept): RFC 4575 conference-info with state-based partial
   * notifications, or RFC 6502's XCON formats, the whole RFC 6501 document every time or then RFC
   * 5261 patches.
   */
  enum Format {
    CONFERENCE_INFO,
    XCON,
    XCON_DIFF;

    static Format accepted(Request subscribe) {
      boolean xcon = false;
      ListIterator<?> accepts = subscribe.getHeaders(AcceptHeader.NAME);
      while (accepts != null && accepts.hasNext()) {
        AcceptHeader accept = (AcceptHeader) accepts.next();
        String type = accept.getContentType() + "/" + accept.getContentSubType();
        if (type.equalsIgnoreCase("application/" + XCON_DIFF_TYPE)) {
          return XCON_DIFF;
        }
        xcon |= type.equalsIgnoreCase("application/" + XCON_TYPE);
      }
      return xcon ? XCON : CONFERENCE_INFO;
    }
  }

  static final String XCON_TYPE = "xcon-conference-info+xml";
  static final String XCON_DIFF_TYPE = "xcon-conference-info-diff+xml";

  /** One subscription: its dialog, the conference, when it ends, what it reads. */
  private static final class Subscription {
    final String callId;
    final String conferenceUri;
    final Dialog dialog;
    final ContactHeader contact;
    volatile long expiresAtMillis;
    volatile Format format = Format.CONFERENCE_INFO;

    /** The version of the last state NOTIFYed; guarded by the subscription's lock. */
    long notifiedVersion = -1;

    Subscription(
        String callId,
        String conferenceUri,
        Dialog dialog,
        ContactHeader contact,
        long expiresAtMillis) {
      this.callId = callId;
      this.conferenceUri = conferenceUri;
      this.dialog = dialog;
      this.contact = contact;
      this.expiresAtMillis = expiresAtMillis;
    }
  }

  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;
  private final Function<ConferenceObject, ContactHeader> contacts;
  private final Function<String, RecordRouteHeader> recordRoute;
  private final Function<javax.sip.Transaction, Dialog> dialogs;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

  ConferenceEvents(
      SipProvider provider,
      MessageFactory messages,
      HeaderFactory headers,
      Function<ConferenceObject, ContactHeader> contacts,
      Function<String, RecordRouteHeader> recordRoute,
      Function<javax.sip.Transaction, Dialog> dialogs) {
    this.provider = provider;
    this.messages = messages;
    this.headers = headers;
    this.contacts = contacts;
    this.recordRoute = recordRoute;
    this.dialogs = dialogs;
  }

  /** A SUBSCRIBE (new, refresh or Expires: 0) for a conference the subscriber may watch. */
  void subscribe(RequestEvent event, ServerTransaction transaction, ConferenceObject conference)
      throws Exception {
    Request request = event.getRequest();
    String callId = ((javax.sip.header.CallIdHeader) request.getHeader("Call-ID")).getCallId();
    ExpiresHeader expiresHeader = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
    int expires =
        Math.min(MAX_EXPIRES, expiresHeader == null ? DEFAULT_EXPIRES : expiresHeader.getExpires());
    Response ok = messages.createResponse(Response.OK, request);
    ToHeader to = (ToHeader) ok.getHeader(ToHeader.NAME);
    ok.addHeader(headers.createExpiresHeader(expires));
    ok.addHeader(contacts.apply(conference));
    if (to.getTag() == null) {
      to.setTag(Long.toHexString(java.util.UUID.randomUUID().getMostSignificantBits()));
      if (request.getHeader(RecordRouteHeader.NAME) == null) {
        ok.addHeader(recordRoute.apply(Signalling.transport(request)));
      }
    }
    Dialog dialog = dialogs.apply(transaction);
    transaction.sendResponse(ok);
    Format format = Format.accepted(request);
    if (expires == 0) {
      Subscription ended = subscriptions.remove(callId);
      if (ended == null) {
        ended = new Subscription(callId, conference.uri(), dialog, contacts.apply(conference), 0);
      }
      ended.format = format;
      notify(
          ended,
          full(conference, format),
          SubscriptionStateHeader.TERMINATED,
          SubscriptionStateHeader.TIMEOUT);
      return;
    }
    Subscription subscription =
        subscriptions.compute(
            callId,
            (id, existing) -> {
              Subscription current =
                  existing != null
                      ? existing
                      : new Subscription(
                          id, conference.uri(), dialog, contacts.apply(conference), 0);
              current.expiresAtMillis = System.currentTimeMillis() + expires * 1000L;
              current.format = format;
              return current;
            });
    // RFC 6665 and RFC 6502 section 5.1: a new subscription and every refresh get the whole state.
    synchronized (subscription) {
      // A change may have reached the new subscription first, with a newer full state.
      if (subscription.notifiedVersion <= conference.version()) {
        notify(subscription, full(conference, format), SubscriptionStateHeader.ACTIVE, null);
        subscription.notifiedVersion = conference.version();
      }
    }
  }

  /** A partial NOTIFY to every watcher of a changed conference; terminated when it is deleted. */
  void changed(ConferenceChange change, String sipUri) {
    // Each format is written once per change, however many watchers read it.
    Map<Format, Body> bodies = new java.util.EnumMap<>(Format.class);
    for (Subscription subscription : subscriptions.values()) {
      if (!subscription.conferenceUri.equals(change.uri())) {
        continue;
      }
      if (change.kind() == ConferenceChange.Kind.DELETED || change.after() == null) {
        subscriptions.remove(subscription.callId);
        notify(
            subscription,
            null,
            SubscriptionStateHeader.TERMINATED,
            SubscriptionStateHeader.NO_RESOURCE);
      } else {
        synchronized (subscription) {
          long notified = subscription.notifiedVersion;
          if (change.newVersion() <= notified) {
            continue; // the full state sent on subscribing had this change already
          }
          // A partial state applies to the version before it only; after a gap, the full state.
          Body body =
              notified >= 0 && change.oldVersion() == notified
                  ? bodies.computeIfAbsent(subscription.format, f -> changes(change, sipUri, f))
                  : full(change, sipUri, subscription.format);
          if (body != null) {
            notify(subscription, body, SubscriptionStateHeader.ACTIVE, null);
          }
          subscription.notifiedVersion = change.newVersion();
        }
      }
    }
  }

  /** Ends the subscriptions whose time is up (RFC 6665 section 4.1.2.2). */
  void expire(long nowMillis) {
    for (Subscription subscription : subscriptions.values()) {
      if (subscription.expiresAtMillis > 0 && subscription.expiresAtMillis <= nowMillis) {
        subscriptions.remove(subscription.callId);
        notify(
            subscription,
            null,
            SubscriptionStateHeader.TERMINATED,
            SubscriptionStateHeader.TIMEOUT);
      }
    }
  }

  int count() {
    return subscriptions.size();
  }

  /** A NOTIFY body: the document and its application/* content subtype. */
  private record Body(XmlElement document, String subtype) {}

  private void notify(Subscription subscription, Body body, String state, String reason) {
    // One NOTIFY at a time per dialog, so that CSeq and version orders agree.
    synchronized (subscription) {
      send(subscription, body, state, reason);
    }
  }

  private void send(Subscription subscription, Body body, String state, String reason) {
    try {
      Request notify = subscription.dialog.createRequest(Request.NOTIFY);
      notify.addHeader(headers.createEventHeader(EVENT));
      SubscriptionStateHeader subscriptionState = headers.createSubscriptionStateHeader(state);
      if (SubscriptionStateHeader.ACTIVE.equals(state)) {
        long left = Math.max(0, (subscription.expiresAtMillis - System.currentTimeMillis()) / 1000);
        subscriptionState.setExpires((int) left);
      } else if (reason != null) {
        subscriptionState.setReasonCode(reason);
      }
      notify.addHeader(subscriptionState);
      // RFC 4579: the focus's Contact carries isfocus on every request of the dialog.
      notify.setHeader((ContactHeader) subscription.contact.clone());
      if (body != null) {
        notify.setContent(
            XmlDocuments.toBytes(body.document(), PREFIXES),
            headers.createContentTypeHeader("application", body.subtype()));
      }
      ClientTransaction transaction = provider.getNewClientTransaction(notify);
      subscription.dialog.sendRequest(transaction);
    } catch (Exception e) {
      LOG.debug("NOTIFY for {} failed", subscription.conferenceUri, e);
    }
  }

  /**
   * The whole conference: as RFC 4575 writes it (entity its SIP URI, users by SIP URI, state full),
   * or as RFC 6501 does (entity its XCON-URI, users by XCON-USERID).
   */
  private static Body full(ConferenceObject conference, Format format) {
    return full(
        conference.document(), conference.uri(), conference.sipUri(), conference.version(), format);
  }

  private static Body full(ConferenceChange change, String sipUri, Format format) {
    return full(change.after(), change.uri(), sipUri, change.newVersion(), format);
  }

  private static Body full(
      XmlElement document, String xconUri, String sipUri, long version, Format format) {
    if (format == Format.CONFERENCE_INFO) {
      return new Body(
          sipUsers(publishable(document))
              .withAttribute("entity", sipUri)
              .withAttribute("state", "full")
              .withAttribute("version", String.valueOf(version)),
          "conference-info+xml");
    }
    return new Body(xcon(document, xconUri, version), XCON_TYPE);
  }

  private static XmlElement xcon(XmlElement document, String xconUri, long version) {
    return publishable(document)
        .withAttribute("entity", xconUri)
        .withAttribute("version", String.valueOf(version));
  }

  /** A change in a format: null when a patch would be empty (nothing watchers see changed). */
  private static Body changes(ConferenceChange change, String sipUri, Format format) {
    return switch (format) {
      case CONFERENCE_INFO -> new Body(partial(change, sipUri), "conference-info+xml");
      case XCON -> new Body(xcon(change.after(), change.uri(), change.newVersion()), XCON_TYPE);
      case XCON_DIFF ->
          XconPatch.between(
                  change.before() == null ? null : publishable(change.before()),
                  publishable(change.after()),
                  change.uri(),
                  change.newVersion())
              .map(patch -> new Body(patch, XCON_DIFF_TYPE))
              .orElse(null);
    };
  }

  /**
   * What a change altered, as RFC 4575 section 4.3 reads a partial notification: each top-level
   * element that changed, whole; under users, each user added or changed whole (state full) and
   * each user gone as state deleted.
   */
  private static XmlElement partial(ConferenceChange change, String sipUri) {
    XmlElement before =
        change.before() == null
            ? XmlElement.of(Roster.CONFERENCE_INFO)
            : sipUsers(publishable(change.before()));
    XmlElement after = sipUsers(publishable(change.after()));
    List<XmlElement> children = new ArrayList<>();
    for (XmlElement child : after.children()) {
      if (Roster.USERS.equals(child.name())) {
        XmlElement users = changedUsers(before.child(Roster.USERS).orElse(null), child);
        if (users != null) {
          children.add(users);
        }
      } else if (!before.child(child.name()).map(child::equals).orElse(false)) {
        children.add(child);
      }
    }
    return XmlElement.of(Roster.CONFERENCE_INFO)
        .withAttribute("entity", sipUri)
        .withAttribute("state", "partial")
        .withAttribute("version", String.valueOf(change.newVersion()))
        .withChildren(children);
  }

  private static XmlElement changedUsers(XmlElement before, XmlElement after) {
    Map<String, XmlElement> previous = new LinkedHashMap<>();
    if (before != null) {
      for (XmlElement user : before.children(Roster.USER)) {
        previous.put(user.attribute("entity"), user);
      }
    }
    List<XmlElement> changed = new ArrayList<>();
    for (XmlElement user : after.children(Roster.USER)) {
      XmlElement was = previous.remove(user.attribute("entity"));
      if (!Objects.equals(was, user)) {
        changed.add(user.withAttribute("state", "full"));
      }
    }
    for (XmlElement gone : previous.values()) {
      changed.add(
          XmlElement.of(Roster.USER)
              .withAttribute("entity", gone.attribute("entity"))
              .withAttribute("state", "deleted"));
    }
    for (XmlElement other : after.children()) {
      if (!Roster.USER.equals(other.name())
          && (before == null || !before.child(other.name()).map(other::equals).orElse(false))) {
        changed.add(other);
      }
    }
    return changed.isEmpty()
        ? null
        : XmlElement.of(Roster.USERS).withAttribute("state", "partial").withChildren(changed);
  }

  /**
   * RFC 4575 names a user by a URI watchers can reach it at (clients such as liblinphone read it as
   * a SIP address): the user's first SIP associated-aor, else its first endpoint, else its
   * XCON-USERID as the conference object names it.
   */
  private static XmlElement sipUsers(XmlElement info) {
    XmlElement users = info.child(Roster.USERS).orElse(null);
    if (users == null) {
      return info;
    }
    List<XmlElement> named = new ArrayList<>();
    for (XmlElement child : users.children()) {
      named.add(
          Roster.USER.equals(child.name())
              ? child.withAttribute("entity", sipEntity(child))
              : child);
    }
    List<XmlElement> children = new ArrayList<>();
    for (XmlElement child : info.children()) {
      children.add(child == users ? users.withChildren(named) : child);
    }
    return info.withChildren(children);
  }

  private static String sipEntity(XmlElement user) {
    String entity = user.attribute("entity");
    if (entity == null || entity.startsWith("sip:") || entity.startsWith("sips:")) {
      return entity;
    }
    return user.child(Roster.info("associated-aors")).stream()
        .flatMap(aors -> aors.children(Roster.ENTRY).stream())
        .flatMap(entry -> entry.child(Roster.info("uri")).stream())
        .map(XmlElement::text)
        .filter(uri -> uri != null && (uri.startsWith("sip:") || uri.startsWith("sips:")))
        .findFirst()
        .or(
            () ->
                user.children(Roster.ENDPOINT).stream()
                    .map(endpoint -> endpoint.attribute("entity"))
                    .filter(uri -> uri != null && uri.startsWith("sip"))
                    .findFirst())
        .orElse(entity);
  }

  /**
   * Without what watchers must not see (passwords, Xconf's own settings such as parent-enforceable
   * paths and the mixer's name), and with extensions after the RFC 4575 elements, where every RFC
   * 4575 type puts its {@code any}.
   */
  private static XmlElement publishable(XmlElement element) {
    List<XmlElement> own = new ArrayList<>();
    List<XmlElement> extensions = new ArrayList<>();
    boolean changed = false;
    boolean rfc4575 = Namespaces.CONFERENCE_INFO.equals(element.name().getNamespaceURI());
    for (XmlElement child : element.children()) {
      if (PASSWORD.equals(child.name())
          || Namespaces.XCONF.equals(child.name().getNamespaceURI())) {
        changed = true;
        continue;
      }
      XmlElement cleaned = publishable(child);
      changed |= cleaned != child;
      boolean extension =
          rfc4575 && !Namespaces.CONFERENCE_INFO.equals(child.name().getNamespaceURI());
      if (extension) {
        extensions.add(cleaned);
      } else {
        changed |= !extensions.isEmpty();
        own.add(cleaned);
      }
    }
    if (!changed) {
      return element;
    }
    own.addAll(extensions);
    return element.withChildren(own);
  }
}
