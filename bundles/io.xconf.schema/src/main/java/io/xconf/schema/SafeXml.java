package io.xconf.schema;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;

/** StAX factories hardened for untrusted input, for every bundle that reads XML. */
public final class SafeXml {

  private SafeXml() {}

  /**
   * The JDK's own StAX (no provider lookup) with DTDs, external entities and entity replacement
   * off. Readers must still refuse DTD and entity-reference events and bound size and depth.
   */
  public static XMLInputFactory newInputFactory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    return factory;
  }
}
