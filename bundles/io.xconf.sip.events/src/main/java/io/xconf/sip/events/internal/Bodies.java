package io.xconf.sip.events.internal;

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
import javax.sip.header.AcceptHeader;
import javax.sip.message.Request;

/**
 * NOTIFY bodies: the conference as RFC 4575 writes it (full and partial states) or as RFC 6502 does
 * (the RFC 6501 document, then RFC 5261 patches). What watchers must not see is left out:
 * passwords, Xconf's own settings, and, unless the watcher manages the conference, the dialogs'
 * identifiers (RFC 4575 call-info: with them anyone could end or take over a call).
 */
final class Bodies {

  static final String CONFERENCE_INFO_TYPE = "conference-info+xml";
  static final String XCON_TYPE = "xcon-conference-info+xml";
  static final String XCON_DIFF_TYPE = "xcon-conference-info-diff+xml";

  /** What a watcher reads (its Accept). */
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

  /** Which body a watcher gets: its format, and whether it may see the dialogs' identifiers. */
  record View(Format format, boolean manager) {}

  /**
   * A NOTIFY body: the document and its application/* content subtype. One body of a change serves
   * every watcher of its view, so it is written once.
   */
  static final class Body {
    private static final Map<String, String> PREFIXES =
        Map.of(Namespaces.CONFERENCE_INFO, "", Namespaces.XCON, "xcon");

    private final XmlElement document;
    private final String subtype;
    private volatile byte[] written;

    Body(XmlElement document, String subtype) {
      this.document = document;
      this.subtype = subtype;
    }

    XmlElement document() {
      return document;
    }

    String subtype() {
      return subtype;
    }

    /** The document as the NOTIFY carries it (shared: not to be changed). */
    byte[] bytes() {
      byte[] bytes = written;
      if (bytes == null) {
        bytes = XmlDocuments.toBytes(document, PREFIXES);
        written = bytes;
      }
      return bytes;
    }
  }

  private Bodies() {}

  /**
   * The whole conference: as RFC 4575 writes it (entity its SIP URI, users by SIP URI, state full),
   * or as RFC 6501 does (entity its XCON-URI, users by XCON-USERID).
   */
  static Body full(ConferenceObject conference, View view) {
    return full(
        conference.document(), conference.uri(), conference.sipUri(), conference.version(), view);
  }

  static Body full(ConferenceChange change, String sipUri, View view) {
    return full(change.after(), change.uri(), sipUri, change.newVersion(), view);
  }

  private static Body full(
      XmlElement document, String xconUri, String sipUri, long version, View view) {
    if (view.format() == Format.CONFERENCE_INFO) {
      return new Body(
          sipUsers(publishable(document, view.manager()))
              .withAttribute("entity", sipUri)
              .withAttribute("state", "full")
              .withAttribute("version", String.valueOf(version)),
          CONFERENCE_INFO_TYPE);
    }
    return new Body(xcon(document, xconUri, version, view.manager()), XCON_TYPE);
  }

  private static XmlElement xcon(
      XmlElement document, String xconUri, long version, boolean manager) {
    return publishable(document, manager)
        .withAttribute("entity", xconUri)
        .withAttribute("version", String.valueOf(version));
  }

  /** A change in a view. */
  static Body changes(ConferenceChange change, String sipUri, View view) {
    boolean manager = view.manager();
    return switch (view.format()) {
      case CONFERENCE_INFO -> new Body(partial(change, sipUri, manager), CONFERENCE_INFO_TYPE);
      case XCON ->
          new Body(xcon(change.after(), change.uri(), change.newVersion(), manager), XCON_TYPE);
      case XCON_DIFF ->
          new Body(
              XconPatch.between(
                  change.before() == null ? null : publishable(change.before(), manager),
                  publishable(change.after(), manager),
                  change.uri(),
                  change.newVersion()),
              XCON_DIFF_TYPE);
    };
  }

