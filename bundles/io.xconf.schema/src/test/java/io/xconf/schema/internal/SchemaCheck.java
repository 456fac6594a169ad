package io.xconf.schema.internal;

import java.io.StringReader;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.SAXException;

/**
 * Validates documents against the RFC schemas the bundle ships (the W3C xml.xsd resolved locally).
 */
final class SchemaCheck {

  private static final String XSD = "/io/xconf/schema/xsd/";

  private SchemaCheck() {}

  static void assertValidCcmp(String xml) throws Exception {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    factory.setResourceResolver(new LocalSchemas(factory.getResourceResolver()));
    URL ccmp = SchemaCheck.class.getResource(XSD + "xcon-ccmp.xsd");
    Schema schema = factory.newSchema(ccmp);
    try {
      schema.newValidator().validate(new StreamSource(new StringReader(xml)));
    } catch (SAXException e) {
      throw new AssertionError("not valid against RFC 6503: " + e.getMessage() + "\n" + xml, e);
    }
  }

  private record LocalSchemas(LSResourceResolver fallback) implements LSResourceResolver {
    @Override
    public LSInput resolveResource(
        String type, String ns, String publicId, String systemId, String baseUri) {
      if ("http://www.w3.org/2001/03/xml.xsd".equals(systemId)) {
        URL local = SchemaCheck.class.getResource(XSD + "xml.xsd");
        return new SimpleInput(local.toString());
      }
      return fallback == null
          ? null
          : fallback.resolveResource(type, ns, publicId, systemId, baseUri);
    }
  }

  private record SimpleInput(String systemId) implements LSInput {
    @Override
    public java.io.Reader getCharacterStream() {
      return null;
    }

    @Override
    public void setCharacterStream(java.io.Reader r) {}

    @Override
    public java.io.InputStream getByteStream() {
      return null;
    }

    @Override
    public void setByteStream(java.io.InputStream s) {}

    @Override
    public String getStringData() {
      return null;
    }

    @Override
    public void setStringData(String s) {}

    @Override
    public String getSystemId() {
      return systemId;
    }

    @Override
    public void setSystemId(String s) {}

    @Override
    public String getPublicId() {
      return null;
    }

    @Override
    public void setPublicId(String s) {}

    @Override
    public String getBaseURI() {
      return null;
    }

    @Override
    public void setBaseURI(String s) {}

    @Override
    public String getEncoding() {
      return null;
    }

    @Override
    public void setEncoding(String s) {}

    @Override
    public boolean getCertifiedText() {
      return false;
    }

    @Override
    public void setCertifiedText(boolean b) {}
  }
}
