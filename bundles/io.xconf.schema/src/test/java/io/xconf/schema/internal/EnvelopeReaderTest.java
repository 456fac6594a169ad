package io.xconf.schema.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.CcmpRequestDocument;
import io.xconf.schema.MalformedDocumentException;
import io.xconf.schema.ccmp.CcmpConfRequestMessageType;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.OperationType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.namespace.QName;
import org.junit.Test;

/**
 * The envelope reader against JAXB: what it reads equals what JAXB reads, and whatever it is not
 * sure of it leaves to JAXB.
 */
public class EnvelopeReaderTest {

  private final JaxbXconCodec codec = new JaxbXconCodec(64 * 1024, 32);
  private final EnvelopeReader envelopes = new EnvelopeReader(JaxbXconCodec.stax());

  private static String request(String ns, String type, String inner) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ccmp:ccmpRequest xmlns:ccmp=\""
        + ns
        + "\" xmlns:info=\"urn:ietf:params:xml:ns:conference-info\"><ccmpRequest"
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"ccmp:ccmp-"
        + type
        + "-request-message-type\">"
        + inner
        + "</ccmpRequest></ccmp:ccmpRequest>";
  }

  private static String published(String type, String inner) {
    return request(CcmpNamespace.PUBLISHED.uri(), type, inner);
  }

  private static final String RETRIEVE =
      published(
          "conf",
          "<subject><username>alice</username><password>s3cret</password></subject>"
              + "<confUserID>xcon-userid:alice@example.com</confUserID>"
              + "<confObjID>xcon:room@example.com</confObjID><operation>retrieve</operation>"
              + "<conference-password>Zebra7</conference-password><ccmp:confRequest/>");

  /** Documents the envelope reader reads itself, each as JAXB would. */
  private static final List<String> ENVELOPES =
      List.of(
          RETRIEVE,
          RETRIEVE.replace(CcmpNamespace.PUBLISHED.uri(), CcmpNamespace.DRAFT.uri()),
          published("options", "<confUserID>xcon-userid:alice@example.com</confUserID>"),
          published("options", ""),
          published("blueprints", "<confUserID>u</confUserID><ccmp:blueprintsRequest/>"),
          published(
              "blueprint",
              "<confUserID>u</confUserID><confObjID>xcon:b@example.com</confObjID>"
                  + "<operation>retrieve</operation><ccmp:blueprintRequest></ccmp:blueprintRequest>"),
          published("confs", "<confUserID>u</confUserID><ccmp:confsRequest/>"),
          published(
              "conf",
              "<confUserID>u</confUserID><confObjID>xcon:c@example.com</confObjID>"
                  + "<operation>delete</operation><ccmp:confRequest/>"),
          published("users", "<confUserID>u</confUserID><ccmp:usersRequest/>"),
          published(
              "user",
              "<confUserID>u</confUserID><operation>retrieve</operation><ccmp:userRequest/>"),
          published("sidebarsByVal", "<ccmp:sidebarsByValRequest/>"),
          published("sidebarsByRef", "<ccmp:sidebarsByRefRequest/>"),
          published("sidebarByVal", "<operation>retrieve</operation><ccmp:sidebarByValRequest/>"),
          published("sidebarByRef", "<operation>delete</operation><ccmp:sidebarByRefRequest/>"),
          // what JAXB keeps as it is: white space in text, empty text, CDATA, entities, comments
          published(
              "conf",
              "\n  <subject>\n <username> alice </username><password/></subject>"
                  + "<!-- c --><confUserID><![CDATA[a<b]]>&amp;&#x41;<!-- in text -->z</confUserID>"
                  + "<confObjID></confObjID><?pi x?><operation>update</operation>\n"
                  + "<ccmp:confRequest>\n  </ccmp:confRequest>\n"),
          published("conf", "<subject/><confUserID>u</confUserID><ccmp:confRequest/>"),
          published("conf", "<subject><password>p</password></subject><ccmp:confRequest/>"),
          // the specialized message in the other namespace: JAXB takes both as one
          published("conf", "<ccmp:confRequest xmlns:ccmp=\"" + CcmpNamespace.DRAFT.uri() + "\"/>"),
          "<!-- before --><ccmp:ccmpRequest xmlns:ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\">"
              + "<ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
              + " xmlns:c=\"urn:ietf:params:xml:ns:xcon:ccmp\""
              + " xsi:type=\"c:ccmp-users-request-message-type\"><c:usersRequest/></ccmpRequest>"
              + "</ccmp:ccmpRequest><!-- after -->\n");

  /** Documents it leaves to JAXB: more than an envelope, or anything JAXB might read otherwise. */
  private static final List<String> DECLINED =
      List.of(
          published(
              "conf",
              "<confUserID>u</confUserID><operation>create</operation><ccmp:confRequest>"
                  + "<confInfo entity=\"xcon:AUTO_GENERATE_1@example.com\"/></ccmp:confRequest>"),
          published(
              "confs", "<ccmp:confsRequest><xpathFilter>//x</xpathFilter></ccmp:confsRequest>"),
          published("conf", "<operation> retrieve </operation><ccmp:confRequest/>"),
          published("conf", "<operation>fetch</operation><ccmp:confRequest/>"),
          published(
              "conf", "<confObjID>c</confObjID><confUserID>u</confUserID><ccmp:confRequest/>"),
          published(
              "conf", "<confUserID>u</confUserID><confUserID>v</confUserID><ccmp:confRequest/>"),
          published("conf", "<confUserID a=\"1\">u</confUserID><ccmp:confRequest/>"),
          published("conf", "<confUserID><b/></confUserID><ccmp:confRequest/>"),
          published("conf", "<ccmp:confRequest a=\"1\"/>"),
          published("conf", "<confRequest/>"),
          published("conf", "<confUserID>u</confUserID>"),
          published("conf", "<x:y xmlns:x=\"urn:x\"/><ccmp:confRequest/>"),
          published("conf", "<ccmp:confRequest/><x:y xmlns:x=\"urn:x\"/>"),
          published("conf", "text<ccmp:confRequest/>"),
          published(
              "conf",
              "<subject><password>p</password><username>u</username></subject>"
                  + "<ccmp:confRequest/>"),
          published("conf", "<ccmp:usersRequest/>"),
          published(
              "extended",
              "<ccmp:extendedRequest><extensionName>x</extensionName>" + "</ccmp:extendedRequest>"),
          published("unknown", "<ccmp:confRequest/>"),
          RETRIEVE.replace("xsi:type=\"ccmp:", "xsi:type=\" ccmp:"),
          RETRIEVE.replace("<ccmpRequest xmlns:xsi", "<ccmpRequest lang=\"en\" xmlns:xsi"),
          RETRIEVE.replace(
              "xmlns:ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\"", "xmlns:ccmp=\"urn:x\""),
          RETRIEVE.replace(
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
              "<!DOCTYPE ccmp:ccmpRequest [<!ENTITY e \"x\">]>"),
          RETRIEVE.replace("</ccmp:ccmpRequest>", "</ccmp:ccmpRequest><again/>"),
          RETRIEVE.replace("</ccmp:ccmpRequest>", ""),
          RETRIEVE.replace("Zebra7", "Zebra\u0001"));

  private CcmpRequestDocument jaxb(String xml) throws Exception {
    return codec.readWithJaxb(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  /** A request as JAXB writes it back: two readings are equal when these are. */
  private String written(CcmpRequestDocument document) {
    return document.namespace()
        + " "
        + document.invalidValue()
        + " "
        + new String(
            codec.writeBinding(
                new QName("", "ccmpRequest"), CcmpRequestMessageType.class, document.message()),
            StandardCharsets.UTF_8);
  }

  @Test
  public void readsEnvelopesAsJaxbDoes() throws Exception {
    for (String xml : ENVELOPES) {
      CcmpRequestDocument envelope = envelopes.read(xml.getBytes(StandardCharsets.UTF_8));
      assertNotNull("not read as an envelope: " + xml, envelope);
      assertEquals(xml, written(jaxb(xml)), written(envelope));
    }
  }

  @Test
  public void leavesEverythingElseToJaxb() {
    for (String xml : DECLINED) {
      assertNull(
          "read as an envelope: " + xml, envelopes.read(xml.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  public void theCodecAnswersDeclinedDocumentsAsJaxbAlone() throws Exception {
    for (String xml : DECLINED) {
      String alone;
      try {
        alone = written(jaxb(xml));
      } catch (MalformedDocumentException e) {
        alone = "malformed: " + e.getMessage();
      }
      String read;
      try {
        read =
            written(
                codec.readCcmpRequest(
                    new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
      } catch (MalformedDocumentException e) {
        read = "malformed: " + e.getMessage();
      }
      assertEquals(xml, alone, read);
    }
  }

  @Test
  public void theRetrieveReadsAsTheClientWroteIt() throws Exception {
    CcmpRequestDocument document =
        codec.readCcmpRequest(new ByteArrayInputStream(RETRIEVE.getBytes(StandardCharsets.UTF_8)));
    CcmpConfRequestMessageType message = (CcmpConfRequestMessageType) document.message();
    assertEquals(CcmpNamespace.PUBLISHED, document.namespace());
    assertEquals("alice", message.getSubject().getUsername());
    assertEquals("s3cret", message.getSubject().getPassword());
    assertEquals("xcon-userid:alice@example.com", message.getConfUserID());
    assertEquals("xcon:room@example.com", message.getConfObjID());
    assertEquals(OperationType.RETRIEVE, message.getOperation());
    assertEquals("Zebra7", message.getConferencePassword());
    assertNotNull(message.getConfRequest());
    assertNull(message.getConfRequest().getConfInfo());
  }

  @Test
  public void largerDocumentsAndThoseBeyondTheCodecsLimitAreNotEnvelopes() throws Exception {
    String padded =
        RETRIEVE.replace("<ccmp:confRequest/>", " ".repeat(9000) + "<ccmp:confRequest/>");
    assertNull(envelopes.read(padded.getBytes(StandardCharsets.UTF_8)));
    JaxbXconCodec small = new JaxbXconCodec(1024, 32);
    String over = RETRIEVE.replace("<ccmp:confRequest/>", " ".repeat(1024) + "<ccmp:confRequest/>");
    MalformedDocumentException refused =
        org.junit.Assert.assertThrows(
            MalformedDocumentException.class,
            () ->
                small.readCcmpRequest(
                    new ByteArrayInputStream(over.getBytes(StandardCharsets.UTF_8))));
    assertTrue(refused.getMessage(), refused.getMessage().contains("1024"));
  }
}
