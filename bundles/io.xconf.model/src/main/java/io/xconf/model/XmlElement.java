package io.xconf.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;

/**
 * An immutable XML element: the form in which conference documents are merged, inherited and
 * compared. Conference documents have no mixed content, so an element holds either text or
 * children. Unchanged subtrees are shared between versions.
 */
public final class XmlElement {

  private final QName name;
  private final Map<QName, String> attributes;
  private final String text;
  private final List<XmlElement> children;
  private int hash;

  private XmlElement(
      QName name, Map<QName, String> attributes, String text, List<XmlElement> children) {
    this.name = Objects.requireNonNull(name, "name");
    this.attributes = attributes;
    this.text = text;
    this.children = children;
  }

  /** An element with no attributes, no text and no children. */
  public static XmlElement of(QName name) {
    return new XmlElement(name, Map.of(), null, List.of());
  }

  /** A leaf element holding text. */
  public static XmlElement leaf(QName name, String text) {
    return new XmlElement(name, Map.of(), text, List.of());
  }

  public static XmlElement of(
      QName name, Map<QName, String> attributes, String text, List<XmlElement> children) {
    if (text != null && !children.isEmpty()) {
      throw new IllegalArgumentException(name + ": an element holds text or children, not both");
    }
    return new XmlElement(
        name,
        Collections.unmodifiableMap(new LinkedHashMap<>(attributes)),
        text,
        List.copyOf(children));
  }

  public QName name() {
    return name;
  }

  /** Attributes in document order. */
  public Map<QName, String> attributes() {
    return attributes;
  }

  /** The value of an attribute without namespace, or null. */
  public String attribute(String localName) {
    // Most elements have none; looked up for every element of every merge.
    if (attributes.isEmpty()) {
      return null;
    }
    return attributes.get(new QName(XMLConstants.NULL_NS_URI, localName));
  }

  public String attribute(QName attributeName) {
    return attributes.get(attributeName);
  }

  /** The text of a leaf element, or null when it has none. */
  public String text() {
    return text;
  }

  public List<XmlElement> children() {
    return children;
  }

  /** The first child with this name. */
  public Optional<XmlElement> child(QName childName) {
    for (XmlElement child : children) {
      if (child.name.equals(childName)) {
        return Optional.of(child);
      }
    }
    return Optional.empty();
  }

  /** The children with this name, in order. */
  public List<XmlElement> children(QName childName) {
    List<XmlElement> matching = new ArrayList<>();
    for (XmlElement child : children) {
      if (child.name.equals(childName)) {
        matching.add(child);
      }
    }
    return matching;
  }

  /** True when it has neither text nor children. */
  public boolean isEmpty() {
    return (text == null || text.isEmpty()) && children.isEmpty();
  }

  public XmlElement withAttribute(QName attributeName, String value) {
    Map<QName, String> copy = new LinkedHashMap<>(attributes);
    if (value == null) {
      copy.remove(attributeName);
    } else {
      copy.put(attributeName, value);
    }
    return new XmlElement(name, Collections.unmodifiableMap(copy), text, children);
  }

  public XmlElement withAttribute(String localName, String value) {
    return withAttribute(new QName(XMLConstants.NULL_NS_URI, localName), value);
  }

  public XmlElement withText(String newText) {
    return new XmlElement(name, attributes, newText, List.of());
  }

  public XmlElement withChildren(List<XmlElement> newChildren) {
    return new XmlElement(
        name, attributes, newChildren.isEmpty() ? text : null, List.copyOf(newChildren));
  }

  /** Replaces the first child of the same name, or appends the child when there is none. */
  public XmlElement withChild(XmlElement child) {
    List<XmlElement> copy = new ArrayList<>(children);
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).name.equals(child.name)) {
        copy.set(i, child);
        return withChildren(copy);
      }
    }
    copy.add(child);
    return withChildren(copy);
  }

  /** Removes every child with this name. */
  public XmlElement withoutChildren(QName childName) {
    List<XmlElement> copy = new ArrayList<>(children);
    copy.removeIf(child -> child.name.equals(childName));
    return copy.size() == children.size() ? this : withChildren(copy);
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    return other instanceof XmlElement that
        && hashCode() == that.hashCode()
        && name.equals(that.name)
        && attributes.equals(that.attributes)
        && Objects.equals(text, that.text)
        && children.equals(that.children);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Objects.hash(name, attributes, text, children);
      hash = h == 0 ? 1 : h;
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("<").append(name.getLocalPart());
    attributes.forEach(
        (key, value) ->
            out.append(' ').append(key.getLocalPart()).append("=\"").append(value).append('"'));
    if (isEmpty()) {
      return out.append("/>").toString();
    }
    out.append('>');
    if (text != null) {
      out.append(text);
    }
    children.forEach(out::append);
    return out.append("</").append(name.getLocalPart()).append('>').toString();
  }
}
