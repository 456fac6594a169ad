package io.xconf.schema.internal;

import io.xconf.schema.CcmpNamespace;
import javax.xml.XMLConstants;
import org.glassfish.jaxb.runtime.marshaller.NamespacePrefixMapper;

/**
 * The prefixes of the RFC 6503 examples (JAXB declares them all on the root): deployed clients look
 * for {@code info:conference-info} and {@code xcon:...} by their prefixed names.
 */
final class RfcPrefixes extends NamespacePrefixMapper {

  static final String CONFERENCE_INFO = "urn:ietf:params:xml:ns:conference-info";
  static final String XCON = "urn:ietf:params:xml:ns:xcon-conference-info";

  @Override
  public String getPreferredPrefix(String namespaceUri, String suggestion, boolean requirePrefix) {
    if (CcmpNamespace.PUBLISHED.uri().equals(namespaceUri)) {
      return "ccmp";
    }
    if (CONFERENCE_INFO.equals(namespaceUri)) {
      return "info";
    }
    if (XCON.equals(namespaceUri)) {
      return "xcon";
    }
    if (XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI.equals(namespaceUri)) {
      return "xsi";
    }
    return suggestion;
  }
}
