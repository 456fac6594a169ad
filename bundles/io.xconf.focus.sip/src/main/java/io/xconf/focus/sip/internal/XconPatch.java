package io.xconf.focus.sip.internal;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.namespace.QName;

/**
 * RFC 6502 partial notifications: what changed between two conference documents as an RFC 5261
 * patch, {@code <conference-info-diff>} with {@code <add>}, {@code <replace>} and {@code <remove>}.
 * Top-level elements and the elements under {@code users} are patched whole; users are told apart
 * by their entity. Selectors are written for a document whose default namespace is RFC 4575's (RFC
 * 5261 section 4.2.1), with {@code xcon:} for RFC 6501's.
 */
final class XconPatch {

  private static final String ROOT = "/conference-info";

  private XconPatch() {}

  /** The patch from {@code before} (null: nothing) to {@code after}; empty when they agree. */
  static Optional<XmlElement> between(XmlElement before, XmlElement after, String xconUri) {
    List<XmlElement> operations = new ArrayList<>();
    XmlElement previous = before == null ? XmlElement.of(Roster.CONFERENCE_INFO) : before;
    for (XmlElement child : after.children()) {
      Optional<XmlElement> was = previous.child(child.name());
      if (was.isEmpty()) {
        operations.add(operation("add", ROOT, child));
      } else if (Roster.USERS.equals(child.name())) {
        users(was.get(), child, operations);
      } else if (!was.get().equals(child)) {
        operations.add(operation("replace", ROOT + "/" + step(child.name()), child));
      }
    }
    for (XmlElement gone : previous.children()) {
      if (after.child(gone.name()).isEmpty()) {
        operations.add(operation("remove", ROOT + "/" + step(gone.name()), null));
      }
    }
    if (operations.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        XmlElement.of(Roster.xcon("conference-info-diff"))
            .withAttribute("entity", xconUri)
            .withChildren(operations));
  }

  private static void users(XmlElement before, XmlElement after, List<XmlElement> operations) {
    String users = ROOT + "/" + step(Roster.USERS);
    Map<String, XmlElement> previousUsers = new LinkedHashMap<>();
    for (XmlElement user : before.children(Roster.USER)) {
      previousUsers.put(user.attribute("entity"), user);
    }
    for (XmlElement user : after.children(Roster.USER)) {
      XmlElement was = previousUsers.remove(user.attribute("entity"));
      if (was == null) {
        operations.add(operation("add", users, user));
      } else if (!was.equals(user)) {
        operations.add(operation("replace", userSelector(users, user), user));
      }
    }
    for (XmlElement gone : previousUsers.values()) {
      operations.add(operation("remove", userSelector(users, gone), null));
    }
    for (XmlElement child : after.children()) {
      if (Roster.USER.equals(child.name())) {
        continue;
      }
      Optional<XmlElement> was = before.child(child.name());
      if (was.isEmpty()) {
        operations.add(operation("add", users, child));
      } else if (!was.get().equals(child)) {
        operations.add(operation("replace", users + "/" + step(child.name()), child));
      }
    }
    for (XmlElement gone : before.children()) {
      if (!Roster.USER.equals(gone.name()) && after.child(gone.name()).isEmpty()) {
        operations.add(operation("remove", users + "/" + step(gone.name()), null));
      }
    }
  }

  private static String userSelector(String users, XmlElement user) {
    String entity = Objects.requireNonNullElse(user.attribute("entity"), "");
    // XPath 1.0 literals have no escape: pick the quote the value does not contain.
    String quote = entity.contains("'") ? "\"" : "'";
    return users + "/" + step(Roster.USER) + "[@entity=" + quote + entity + quote + "]";
  }

  private static String step(QName name) {
    return Namespaces.XCON.equals(name.getNamespaceURI())
        ? "xcon:" + name.getLocalPart()
        : name.getLocalPart();
  }

  private static XmlElement operation(String kind, String selector, XmlElement content) {
    XmlElement operation = XmlElement.of(Roster.xcon(kind)).withAttribute("sel", selector);
    return content == null ? operation : operation.withChildren(List.of(content));
  }
}