  /**
   * What a change altered, as RFC 4575 section 4.3 reads a partial notification: each top-level
   * element that changed, whole; under users, each user added or changed whole (state full) and
   * each user gone as state deleted.
   */
  private static XmlElement partial(ConferenceChange change, String sipUri, boolean manager) {
    XmlElement before =
        change.before() == null
            ? XmlElement.of(Names.CONFERENCE_INFO)
            : sipUsers(publishable(change.before(), manager));
    XmlElement after = sipUsers(publishable(change.after(), manager));
    List<XmlElement> children = new ArrayList<>();
    for (XmlElement child : after.children()) {
      if (Names.USERS.equals(child.name())) {
        XmlElement users = changedUsers(before.child(Names.USERS).orElse(null), child);
        if (users != null) {
          children.add(users);
        }
      } else if (!before.child(child.name()).map(child::equals).orElse(false)) {
        children.add(child);
      }
    }
    return XmlElement.of(Names.CONFERENCE_INFO)
        .withAttribute("entity", sipUri)
        .withAttribute("state", "partial")
        .withAttribute("version", String.valueOf(change.newVersion()))
        .withChildren(children);
  }

  private static XmlElement changedUsers(XmlElement before, XmlElement after) {
    Map<String, XmlElement> previous = new LinkedHashMap<>();
    if (before != null) {
      for (XmlElement user : before.children(Names.USER)) {
        previous.put(user.attribute("entity"), user);
      }
    }
    List<XmlElement> changed = new ArrayList<>();
    for (XmlElement user : after.children(Names.USER)) {
      XmlElement was = previous.remove(user.attribute("entity"));
      if (!Objects.equals(was, user)) {
        changed.add(user.withAttribute("state", "full"));
      }
    }
    for (XmlElement gone : previous.values()) {
      changed.add(
          XmlElement.of(Names.USER)
              .withAttribute("entity", gone.attribute("entity"))
              .withAttribute("state", "deleted"));
    }
    for (XmlElement other : after.children()) {
      if (!Names.USER.equals(other.name())
          && (before == null || !before.child(other.name()).map(other::equals).orElse(false))) {
        changed.add(other);
      }
    }
    return changed.isEmpty()
        ? null
        : XmlElement.of(Names.USERS).withAttribute("state", "partial").withChildren(changed);
  }

  /**
   * RFC 4575 names a user by a URI watchers can reach it at (clients such as liblinphone read it as
   * a SIP address): the user's first SIP associated-aor, else its first endpoint, else its
   * XCON-USERID as the conference object names it.
   */
  private static XmlElement sipUsers(XmlElement info) {
    XmlElement users = info.child(Names.USERS).orElse(null);
    if (users == null) {
      return info;
    }
    List<XmlElement> named = new ArrayList<>();
    for (XmlElement child : users.children()) {
      named.add(
          Names.USER.equals(child.name())
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
    return user.child(Names.info("associated-aors")).stream()
        .flatMap(aors -> aors.children(Names.ENTRY).stream())
        .flatMap(entry -> entry.child(Names.info("uri")).stream())
        .map(XmlElement::text)
        .filter(uri -> uri != null && (uri.startsWith("sip:") || uri.startsWith("sips:")))
        .findFirst()
        .or(
            () ->
                user.children(Names.ENDPOINT).stream()
                    .map(endpoint -> endpoint.attribute("entity"))
                    .filter(uri -> uri != null && uri.startsWith("sip"))
                    .findFirst())
        .orElse(entity);
  }

  /**
   * Without what watchers must not see (passwords, Xconf's own settings such as parent-enforceable
   * paths and the mixer's name, and for all but managers the dialogs' identifiers), and with
   * extensions after the RFC 4575 elements, where every RFC 4575 type puts its {@code any}.
   */
  static XmlElement publishable(XmlElement element, boolean manager) {
    List<XmlElement> own = new ArrayList<>();
    List<XmlElement> extensions = new ArrayList<>();
    boolean changed = false;
    boolean rfc4575 = Namespaces.CONFERENCE_INFO.equals(element.name().getNamespaceURI());
    for (XmlElement child : element.children()) {
      if (Names.PASSWORD.equals(child.name())
          || Namespaces.XCONF.equals(child.name().getNamespaceURI())
          || (!manager && Names.CALL_INFO.equals(child.name()))) {
        changed = true;
        continue;
      }
      XmlElement cleaned = publishable(child, manager);
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
