package io.xconf.model.internal;

import io.xconf.model.MalformedXmlException;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.nio.charset.StandardCharsets;

/** Terse conference documents for tests: the RFC namespaces are declared for you. */
final class Docs {

  private Docs() {}

  /** Parses {@code <conference-info ...>body</conference-info>} with info as default namespace. */
  static XmlElement conference(String attributes, String body) {
    return parse(
        "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
            + " xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\""
            + " xmlns:xconf=\"urn:xconf:params:xml:ns:model\" "
            + attributes
            + ">"
            + body
            + "</conference-info>");
  }

  static XmlElement conference(String body) {
    return conference("", body);
  }

  static XmlElement parse(String xml) {
    try {
      return XmlDocuments.parse(xml.getBytes(StandardCharsets.UTF_8), 64);
    } catch (MalformedXmlException e) {
      throw new AssertionError(e);
    }
  }
}
