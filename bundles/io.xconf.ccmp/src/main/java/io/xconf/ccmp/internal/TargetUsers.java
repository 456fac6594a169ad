package io.xconf.ccmp.internal;

import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.Namespaces;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * Users for the people a client invites through {@code allowed-users-list}. Linphone sends its
 * invitees only as targets and learns each one's XCON-USERID from the answer's {@code user}
 * elements, matching them by {@code associated-aors}; other clients find the invitees among the
 * users the same way. An invitee who has an account gets that account's XCON-USERID; anybody else
 * an XCON-USERID derived from the address, so that sending the same document again names the same
 * user.
 */
final class TargetUsers {

  private static final QName ALLOWED_USERS_LIST = new QName(Namespaces.XCON, "allowed-users-list");
  private static final QName TARGET = new QName(Namespaces.XCON, "target");
  private static final QName ASSOCIATED_AORS = info("associated-aors");
  private static final QName ENTRY = info("entry");
  private static final QName URI = info("uri");

  private TargetUsers() {}

  /**
   * {@code document} with a {@code user} for each target that no user (of the document, or of
   * {@code current} when the document only adds to it) stands for yet.
   */
  static XmlElement addedFor(
      XmlElement document, ConferenceObject current, ConferenceService model, String domain) {
    if (document == null) {
      return null;
    }
    XmlElement users = document.child(ModelBridge.USERS).orElse(null);
    XmlElement targets = users == null ? null : users.child(ALLOWED_USERS_LIST).orElse(null);
    if (targets == null) {
      return document;
    }
    Set<String> known = new HashSet<>();
    collect(users, known);
    boolean replacesUsers = "full".equals(users.attribute("state"));
    if (current != null && !replacesUsers) {
      current.document().child(ModelBridge.USERS).ifPresent(existing -> collect(existing, known));
    }
    List<XmlElement> added = new ArrayList<>();
    for (XmlElement target : targets.children(TARGET)) {
      String uri = target.attribute("uri");
      if (uri == null
          || uri.isBlank()
          || "deleted".equals(target.attribute("state"))
          || uri.startsWith("xcon-userid:")
          || known.contains(UserIds.comparable(uri))) {
        continue;
      }
      String entity = model.userIdOf(uri).orElseGet(() -> UserIds.derived(uri, domain));
      if (known.contains(entity)) {
        continue;
      }
      known.add(entity);
      known.add(UserIds.comparable(uri));
      added.add(
          XmlElement.of(ModelBridge.USER)
              .withAttribute("entity", entity)
              .withChildren(
                  List.of(
                      XmlElement.of(ASSOCIATED_AORS)
                          .withChildren(
                              List.of(
                                  XmlElement.of(ENTRY)
                                      .withChildren(List.of(XmlElement.leaf(URI, uri.trim()))))))));
    }
    if (added.isEmpty()) {
      return document;
    }
    // RFC 4575 puts the user elements before the extensions such as allowed-users-list.
    List<XmlElement> children = new ArrayList<>();
    int insertAt = 0;
    for (XmlElement child : users.children()) {
      children.add(child);
      if (ModelBridge.USER.equals(child.name())) {
        insertAt = children.size();
      }
    }
    children.addAll(insertAt, added);
    return document.withChild(users.withChildren(children));
  }

  /** The domain of the server's XCON-USERIDs, taken from one of them. */
  static String domainOf(String userId) {
    int at = userId.lastIndexOf('@');
    return at < 0 ? "localhost" : userId.substring(at + 1);
  }

  private static void collect(XmlElement users, Set<String> known) {
    for (XmlElement user : users.children(ModelBridge.USER)) {
      String entity = user.attribute("entity");
      if (entity != null) {
        known.add(entity.trim());
        known.add(UserIds.comparable(entity));
      }
      user.child(ASSOCIATED_AORS)
          .ifPresent(
              aors ->
                  aors.children(ENTRY)
                      .forEach(
                          entry ->
                              entry
                                  .child(URI)
                                  .map(XmlElement::text)
                                  .filter(text -> text != null)
                                  .ifPresent(text -> known.add(UserIds.comparable(text)))));
    }
  }

  private static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }
}
