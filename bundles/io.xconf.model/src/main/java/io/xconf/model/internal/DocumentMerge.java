package io.xconf.model.internal;

import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;

/**
 * The merge rules of conference documents, used both to apply an update to a node's own document
 * and to overlay a node's own document on the document it inherits.
 *
 * <ul>
 *   <li>Siblings are matched by identity: name plus key, the key being the {@code entity}, {@code
 *       uri}, {@code label} or {@code id} attribute, or for an {@code entry} its {@code <uri>}
 *       child (RFC 4575 uri-type). Unkeyed elements repeated under one parent form a list that is
 *       replaced as a whole.
 *   <li>In an update, an element present replaces or merges into its match; an element sent empty
 *       (no text, no children, no attributes but its key) removes its match (RFC 6503 section
 *       5.3.4, figure 8), as does {@code state="deleted"}; {@code state="full"} replaces its match
 *       with exactly what was sent (RFC 4575).
 *   <li>A node's own document records removals as tombstones ({@code state="deleted"}), so that
 *       removing an inherited value hides it, and keeps {@code state="full"}, so that the subtree
 *       replaces rather than extends what the parent provides.
 * </ul>
 */
final class DocumentMerge {

  static final QName STATE = new QName(XMLConstants.NULL_NS_URI, "state");
  private static final List<String> KEY_ATTRIBUTES = List.of("entity", "uri", "label", "id");

  private DocumentMerge() {}

  /** Identity among siblings. */
  /**
   * What makes an element the same one in another document: its name and its key (an attribute such
   * as {@code entity}, or an entry's {@code uri} child), when it has one.
   */
  record Identity(QName name, String keyName, String keyValue) {
    boolean keyed() {
      return keyName != null;
    }
  }

  static Identity identity(XmlElement element) {
    for (String attribute : KEY_ATTRIBUTES) {
      String value = element.attribute(attribute);
      if (value != null) {
        return new Identity(element.name(), attribute, value.trim());
      }
    }
    if ("entry".equals(element.name().getLocalPart())) {
      for (XmlElement child : element.children()) {
        if ("uri".equals(child.name().getLocalPart()) && child.text() != null) {
          return new Identity(element.name(), "uri", child.text().trim());
        }
      }
    }
    return new Identity(element.name(), null, null);
  }

  static boolean isTombstone(XmlElement element) {
    return "deleted".equals(element.attribute("state"));
  }

  static boolean isFull(XmlElement element) {
    return "full".equals(element.attribute("state"));
  }

