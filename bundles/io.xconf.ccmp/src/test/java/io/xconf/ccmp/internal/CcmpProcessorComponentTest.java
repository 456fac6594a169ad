package io.xconf.ccmp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.Account;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpOutcome;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.extension.CcmpExtension;
import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.XconSchemas;
import io.xconf.schema.ccmp.CcmpBlueprintsResponseMessageType;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.internal.JaxbXconCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import javax.xml.transform.stream.StreamSource;
import org.junit.Test;

public class CcmpProcessorComponentTest {

  private static final JaxbXconCodec CODEC = new JaxbXconCodec(64 * 1024, 32);
  private static final TestAccounts ACCOUNTS = new TestAccounts();

  private String output;
  private CcmpOutcome outcome;

  static String request(CcmpNamespace namespace, String type, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<ccmp:ccmpRequest xmlns:ccmp=\""
        + namespace.uri()
        + "\" xmlns:info=\"urn:ietf:params:xml:ns:conference-info\">"
        + "<ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xsi:type=\"ccmp:"
        + type
        + "\"><confUserID>xcon-userid:alice@example.com</confUserID>"
        + body
        + "</ccmpRequest></ccmp:ccmpRequest>";
  }

  /** As alice, authenticated by the transport (HTTP Digest, say). */
  private void process(CcmpProcessorComponent processor, String xml) throws Exception {
    process(processor, xml, new CcmpCaller(ACCOUNTS.account(TestAccounts.ALICE), false));
  }

