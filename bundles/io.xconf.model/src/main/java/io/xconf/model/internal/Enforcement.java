package io.xconf.model.internal;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.List;
import javax.xml.namespace.QName;

/**
 * Parent-enforceable properties (RFC 5239 section 7.1): a node lists, in its own document, the
 * paths its descendants may not change:
 *
 * <pre>{@code
 * <xconf:parent-enforceable>
 *   <xconf:path>conference-description/maximum-user-count</xconf:path>
 *   <xconf:path>users/xcon:allowed-users-list</xconf:path>
 * </xconf:parent-enforceable>
 * }</pre>
 *
 * A path is a list of child element names from {@code conference-info}; a step without prefix is in
 * the conference-info namespace, {@code xcon:} in the RFC 6501 one. The enforced subtree of a
 * descendant is always the parent's.
 */
final class Enforcement {

  private Enforcement() {}

  /** A parsed path: element names from the root's children down. */
  record Path(List<QName> steps, String text) {}

  /** The paths a node's own document enforces on its descendants. */
  static List<Path> declaredBy(XmlElement own) {
    List<Path> paths = new ArrayList<>();
    if (own == null) {
      return paths;
    }
    for (XmlElement declaration : own.children(Names.PARENT_ENFORCEABLE)) {
      for (XmlElement path : declaration.children(Names.PATH)) {
        if (path.text() != null && !path.text().isBlank()) {
          paths.add(parse(path.text().trim()));
        }
      }
    }
    return paths;
  }

  static Path parse(String text) {
    List<QName> steps = new ArrayList<>();
    for (String step : text.split("/")) {
      String name = step.trim();
      if (name.startsWith("xcon:")) {
        steps.add(new QName(Namespaces.XCON, name.substring(5)));
      } else {
        steps.add(
            new QName(
                Namespaces.CONFERENCE_INFO, name.startsWith("info:") ? name.substring(5) : name));
      }
    }
    return new Path(List.copyOf(steps), text);
  }

  /** The subtree at a path, or null. */
  static XmlElement at(XmlElement root, Path path) {
    XmlElement current = root;
    for (QName step : path.steps()) {
      if (current == null) {
        return null;
      }
      current = current.child(step).orElse(null);
    }
    return current;
  }

  /** {@code document} with its subtree at {@code path} made equal to {@code source}'s. */
  static XmlElement copy(XmlElement document, XmlElement source, Path path) {
    return replace(document, path.steps(), 0, at(source, path));
  }

  private static XmlElement replace(
      XmlElement node, List<QName> steps, int depth, XmlElement value) {
    QName step = steps.get(depth);
    if (depth == steps.size() - 1) {
      XmlElement without = node.withoutChildren(step);
      if (value == null) {
        return without;
      }
      List<XmlElement> children = new ArrayList<>(without.children());
      children.add(value);
      return without.withChildren(SchemaOrder.sorted(node, children));
    }
    XmlElement child = node.child(step).orElse(null);
    if (child == null) {
      if (value == null) {
        return node;
      }
      child = XmlElement.of(step);
    }
    XmlElement replaced = replace(child, steps, depth + 1, value);
    List<XmlElement> children = new ArrayList<>(node.withoutChildren(step).children());
    children.add(replaced);
    return node.withChildren(SchemaOrder.sorted(node, children));
  }
}