  /** Empty but for its key: the RFC 6503 way of saying "remove this" in an update. */
  static boolean isSentEmpty(XmlElement element) {
    if (!element.isEmpty()) {
      return false;
    }
    for (QName attribute : element.attributes().keySet()) {
      if (!attribute.getNamespaceURI().isEmpty()
          || !(KEY_ATTRIBUTES.contains(attribute.getLocalPart())
              || "state".equals(attribute.getLocalPart()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Applies an update to a node's own document.
   *
   * @param own what the node sets itself (may be null: nothing yet)
   * @param update the update's element matching {@code own}
   * @param effective the node's current effective element matching {@code own} (may be null), to
   *     tell the removal of an existing keyed element from the addition of a bare one
   */
  static XmlElement applyUpdate(XmlElement own, XmlElement update, XmlElement effective) {
    if (isTombstone(update)
        || (isSentEmpty(update) && (effective != null || !identity(update).keyed()))) {
      return tombstone(update);
    }
    if (isFull(update)) {
      return withoutTombstones(update);
    }
    XmlElement base = own == null || isTombstone(own) ? XmlElement.of(update.name()) : own;
    if (update.text() != null || update.children().isEmpty()) {
      return XmlElement.of(update.name(), mergeAttributes(base, update), update.text(), List.of());
    }
    List<XmlElement> result = new ArrayList<>(base.children());
    Siblings siblings = new Siblings(result);
    Siblings effectiveSiblings =
        effective == null ? null : new Siblings(new ArrayList<>(effective.children()));
    for (List<XmlElement> group : groups(update.children())) {
      XmlElement first = group.get(0);
      if (!identity(first).keyed()
          && (group.size() > 1
              || count(result, first.name()) > 1
              || (effective != null && count(effective.children(), first.name()) > 1))) {
        replaceGroup(result, first.name(), withoutTombstones(group));
        siblings.invalidate();
        continue;
      }
      XmlElement updated = group.get(0);
      int index = siblings.indexOf(identity(updated));
      XmlElement current = index < 0 ? null : result.get(index);
      int effectiveIndex =
          effectiveSiblings == null ? -1 : effectiveSiblings.indexOf(identity(updated));
      XmlElement currentEffective =
          effectiveIndex < 0 ? null : effectiveSiblings.list.get(effectiveIndex);
      XmlElement merged = applyUpdate(current, updated, currentEffective);
      if (index < 0) {
        siblings.add(merged);
      } else {
        result.set(index, merged);
      }
    }
    XmlElement shell = XmlElement.of(update.name(), mergeAttributes(base, update), null, List.of());
    return shell.withChildren(SchemaOrder.sorted(shell, result));
  }

  /**
   * Applies updates in order: the same as {@link #applyUpdate} on each in turn, in one pass over
   * each element's children, so that a batch of updates to a long list (a conference's users) finds
   * its members once rather than once per update.
   */
  static XmlElement applyUpdates(XmlElement own, List<XmlElement> updates, XmlElement effective) {
    XmlElement current = own;
    List<XmlElement> run = new ArrayList<>();
    for (XmlElement update : updates) {
      if (mergesChildren(update, current, effective)) {
        run.add(update);
        continue;
      }
      current = mergeRun(current, run, effective);
      run.clear();
      current = applyUpdate(current, update, effective);
    }
    return mergeRun(current, run, effective);
  }

  /**
   * Whether an update only merges into its element's children by key: no removal, no whole
   * replacement, no text, and no unkeyed group that {@link #applyUpdate} would replace as a whole.
   */
  private static boolean mergesChildren(XmlElement update, XmlElement own, XmlElement effective) {
    if (isTombstone(update)
        || isFull(update)
        || isSentEmpty(update)
        || update.text() != null
        || update.children().isEmpty()) {
      return false;
    }
    List<XmlElement> base = own == null || isTombstone(own) ? List.of() : own.children();
    for (List<XmlElement> group : groups(update.children())) {
      XmlElement first = group.get(0);
      if (!identity(first).keyed()
          && (group.size() > 1
              || count(base, first.name()) > 1
              || (effective != null && count(effective.children(), first.name()) > 1))) {
        return false;
      }
    }
    return true;
  }

  /** Updates that each merge into the children: every child's updates applied together. */
  private static XmlElement mergeRun(XmlElement own, List<XmlElement> run, XmlElement effective) {
    if (run.isEmpty()) {
      return own;
    }
    if (run.size() == 1) {
      return applyUpdate(own, run.get(0), effective);
    }
    XmlElement base = own == null || isTombstone(own) ? XmlElement.of(run.get(0).name()) : own;
    Map<Identity, List<XmlElement>> byChild = new LinkedHashMap<>();
    Map<QName, String> attributes = base.attributes();
    for (XmlElement update : run) {
      for (List<XmlElement> group : groups(update.children())) {
        XmlElement child = group.get(0);
        byChild.computeIfAbsent(identity(child), identity -> new ArrayList<>()).add(child);
      }
      attributes = mergeAttributes(XmlElement.of(base.name(), attributes, null, List.of()), update);
    }
    List<XmlElement> result = new ArrayList<>(base.children());
    Siblings siblings = new Siblings(result);
    Siblings effectiveSiblings =
        effective == null ? null : new Siblings(new ArrayList<>(effective.children()));
    for (Map.Entry<Identity, List<XmlElement>> child : byChild.entrySet()) {
      int index = siblings.indexOf(child.getKey());
      XmlElement current = index < 0 ? null : result.get(index);
      int effectiveIndex =
          effectiveSiblings == null ? -1 : effectiveSiblings.indexOf(child.getKey());
      XmlElement currentEffective =
          effectiveIndex < 0 ? null : effectiveSiblings.list.get(effectiveIndex);
      XmlElement merged = applyUpdates(current, child.getValue(), currentEffective);
      if (index < 0) {
        siblings.add(merged);
      } else {
        result.set(index, merged);
      }
    }
    XmlElement shell = XmlElement.of(base.name(), attributes, null, List.of());
    return shell.withChildren(SchemaOrder.sorted(shell, result));
  }

  /** Overlays a node's own element on the inherited one; null when the result is removed. */
  static XmlElement overlay(XmlElement inherited, XmlElement own) {
    if (isTombstone(own)) {
      return null;
    }
    if (inherited == null || isFull(own)) {
      return clean(own);
    }
    if (own.text() != null || (own.children().isEmpty() && inherited.text() != null)) {
      return XmlElement.of(own.name(), mergeAttributes(inherited, own), own.text(), List.of());
    }
    List<XmlElement> result = new ArrayList<>(inherited.children());
    Siblings siblings = new Siblings(result);
    for (List<XmlElement> group : groups(own.children())) {
      XmlElement first = group.get(0);
      if (!identity(first).keyed() && (group.size() > 1 || count(result, first.name()) > 1)) {
        replaceGroup(result, first.name(), cleanAll(group));
        siblings.invalidate();
        continue;
      }
      int index = siblings.indexOf(identity(first));
      XmlElement merged = overlay(index < 0 ? null : result.get(index), first);
      if (index >= 0 && merged == null) {
        result.remove(index);
        siblings.invalidate();
      } else if (index >= 0) {
        result.set(index, merged);
      } else if (merged != null) {
        siblings.add(merged);
      }
    }
    XmlElement shell = XmlElement.of(own.name(), mergeAttributes(inherited, own), null, List.of());
    return shell.withChildren(SchemaOrder.sorted(shell, result));
  }

  /** Drops tombstones and {@code state} markers: what a reader of the effective document sees. */
  static XmlElement clean(XmlElement element) {
    if (isTombstone(element)) {
      return null;
    }
    XmlElement result =
        element.attribute("state") == null ? element : element.withAttribute(STATE, null);
    if (result.children().isEmpty()) {
      return result;
    }
    return result.withChildren(cleanAll(result.children()));
  }

  private static List<XmlElement> cleanAll(List<XmlElement> elements) {
    List<XmlElement> cleaned = new ArrayList<>(elements.size());
    for (XmlElement element : elements) {
      XmlElement kept = clean(element);
      if (kept != null) {
        cleaned.add(kept);
      }
    }
    return cleaned;
  }

  private static XmlElement withoutTombstones(XmlElement element) {
    if (element.children().isEmpty()) {
      return element;
    }
    return element.withChildren(withoutTombstones(element.children()));
  }

  private static List<XmlElement> withoutTombstones(List<XmlElement> elements) {
    List<XmlElement> kept = new ArrayList<>(elements.size());
    for (XmlElement element : elements) {
      if (!isTombstone(element)) {
        kept.add(withoutTombstones(element));
      }
    }
    return kept;
  }

  private static XmlElement tombstone(XmlElement update) {
    Map<QName, String> key = new LinkedHashMap<>();
    for (String attribute : KEY_ATTRIBUTES) {
      String value = update.attribute(attribute);
      if (value != null) {
        key.put(new QName(XMLConstants.NULL_NS_URI, attribute), value);
      }
    }
    key.put(STATE, "deleted");
    List<XmlElement> keyChild = new ArrayList<>();
    Identity identity = identity(update);
    if ("uri".equals(identity.keyName()) && update.attribute("uri") == null) {
      update.children().stream()
          .filter(child -> "uri".equals(child.name().getLocalPart()))
          .findFirst()
          .ifPresent(keyChild::add);
    }
    return XmlElement.of(update.name(), key, null, keyChild);
  }

  private static Map<QName, String> mergeAttributes(XmlElement base, XmlElement over) {
    Map<QName, String> merged = new LinkedHashMap<>(base.attributes());
    merged.putAll(over.attributes());
    merged.remove(STATE);
    if (base.attributes().containsKey(STATE) && !isTombstone(base)) {
      merged.put(STATE, base.attribute("state"));
    }
    return merged;
  }

  /** Consecutive-or-not children grouped by identity, in order of first appearance. */
  private static List<List<XmlElement>> groups(List<XmlElement> children) {
    Map<Object, List<XmlElement>> groups = new LinkedHashMap<>();
    for (XmlElement child : children) {
      Identity identity = identity(child);
      Object groupKey = identity.keyed() ? identity : identity.name();
      groups.computeIfAbsent(groupKey, k -> new ArrayList<>()).add(child);
    }
    List<List<XmlElement>> result = new ArrayList<>();
    for (List<XmlElement> group : groups.values()) {
      if (identity(group.get(0)).keyed()) {
        // The same key twice: the last one wins.
        result.add(List.of(group.get(group.size() - 1)));
      } else {
        result.add(group);
      }
    }
    return result;
  }

  private static void replaceGroup(
      List<XmlElement> siblings, QName name, List<XmlElement> replacement) {
    int at = -1;
    for (int i = siblings.size() - 1; i >= 0; i--) {
      if (siblings.get(i).name().equals(name)) {
        siblings.remove(i);
        at = i;
      }
    }
    siblings.addAll(at < 0 ? siblings.size() : at, replacement);
  }

  private static int count(List<XmlElement> siblings, QName name) {
    int count = 0;
    for (XmlElement sibling : siblings) {
      if (sibling.name().equals(name)) {
        count++;
      }
    }
    return count;
  }

  /**
   * A list of siblings that finds members by identity through a map once it is long: merging a
   * conference of hundreds of users must not compare every user with every other.
   */
  private static final class Siblings {
    private static final int LINEAR = 8;
    final List<XmlElement> list;
    private Map<Identity, Integer> positions;

    Siblings(List<XmlElement> list) {
      this.list = list;
    }

    int indexOf(Identity identity) {
      if (list.size() < LINEAR) {
        return DocumentMerge.indexOf(list, identity);
      }
      if (positions == null) {
        positions = new java.util.HashMap<>();
        for (int i = 0; i < list.size(); i++) {
          positions.putIfAbsent(identity(list.get(i)), i);
        }
      }
      Integer at = positions.get(identity);
      return at == null ? -1 : at;
    }

    /** Appends; a replacement in place keeps its identity and so needs no call here. */
    void add(XmlElement element) {
      list.add(element);
      if (positions != null) {
        positions.putIfAbsent(identity(element), list.size() - 1);
      }
    }

    /** After a removal or a group replacement, positions are found afresh. */
    void invalidate() {
      positions = null;
    }
  }

  private static int indexOf(List<XmlElement> siblings, Identity identity) {
    for (int i = 0; i < siblings.size(); i++) {
      if (Objects.equals(identity(siblings.get(i)), identity)) {
        return i;
      }
    }
    return -1;
  }
}
