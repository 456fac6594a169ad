package io.xconf.schema;

import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.SAXException;

/**
 * The RFC schemas this bundle ships, compiled for validation, with every import resolved inside the
 * bundle. Strict XSD validation is for tests and tools: the RFC 6501 XSD is order-sensitive where
 * the normative RELAX NG is not, so live traffic is read leniently by {@link XconCodec}.
 */
public final class XconSchemas {

  private static final String XSD = "/io/xconf/schema/xsd/";
  private static final String W3C_XML_XSD = "http://www.w3.org/2001/03/xml.xsd";

  private XconSchemas() {}

  /** RFC 6503's CCMP schema, with RFC 6501 and RFC 4575 that it imports. */
  public static Schema ccmp() throws SAXException {
    return compile("xcon-ccmp.xsd");
  }

  /** RFC 4575's conference-info schema. */
  public static Schema conferenceInfo() throws SAXException {
    return compile("rfc4575.xsd");
  }

  private static Schema compile(String name) throws SAXException {
    SchemaFactory factory = SchemaFactory.newDefaultInstance();
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file,jar,bundle,bundleresource");
    factory.setResourceResolver(new LocalSchemas());
    return factory.newSchema(XconSchemas.class.getResource(XSD + name));
  }

  /** Resolves the W3C xml.xsd, which the RFC schemas import by URL, to the local copy. */
  private static final class LocalSchemas implements LSResourceResolver {
    @Override
    public LSInput resolveResource(
        String type, String namespace, String publicId, String systemId, String baseUri) {
      if (W3C_XML_XSD.equals(systemId)) {
        URL local = XconSchemas.class.getResource(XSD + "xml.xsd");
        return new UrlInput(local.toString());
      }
      return null;
    }
  }

  private record UrlInput(String systemId) implements LSInput {
    @Override
    public Reader getCharacterStream() {
      return null;
    }

    @Override
    public void setCharacterStream(Reader reader) {}

    @Override
    public InputStream getByteStream() {
      return null;
    }

    @Override
    public void setByteStream(InputStream stream) {}

    @Override
    public String getStringData() {
      return null;
    }

    @Override
    public void setStringData(String data) {}

    @Override
    public String getSystemId() {
      return systemId;
    }

    @Override
    public void setSystemId(String id) {}

    @Override
    public String getPublicId() {
      return null;
    }

    @Override
    public void setPublicId(String id) {}

    @Override
    public String getBaseURI() {
      return null;
    }

    @Override
    public void setBaseURI(String uri) {}

    @Override
    public String getEncoding() {
      return null;
    }

    @Override
    public void setEncoding(String encoding) {}

    @Override
    public boolean getCertifiedText() {
      return false;
    }

    @Override
    public void setCertifiedText(boolean certified) {}
  }
}
