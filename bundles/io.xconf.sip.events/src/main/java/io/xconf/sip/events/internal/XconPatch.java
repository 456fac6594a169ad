package io.xconf.sip.events.internal;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * RFC 6502 partial notifications: what changed between two conference documents as an RFC 5261
 * patch, {@code <conference-info-diff>} with {@code <add>}, {@code <replace>} and {@code <remove>}.
 * Top-level elements and the elements under {@code users} are patched whole; users are told apart
 * by their entity. Added elements are placed after the sibling that precedes them in the new
 * document, so that the patched copy keeps the schema's order, and the root's version follows.
 * Selectors are written for a document whose default namespace is RFC 4575's (RFC 5261 section
 * 4.2.1), with {@code xcon:} for RFC 6501's.
 */
final class XconPatch {

  private static final String ROOT = "/conference-info";

  private XconPatch() {}

  /** The patch from {@code before} (null: nothing) to {@code after}, now at {@code version}. */
  static XmlElement between(XmlElement before, XmlElement after, String xconUri, long version) {
    List<XmlElement> operations = new ArrayList<>();
    XmlElement previous = before == null ? XmlElement.of(Names.CONFERENCE_INFO) : before;
    patchChildren(ROOT, previous, after, operations);
    operations.add(
        XmlElement.leaf(Names.xcon("replace"), String.valueOf(version))
            .withAttribute("sel", ROOT + "/@version"));
    return XmlElement.of(Names.xcon("conference-info-diff"))
        .withAttribute("entity", xconUri)
        .withChildren(operations);
  }

  /**
   * The operations that turn {@code before}'s children into {@code after}'s: removals first, then
   * each child of {@code after} in order, replaced where it changed and added after its preceding
   * sibling (present by then) where it is new. Only {@code users} is patched inside.
   */
  private static void patchChildren(
      String parent, XmlElement before, XmlElement after, List<XmlElement> operations) {
    Set<String> kept = new HashSet<>();
    for (XmlElement child : after.children()) {
      kept.add(key(child));
    }
    for (XmlElement gone : before.children()) {
      if (!kept.contains(key(gone))) {
        operations.add(operation("remove", parent + "/" + step(gone), null, null));
      }
    }
    Set<String> present = new HashSet<>();
    for (XmlElement child : before.children()) {
      if (kept.contains(key(child))) {
        present.add(key(child));
      }
    }
    XmlElement preceding = null;
    for (XmlElement child : after.children()) {
      Optional<XmlElement> was = find(before, child);
      if (was.isEmpty()) {
        operations.add(
            preceding != null
                ? operation("add", parent + "/" + step(preceding), "after", child)
                : present.isEmpty()
                    ? operation("add", parent, null, child)
                    : operation("add", parent, "prepend", child));
        present.add(key(child));
      } else if (Names.USERS.equals(child.name()) && ROOT.equals(parent)) {
        patchChildren(parent + "/" + step(child), was.get(), child, operations);
      } else if (!was.get().equals(child)) {
        operations.add(operation("replace", parent + "/" + step(child), null, child));
      }
      preceding = child;
    }
  }

  private static Optional<XmlElement> find(XmlElement parent, XmlElement like) {
    String wanted = key(like);
    return parent.children().stream().filter(c -> key(c).equals(wanted)).findFirst();
  }

  /** Users by entity, every other element by name (each appears once where it may appear). */
  private static String key(XmlElement element) {
    return Names.USER.equals(element.name())
        ? "user " + element.attribute("entity")
        : element.name().toString();
  }

  private static String step(XmlElement element) {
    QName name = element.name();
    String step =
        Namespaces.XCON.equals(name.getNamespaceURI())
            ? "xcon:" + name.getLocalPart()
            : name.getLocalPart();
    if (!Names.USER.equals(name)) {
      return step;
    }
    String entity = Objects.requireNonNullElse(element.attribute("entity"), "");
    // XPath 1.0 literals have no escape: pick the quote the value does not contain.
    String quote = entity.contains("'") ? "\"" : "'";
    return step + "[@entity=" + quote + entity + quote + "]";
  }

  private static XmlElement operation(
      String kind, String selector, String position, XmlElement content) {
    XmlElement operation = XmlElement.of(Names.xcon(kind)).withAttribute("sel", selector);
    if (position != null) {
      operation = operation.withAttribute("pos", position);
    }
    return content == null ? operation : operation.withChildren(List.of(content));
  }
}