  private void process(CcmpProcessorComponent processor, String xml, CcmpCaller caller)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    outcome =
        processor.process(
            new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), out, caller);
    output = out.toString(StandardCharsets.UTF_8);
  }

  @Test
  public void anOverloadedServerRefusesWith510InTheRequestsOwnTerms() throws Exception {
    CcmpProcessorComponent processor = processor(List.of(), List.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String conf =
        request(
            CcmpNamespace.DRAFT,
            "ccmp-conf-request-message-type",
            "<operation>retrieve</operation><ccmp:confRequest/>");
    outcome =
        processor.refuse(
            new ByteArrayInputStream(conf.getBytes(StandardCharsets.UTF_8)),
            out,
            CcmpResponseCode.REQUEST_TIMEOUT,
            "busy");
    output = out.toString(StandardCharsets.UTF_8);
    assertEquals(
        new CcmpOutcome(
            510, "ccmp-conf-request-message-type", CcmpNamespace.DRAFT, false, false, "retrieve"),
        outcome);
    assertTrue(output, output.contains("xsi:type=\"ccmp:ccmp-conf-response-message-type\""));
    assertValid();
    out.reset();
    outcome =
        processor.refuse(
            new ByteArrayInputStream(new byte[] {'x'}),
            out,
            CcmpResponseCode.REQUEST_TIMEOUT,
            "busy");
    output = out.toString(StandardCharsets.UTF_8);
    assertEquals(510, outcome.responseCode());
    assertValid();
  }

  @Test
  public void requestsWithoutCredentialsGet424AndAChallenge() throws Exception {
    CcmpProcessorComponent processor = processor(List.of(), List.of());
    process(
        processor,
        request(CcmpNamespace.PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>"),
        CcmpCaller.anonymous(false));
    assertEquals(
        new CcmpOutcome(424, "ccmp-confs-request-message-type", CcmpNamespace.PUBLISHED, true),
        outcome);
    assertValid();
    // Options tell what the server is; they need no credentials.
    process(
        processor,
        request(CcmpNamespace.PUBLISHED, "ccmp-options-request-message-type", ""),
        CcmpCaller.anonymous(false));
    assertEquals(200, outcome.responseCode());
  }

  @Test
  public void theCcmpSubjectAuthenticates() throws Exception {
    CcmpProcessorComponent processor = processor(List.of(), List.of());
    String confs =
        request(CcmpNamespace.PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>");
    String withSubject =
        confs.replace(
            "<confUserID>",
            "<subject><username>alice</username><password>pw-alice</password></subject><confUserID>");
    process(processor, withSubject, CcmpCaller.anonymous(true));
    assertEquals("authenticated; no handler installed", 501, outcome.responseCode());
    process(
        processor,
        withSubject.replace("<username>alice<", "<username>" + TestAccounts.ALICE + "<"),
        CcmpCaller.anonymous(true));
    assertEquals("the XCON-USERID works as user name too", 501, outcome.responseCode());
    process(processor, withSubject.replace("pw-alice", "guess"), CcmpCaller.anonymous(true));
    assertEquals(424, outcome.responseCode());
    assertTrue(outcome.authenticationRequired());
  }

  @Test
  public void theSenderMustOwnTheConfUserIdItClaims() throws Exception {
    CcmpProcessorComponent processor = processor(List.of(), List.of());
    String confs =
        request(CcmpNamespace.PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>");
    process(processor, confs, new CcmpCaller(ACCOUNTS.account(TestAccounts.BOB), false));
    assertEquals(401, outcome.responseCode());
    process(processor, confs.replace(TestAccounts.ALICE, "xcon-userid:mallory@example.com"));
    assertEquals(421, outcome.responseCode());
    assertValid();
  }

  private void assertValid() throws Exception {
    String published = output.replace(CcmpNamespace.DRAFT.uri(), CcmpNamespace.PUBLISHED.uri());
    XconSchemas.ccmp().newValidator().validate(new StreamSource(new StringReader(published)));
  }

  private static CcmpProcessorComponent processor(
      List<CcmpMessageHandler> handlers, List<CcmpExtension> extensions) {
    return new CcmpProcessorComponent(CODEC, ACCOUNTS, handlers, extensions);
  }

  @Test
  public void answersOptionsInTheNamespaceOfTheRequest() throws Exception {
    for (CcmpNamespace namespace : CcmpNamespace.values()) {
      process(
          processor(List.of(), List.of()),
          request(namespace, "ccmp-options-request-message-type", ""));
      assertEquals(new CcmpOutcome(200, "ccmp-options-request-message-type", namespace), outcome);
      assertTrue(output, output.contains("xmlns:ccmp=\"" + namespace.uri() + "\""));
      assertTrue(output, output.contains("xsi:type=\"ccmp:ccmp-options-response-message-type\""));
      assertTrue(
          output,
          output.contains(
              "<confUserID>xcon-userid:alice@example.com</confUserID><response-code>200</response-code>"));
      // Nothing installed yet: <options> is left out rather than sent empty (and invalid).
      assertTrue(
          output,
          output.contains("<ccmp:optionsResponse/>")
              || output.contains("<ccmp:optionsResponse></ccmp:optionsResponse>"));
      assertValid();
    }
  }

  @Test
  public void optionsListWhatIsInstalled() throws Exception {
    CcmpMessageHandler blueprints =
        handler(StandardMessageNameType.BLUEPRINTS_REQUEST, Set.of(OperationType.RETRIEVE));
    CcmpMessageHandler conf =
        handler(
            StandardMessageNameType.CONF_REQUEST,
            Set.of(OperationType.DELETE, OperationType.CREATE));
    process(
        processor(
            List.of(conf, blueprints),
            List.of(extension("zetaRequest"), extension("confSummaryRequest"))),
        request(CcmpNamespace.PUBLISHED, "ccmp-options-request-message-type", ""));
    assertTrue(
        output,
        output.contains(
            "<standard-message-list><standard-message><name>blueprintsRequest</name><operations><operation>retrieve</operation></operations></standard-message>"
                + "<standard-message><name>confRequest</name><operations><operation>create</operation><operation>delete</operation></operations></standard-message></standard-message-list>"));
    assertTrue(
        output,
        output.contains(
            "<extended-message-list><extended-message><name>confSummaryRequest</name><operations><operation>retrieve</operation></operations>"
                + "<schema-def>http://example.com/confSummaryRequest.xsd</schema-def><description>test extension</description></extended-message>"
                + "<extended-message><name>zetaRequest</name>"));
  }

  @Test
  public void answersAMessageWithoutHandlerWith501InItsOwnResponseType() throws Exception {
    process(
        processor(List.of(), List.of()),
        request(
            CcmpNamespace.DRAFT,
            "ccmp-conf-request-message-type",
            "<confObjID>xcon:abc@example.com</confObjID><operation>retrieve</operation><ccmp:confRequest/>"));
    assertEquals(501, outcome.responseCode());
    assertTrue(output, output.contains("xsi:type=\"ccmp:ccmp-conf-response-message-type\""));
    assertTrue(
        output,
        output.contains(
            "<confObjID>xcon:abc@example.com</confObjID><operation>retrieve</operation><response-code>501</response-code>"));
    assertValid();
  }

  @Test
  public void dispatchesToTheHandlerOfTheType() throws Exception {
    process(
        processor(
            List.of(handler(StandardMessageNameType.BLUEPRINTS_REQUEST, Set.of())), List.of()),
        request(
            CcmpNamespace.PUBLISHED,
            "ccmp-blueprints-request-message-type",
            "<ccmp:blueprintsRequest/>"));
    assertEquals(200, outcome.responseCode());
    assertTrue(output, output.contains("xsi:type=\"ccmp:ccmp-blueprints-response-message-type\""));
    assertValid();
  }

  @Test
  public void aFailingHandlerGives500AndNoStackTrace() throws Exception {
    CcmpMessageHandler failing =
        new CcmpMessageHandler() {
          @Override
          public StandardMessageNameType message() {
            return StandardMessageNameType.CONFS_REQUEST;
          }

          @Override
          public Set<OperationType> operations() {
            return Set.of();
          }

          @Override
          public CcmpResponseMessageType handle(CcmpRequestMessageType request, Account sender) {
            throw new IllegalStateException("secret internals");
          }
        };
    process(
        processor(List.of(failing), List.of()),
        request(
            CcmpNamespace.PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>"));
    assertEquals(500, outcome.responseCode());
    assertFalse(output, output.contains("secret"));
    assertValid();
  }

  @Test
  public void malformedInputGets400MirroringWhatCouldBeRead() throws Exception {
    process(processor(List.of(), List.of()), "this is not XML");
    assertEquals(new CcmpOutcome(400, null, CcmpNamespace.PUBLISHED), outcome);
    assertTrue(
        output,
        output.contains("<confUserID></confUserID><response-code>400</response-code>")
            || output.contains("<confUserID/><response-code>400</response-code>"));
    assertValid();

    process(processor(List.of(), List.of()), request(CcmpNamespace.DRAFT, "no-such-type", ""));
    assertEquals(new CcmpOutcome(400, null, CcmpNamespace.DRAFT), outcome);
    assertTrue(
        output,
        output.contains(
            "<confUserID>xcon-userid:alice@example.com</confUserID><response-code>400</response-code>"));
    assertTrue(output, output.contains("xmlns:ccmp=\"" + CcmpNamespace.DRAFT.uri() + "\""));
    assertValid();

    // Found by fuzzing: the parser's message quoted a control character, which the answer carried.
    process(
        processor(List.of(), List.of()),
        "<?xml version=\"\u000f1.0\" encoding=\"UTF-8\"?>"
            + request(CcmpNamespace.PUBLISHED, "ccmp-confs-request-message-type", "")
                .replaceFirst("<\\?xml[^>]*>", ""));
    assertEquals(400, outcome.responseCode());
    assertValid();

    // Found by fuzzing: bytes that are no text in the encoding they suggest (here UTF-32) were
    // taken
    // for a failed connection, and no answer was written.
    process(
        processor(List.of(), List.of()),
        "<\u0000\u0000\u0000\u0000\u0000\u0000\u00038?xml version=\"1.0\"?><x/>");
    assertEquals(400, outcome.responseCode());
    assertValid();
  }

  @Test
  public void extendedRequestsReachTheirExtension() throws Exception {
    CcmpProcessorComponent processor =
        processor(List.of(), List.of(extension("confSummaryRequest")));
    process(
        processor,
        request(
            CcmpNamespace.PUBLISHED,
            "ccmp-extended-request-message-type",
            "<ccmp:extendedRequest><extensionName>confSummaryRequest</extensionName></ccmp:extendedRequest>"));
    assertEquals(200, outcome.responseCode());
    assertTrue(
        output,
        output.contains(
            "<ccmp:extendedResponse><extensionName>confSummaryRequest</extensionName></ccmp:extendedResponse>"));
    assertValid();

    process(
        processor,
        request(
            CcmpNamespace.PUBLISHED,
            "ccmp-extended-request-message-type",
            "<ccmp:extendedRequest><extensionName>other</extensionName></ccmp:extendedRequest>"));
    assertEquals(501, outcome.responseCode());
    assertTrue(output, output.contains("<extensionName>other</extensionName>"));
    assertValid();

    process(
        processor,
        request(
            CcmpNamespace.PUBLISHED,
            "ccmp-extended-request-message-type",
            "<ccmp:extendedRequest/>"));
    assertEquals(400, outcome.responseCode());
    assertValid();
  }

  private static CcmpMessageHandler handler(
      StandardMessageNameType name, Set<OperationType> operations) {
    return new CcmpMessageHandler() {
      @Override
      public StandardMessageNameType message() {
        return name;
      }

      @Override
      public Set<OperationType> operations() {
        return operations;
      }

      @Override
      public CcmpResponseMessageType handle(CcmpRequestMessageType request, Account sender) {
        CcmpResponseMessageType response = ResponseTypes.answering(request);
        assertNull(response.getConfUserID());
        response.setResponseCode(CcmpResponseCode.SUCCESS.asBigInteger());
        assertTrue(response instanceof CcmpBlueprintsResponseMessageType);
        return response;
      }
    };
  }

  private static CcmpExtension extension(String name) {
    return new CcmpExtension() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<OperationType> operations() {
        return Set.of(OperationType.RETRIEVE);
      }

      @Override
      public String schemaDefinition() {
        return "http://example.com/" + name + ".xsd";
      }

      @Override
      public String description() {
        return "test extension";
      }

      @Override
      public CcmpExtendedResponseMessageType handle(
          CcmpExtendedRequestMessageType request, Account sender) {
        CcmpExtendedResponseMessageType response = new CcmpExtendedResponseMessageType();
        response.setResponseCode(CcmpResponseCode.SUCCESS.asBigInteger());
        return response;
      }
    };
  }
}
