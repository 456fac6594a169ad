package io.xconf.model;

import io.xconf.schema.SafeXml;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/** Reads untrusted XML into {@link XmlElement} trees and writes them back. */
public final class XmlDocuments {

  /** The prefixes of the RFC examples; conference-info as the default namespace. */
  public static final Map<String, String> RFC_PREFIXES =
      Map.of(Namespaces.CONFERENCE_INFO, "", Namespaces.XCON, "xcon", Namespaces.XCONF, "xconf");

  private static final XMLInputFactory INPUTS = SafeXml.newInputFactory();
  private static final XMLOutputFactory OUTPUTS = XMLOutputFactory.newDefaultFactory();

  private XmlDocuments() {}

  /** Reads a document no larger than {@code maxBytes} and no deeper than {@code maxDepth}. */
  public static XmlElement parse(byte[] document, int maxDepth) throws MalformedXmlException {
    return parse(new ByteArrayInputStream(document), maxDepth);
  }

  public static XmlElement parse(InputStream in, int maxDepth) throws MalformedXmlException {
    XMLStreamReader reader = null;
    try {
      reader = INPUTS.createXMLStreamReader(in);
      Deque<Builder> open = new ArrayDeque<>();
      XmlElement root = null;
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.START_ELEMENT -> {
            if (open.size() >= maxDepth) {
              throw new MalformedXmlException("document nested deeper than " + maxDepth);
            }
            Map<QName, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < reader.getAttributeCount(); i++) {
              attributes.put(reader.getAttributeName(i), reader.getAttributeValue(i));
            }
            open.push(new Builder(reader.getName(), attributes));
          }
          case XMLStreamConstants.CHARACTERS,
              XMLStreamConstants.CDATA,
              XMLStreamConstants.SPACE -> {
            if (!open.isEmpty()) {
              open.peek().text.append(reader.getText());
            }
          }
          case XMLStreamConstants.END_ELEMENT -> {
            XmlElement done = open.pop().build();
            if (open.isEmpty()) {
              root = done;
            } else {
              open.peek().children.add(done);
            }
          }
          case XMLStreamConstants.DTD -> throw new MalformedXmlException("DTDs are not accepted");
          case XMLStreamConstants.ENTITY_REFERENCE ->
              throw new MalformedXmlException("entity references are not accepted");
          default -> {
            // comments, processing instructions: not part of the document's data
          }
        }
      }
      if (root == null) {
        throw new MalformedXmlException("no root element");
      }
      return root;
    } catch (XMLStreamException e) {
      throw new MalformedXmlException(e.getMessage());
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException e) {
          // nothing held open but the reader itself
        }
      }
    }
  }

  private static final class Builder {
    final QName name;
    final Map<QName, String> attributes;
    final StringBuilder text = new StringBuilder();
    final List<XmlElement> children = new ArrayList<>();

    Builder(QName name, Map<QName, String> attributes) {
      this.name = name;
      this.attributes = attributes;
    }

    XmlElement build() {
      // Whitespace between child elements is layout; a leaf keeps its text as written.
      String value = children.isEmpty() && text.length() > 0 ? text.toString() : null;
      return XmlElement.of(name, attributes, value, children);
    }
  }

  /** Writes UTF-8 with the given namespace prefixes ("" for the default namespace). */
  public static void write(XmlElement root, Map<String, String> prefixes, OutputStream out)
      throws IOException {
    // Through a Writer: given a stream, the JDK's StAX writer encodes and writes byte by byte,
    // which made serialising a conference of hundreds of users most of a roster update's cost.
    Writer encoder = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 8192);
    try {
      XMLStreamWriter writer = OUTPUTS.createXMLStreamWriter(encoder);
      writer.writeStartDocument("UTF-8", "1.0");
      writeElement(writer, root, prefixes, new HashMap<>(), true);
      writer.writeEndDocument();
      writer.flush();
      encoder.flush();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write " + root.name(), e);
    }
  }

  public static byte[] toBytes(XmlElement root, Map<String, String> prefixes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try {
      write(root, prefixes, out);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void writeElement(
      XMLStreamWriter writer,
      XmlElement element,
      Map<String, String> prefixes,
      Map<String, String> declared,
      boolean root)
      throws XMLStreamException {
    Map<String, String> scope = new HashMap<>(declared);
    List<String[]> declarations = new ArrayList<>();
    String prefix = prefixFor(element.name().getNamespaceURI(), prefixes, scope, declarations);
    writer.writeStartElement(
        prefix, element.name().getLocalPart(), element.name().getNamespaceURI());
    if (root) {
      // Declare the well-known namespaces once, on the root, as the RFC examples do.
      prefixes.forEach(
          (namespace, wanted) -> {
            if (!scope.containsKey(namespace)) {
              scope.put(namespace, wanted);
              declarations.add(new String[] {wanted, namespace});
            }
          });
    }
    List<String[]> attributeNames = new ArrayList<>();
    for (QName attribute : element.attributes().keySet()) {
      String namespace = attribute.getNamespaceURI();
      String attributePrefix =
          namespace.isEmpty() ? "" : prefixFor(namespace, prefixes, scope, declarations);
      if (!namespace.isEmpty() && attributePrefix.isEmpty()) {
        // An attribute in a namespace needs a prefix even where that namespace is the default.
        attributePrefix = "ns" + scope.size();
        scope.put(namespace + "#attribute", attributePrefix);
        declarations.add(new String[] {attributePrefix, namespace});
      }
      attributeNames.add(new String[] {attributePrefix, namespace, attribute.getLocalPart()});
    }
    for (String[] declaration : declarations) {
      if (declaration[0].isEmpty()) {
        writer.writeDefaultNamespace(declaration[1]);
      } else {
        writer.writeNamespace(declaration[0], declaration[1]);
      }
    }
    int i = 0;
    for (String value : element.attributes().values()) {
      String[] attribute = attributeNames.get(i++);
      if (attribute[1].isEmpty()) {
        writer.writeAttribute(attribute[2], value);
      } else {
        writer.writeAttribute(attribute[0], attribute[1], attribute[2], value);
      }
    }
    if (element.text() != null) {
      writer.writeCharacters(element.text());
    }
    for (XmlElement child : element.children()) {
      writeElement(writer, child, prefixes, scope, false);
    }
    writer.writeEndElement();
  }

  private static String prefixFor(
      String namespace,
      Map<String, String> prefixes,
      Map<String, String> scope,
      List<String[]> declarations) {
    if (namespace.isEmpty() || XMLConstants.XML_NS_URI.equals(namespace)) {
      return XMLConstants.XML_NS_URI.equals(namespace) ? "xml" : "";
    }
    String known = scope.get(namespace);
    if (known != null) {
      return known;
    }
    String wanted = prefixes.getOrDefault(namespace, "ns" + scope.size());
    if (scope.containsValue(wanted)) {
      wanted = "ns" + scope.size();
    }
    scope.put(namespace, wanted);
    declarations.add(new String[] {wanted, namespace});
    return wanted;
  }
}
