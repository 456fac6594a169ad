package io.xconf.ccmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.model.CreateRequest;
import io.xconf.model.internal.ConferenceServiceComponent;
import io.xconf.schema.XconSchemas;
import io.xconf.schema.internal.JaxbXconCodec;
import io.xconf.store.ConferenceStore;
import io.xconf.store.StoreWrite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.transform.stream.StreamSource;

/**
 * A CCMP request as the processor sees it after HTTP, from the conference's organizer, from one of
 * its users, or from a client without credentials, against a real codec, handlers and model: every
 * input gets a schema-valid answer that is never a 500, and the conference reads back whatever was
 * sent. Inputs name the conference as {@code xcon:CONF@example.com}.
 */
class CcmpRequestFuzzTest {

  private static final String DOMAIN = "example.com";
  private static final String ALICE = TestAccounts.ALICE;
  private static final String BOB = TestAccounts.BOB;
  private static final Pattern CODE = Pattern.compile("<response-code>(\\d+)</response-code>");

  private static final Harness HARNESS = new Harness();

  @FuzzTest(maxDuration = "40s")
  void aRequestAsTheProcessorSeesIt(byte[] input) throws Exception {
    String request =
        new String(input, StandardCharsets.UTF_8).replace("xcon:CONF@example.com", HARNESS.uri);
    CcmpCaller caller =
        switch (input.length % 3) {
          case 0 -> new CcmpCaller(HARNESS.accounts.byUserId(ALICE).orElseThrow(), true);
          case 1 -> new CcmpCaller(HARNESS.accounts.byUserId(BOB).orElseThrow(), true);
          default -> CcmpCaller.anonymous(true);
        };
    String response = HARNESS.send(request, caller);
    assertNotEquals(500, code(response), () -> request + "\n->\n" + response);

    String retrieve =
        HARNESS.send(
            "<ccmp:ccmpRequest xmlns:ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\"><ccmpRequest"
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:type=\"ccmp:ccmp-conf-request-message-type\"><confUserID>"
                + ALICE
                + "</confUserID><confObjID>"
                + HARNESS.uri
                + "</confObjID><operation>retrieve</operation>"
                + "<conference-password>Zebra7</conference-password><ccmp:confRequest/>"
                + "</ccmpRequest></ccmp:ccmpRequest>",
            new CcmpCaller(HARNESS.accounts.byUserId(ALICE).orElseThrow(), true));
    int retrieved = code(retrieve);
    // The fuzzer may delete the conference or change its password; it must never break it.
    if (retrieved != 404 && retrieved != 422 && retrieved != 423) {
      assertEquals(200, retrieved, () -> request + "\n-> then retrieve:\n" + retrieve);
    }
  }

  private static int code(String response) {
    Matcher matcher = CODE.matcher(response);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
  }

  /** The server, once per fuzzing JVM: one password-protected conference of alice's, bob in it. */
  private static final class Harness {
    final TestAccounts accounts = new TestAccounts();
    final CcmpProcessorComponent processor;
    final String uri;
    final javax.xml.validation.Schema schema;

    Harness() {
      try {
        schema = XconSchemas.ccmp();
        JaxbXconCodec codec = new JaxbXconCodec(1 << 20, 64);
        ConferenceServiceComponent model =
            new ConferenceServiceComponent(DOMAIN, new NothingStored());
        processor =
            new CcmpProcessorComponent(
                codec, accounts, StandardHandlers.of(model, codec, accounts), List.of());
        uri =
            model
                .create(
                    CreateRequest.conference(
                        "xcon:audio-room@" + DOMAIN,
                        io.xconf.model.XmlDocuments.parse(
                            ("<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
                                    + " xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\">"
                                    + "<users><user entity=\""
                                    + ALICE
                                    + "\"><roles><entry>organizer</entry></roles></user>"
                                    + "<user entity=\""
                                    + BOB
                                    + "\"/></users></conference-info>")
                                .getBytes(StandardCharsets.UTF_8),
                            64),
                        ALICE))
                .uri();
        String sip = "sip:" + uri.substring("xcon:".length());
        model.update(
            uri,
            io.xconf.model.XmlDocuments.parse(
                ("<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
                        + " xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\">"
                        + "<conference-description><conf-uris><entry><uri>"
                        + sip
                        + "</uri><xcon:conference-password>Zebra7</xcon:conference-password>"
                        + "</entry></conf-uris></conference-description></conference-info>")
                    .getBytes(StandardCharsets.UTF_8),
                64),
            ALICE);
      } catch (Exception e) {
        throw new IllegalStateException("the fuzzing server did not start", e);
      }
    }

    /** The answer, checked against RFC 6503's schema. */
    String send(String request, CcmpCaller caller) throws Exception {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      processor.process(
          new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, caller);
      String response = out.toString(StandardCharsets.UTF_8);
      schema
          .newValidator()
          .validate(
              new StreamSource(
                  new StringReader(
                      response.replace(
                          "urn:ietf:params:xml:ns:xcon:ccmp",
                          "urn:ietf:params:xml:ns:xcon-ccmp"))));
      return response;
    }
  }

  /** Durability is not what is fuzzed here. */
  private static final class NothingStored implements ConferenceStore {
    @Override
    public void loadAll(java.util.function.Consumer<io.xconf.store.StoredObject> sink) {}

    @Override
    public CompletionStage<Void> write(List<StoreWrite> writes) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public java.util.Map<String, io.xconf.store.StoredObject> read(
        java.util.Collection<String> uris) {
      return java.util.Map.of();
    }

    @Override
    public java.util.Map<String, Long> versions() {
      return java.util.Map.of();
    }

    @Override
    public java.util.Map<String, Long> versions(java.util.Collection<String> uris) {
      return java.util.Map.of();
    }

    @Override
    public List<io.xconf.store.StoredObject> children(String parentUri) {
      return List.of();
    }

    @Override
    public void listen(io.xconf.store.StoreListener listener) {}
  }
}
