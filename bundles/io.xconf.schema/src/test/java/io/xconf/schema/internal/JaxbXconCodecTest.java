package io.xconf.schema.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.CcmpRequestDocument;
import io.xconf.schema.MalformedDocumentException;
import io.xconf.schema.ccmp.CcmpOptionsRequestMessageType;
import io.xconf.schema.ccmp.CcmpOptionsResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.OperationsType;
import io.xconf.schema.ccmp.OptionsResponseType;
import io.xconf.schema.ccmp.OptionsType;
import io.xconf.schema.ccmp.StandardMessageListType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.ccmp.StandardMessageType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class JaxbXconCodecTest {

  static final String OPTIONS_REQUEST =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<ccmp:ccmpRequest xmlns:info=\"urn:ietf:params:xml:ns:conference-info\"\n"
          + "    xmlns:ccmp=\"NS\"\n"
          + "    xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\">\n"
          + "  <ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          + "      xsi:type=\"ccmp:ccmp-options-request-message-type\">\n"
          + "    <confUserID>xcon-userid:alice@example.com</confUserID>\n"
          + "  </ccmpRequest>\n"
          + "</ccmp:ccmpRequest>\n";

  private final JaxbXconCodec codec = new JaxbXconCodec(64 * 1024, 32);

  static String optionsRequest(CcmpNamespace namespace) {
    return OPTIONS_REQUEST.replace("NS", namespace.uri());
  }

  private CcmpRequestDocument read(String xml) throws MalformedDocumentException, IOException {
    return codec.readCcmpRequest(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private MalformedDocumentException rejected(String xml) {
    return assertThrows(MalformedDocumentException.class, () -> read(xml));
  }

  @Test
  public void readsTheRfc6503OptionsRequestInBothNamespaces() throws Exception {
    for (CcmpNamespace namespace : CcmpNamespace.values()) {
      CcmpRequestDocument document = read(optionsRequest(namespace));
      assertEquals(namespace, document.namespace());
      assertTrue(document.message() instanceof CcmpOptionsRequestMessageType);
      assertEquals("xcon-userid:alice@example.com", document.message().getConfUserID());
    }
  }

  @Test
  public void toleratesUnknownElements() throws Exception {
    String xml =
        optionsRequest(CcmpNamespace.PUBLISHED)
            .replace(
                "</confUserID>",
                "</confUserID><vendor:hint xmlns:vendor=\"urn:x\">1</vendor:hint>");
    assertEquals("xcon-userid:alice@example.com", read(xml).message().getConfUserID());
  }

  @Test
  public void writesTheResponseWithTheRfcPrefixesAndXsiType() throws Exception {
    for (CcmpNamespace namespace : CcmpNamespace.values()) {
      String xml = write(optionsResponse(), namespace);
      assertTrue(
          xml, xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ccmp:ccmpResponse "));
      assertTrue(xml, xml.contains("xmlns:ccmp=\"" + namespace.uri() + "\""));
      assertTrue(xml, xml.contains("xmlns:info=\"urn:ietf:params:xml:ns:conference-info\""));
      assertTrue(xml, xml.contains("xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\""));
      assertTrue(
          xml,
          xml.contains(
              "<ccmpResponse xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                  + " xsi:type=\"ccmp:ccmp-options-response-message-type\">"));
      assertTrue(xml, xml.contains("<ccmp:optionsResponse><options><standard-message-list>"));
      // Both are the same document but for the namespace; the published one is schema-valid.
      SchemaCheck.assertValidCcmp(xml.replace(namespace.uri(), CcmpNamespace.PUBLISHED.uri()));
    }
  }

  @Test
  public void readsBackWhatItWrites() throws Exception {
    String xml = write(optionsResponse(), CcmpNamespace.DRAFT);
    String asRequest =
        xml.replace("ccmpResponse", "ccmpRequest")
            .replaceAll("<response-code>.*</ccmpRequest>", "</ccmpRequest>")
            .replace("ccmp-options-response-message-type", "ccmp-options-request-message-type");
    assertEquals("xcon-userid:alice@example.com", read(asRequest).message().getConfUserID());
  }

  @Test
  public void rejectsWhatIsNotWellFormed() {
    MalformedDocumentException e =
        rejected("<ccmp:ccmpRequest xmlns:ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\">");
    assertEquals(CcmpNamespace.PUBLISHED, e.namespace());
    assertNull(rejected("").namespace());
    rejected("not xml at all");
    rejected("<a><b></a>");
  }

  @Test
  public void rejectsDtdsAndEntities() {
    String billionLaughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2"
            + " \"&lol;&lol;&lol;&lol;\">]>"
            + optionsRequest(CcmpNamespace.PUBLISHED)
                .replaceFirst("<\\?xml[^>]*>", "")
                .replace("alice", "&lol2;");
    assertTrue(rejected(billionLaughs).getMessage().contains("DTD"));
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + optionsRequest(CcmpNamespace.PUBLISHED)
                .replaceFirst("<\\?xml[^>]*>", "")
                .replace("alice", "&x;");
    rejected(xxe);
  }

  @Test
  public void rejectsOversizedAndDeepDocuments() {
    String big =
        optionsRequest(CcmpNamespace.PUBLISHED)
            .replace(
                "</confUserID>",
                "</confUserID><x:pad xmlns:x=\"urn:x\">" + "a".repeat(70_000) + "</x:pad>");
    assertTrue(rejected(big).getMessage().contains("larger than"));
    String deep =
        optionsRequest(CcmpNamespace.PUBLISHED)
            .replace(
                "</confUserID>",
                "</confUserID>" + "<x:d xmlns:x=\"urn:x\">".repeat(40) + "</x:d>".repeat(40));
    assertTrue(rejected(deep).getMessage().contains("deeper than"));
  }

  @Test
  public void rejectsOtherRootsAndMissingTypes() {
    rejected("<ccmpRequest/>");
    rejected("<ccmp:ccmpRequest xmlns:ccmp=\"urn:other\"><ccmpRequest/></ccmp:ccmpRequest>");
    rejected(optionsRequest(CcmpNamespace.PUBLISHED).replace("ccmpRequest", "ccmpResponse"));
    MalformedDocumentException noType =
        rejected(
            optionsRequest(CcmpNamespace.DRAFT)
                .replace("xsi:type=\"ccmp:ccmp-options-request-message-type\"", ""));
    assertEquals(CcmpNamespace.DRAFT, noType.namespace());
    assertEquals("xcon-userid:alice@example.com", noType.confUserId());
    rejected(
        optionsRequest(CcmpNamespace.PUBLISHED)
            .replace("ccmp-options-request", "ccmp-bogus-request"));
  }

  private String write(CcmpOptionsResponseMessageType response, CcmpNamespace namespace)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeCcmpResponse(response, namespace, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static CcmpOptionsResponseMessageType optionsResponse() {
    StandardMessageType blueprints = new StandardMessageType();
    blueprints.setName(StandardMessageNameType.BLUEPRINTS_REQUEST);
    OperationsType operations = new OperationsType();
    operations.getOperation().add(OperationType.RETRIEVE);
    blueprints.setOperations(operations);
    StandardMessageListType list = new StandardMessageListType();
    list.getStandardMessage().add(blueprints);
    OptionsType options = new OptionsType();
    options.setStandardMessageList(list);
    OptionsResponseType body = new OptionsResponseType();
    body.setOptions(options);
    CcmpOptionsResponseMessageType response = new CcmpOptionsResponseMessageType();
    response.setConfUserID("xcon-userid:alice@example.com");
    response.setResponseCode(BigInteger.valueOf(200));
    response.setResponseString("success");
    response.setOptionsResponse(body);
    return response;
  }
}
