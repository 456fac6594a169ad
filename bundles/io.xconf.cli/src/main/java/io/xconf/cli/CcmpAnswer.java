package io.xconf.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** A CCMP response as the commands read it; no DTD, no entities, whatever the server sent. */
final class CcmpAnswer {

  private final Element response;

  private CcmpAnswer(Element response) {
    this.response = response;
  }

  static CcmpAnswer parse(String xml) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      Document document =
          builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
      Element response = child(document.getDocumentElement(), null, "ccmpResponse");
      if (response == null) {
        throw new IOException("not a CCMP response");
      }
      return new CcmpAnswer(response);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("not a CCMP response: " + e.getMessage(), e);
    }
  }

  int code() {
    String code = text(response, "response-code");
    return code == null ? 0 : Integer.parseInt(code.strip());
  }

  String reason() {
    String reason = text(response, "response-string");
    return reason == null ? "" : reason.strip();
  }

  String confObjId() {
    return text(response, "confObjID");
  }

  long version() {
    String version = text(response, "version");
    return version == null ? 0 : Long.parseLong(version.strip());
  }

  /** The conference document of a confResponse. */
  Optional<Element> confInfo() {
    Element conf = child(response, CcmpRequests.CCMP, "confResponse");
    return Optional.ofNullable(conf == null ? null : child(conf, null, "confInfo"));
  }

  /** The entries of a confsResponse or blueprintsResponse: {uri, display-text}. */
  List<String[]> entries() {
    List<String[]> entries = new ArrayList<>();
    for (Element message : children(response, CcmpRequests.CCMP, null)) {
      for (Element list : children(message, null, null)) {
        for (Element entry : children(list, CcmpRequests.INFO, "entry")) {
          entries.add(
              new String[] {
                text(entry, CcmpRequests.INFO, "uri"),
                text(entry, CcmpRequests.INFO, "display-text")
              });
        }
      }
    }
    return entries;
  }

  // ----- DOM, namespace-aware; a null namespace matches elements without one -----

  static Element child(Element parent, String namespace, String name) {
    List<Element> found = children(parent, namespace, name);
    return found.isEmpty() ? null : found.get(0);
  }

  static List<Element> children(Element parent, String namespace, String name) {
    List<Element> children = new ArrayList<>();
    if (parent == null) {
      return children;
    }
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element
          && (name == null || name.equals(element.getLocalName()))
          && (namespace == null
              ? name == null || element.getNamespaceURI() == null
              : namespace.equals(element.getNamespaceURI()))) {
        children.add(element);
      }
    }
    return children;
  }

  static String text(Element parent, String namespace, String name) {
    Element child = child(parent, namespace, name);
    return child == null ? null : child.getTextContent().strip();
  }

  private static String text(Element parent, String name) {
    return text(parent, null, name);
  }
}
