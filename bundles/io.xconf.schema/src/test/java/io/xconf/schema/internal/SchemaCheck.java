package io.xconf.schema.internal;

import io.xconf.schema.XconSchemas;
import java.io.StringReader;
import javax.xml.transform.stream.StreamSource;
import org.xml.sax.SAXException;

final class SchemaCheck {

  private SchemaCheck() {}

  static void assertValidCcmp(String xml) throws Exception {
    try {
      XconSchemas.ccmp().newValidator().validate(new StreamSource(new StringReader(xml)));
    } catch (SAXException e) {
      throw new AssertionError("not valid against RFC 6503: " + e.getMessage() + "\n" + xml, e);
    }
  }
}
