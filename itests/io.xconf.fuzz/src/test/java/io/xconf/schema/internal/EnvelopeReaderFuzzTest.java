package io.xconf.schema.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.xconf.schema.CcmpRequestDocument;
import io.xconf.schema.MalformedDocumentException;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.namespace.QName;

/**
 * The envelope reader, differentially: any document it reads, JAXB reads to the same request
 * (compared as JAXB writes both back). What it declines is JAXB's alone and needs no check here.
 */
class EnvelopeReaderFuzzTest {

  private static final JaxbXconCodec CODEC = new JaxbXconCodec(1 << 20, 64);
  private static final EnvelopeReader ENVELOPES = new EnvelopeReader(JaxbXconCodec.stax());

  @FuzzTest(maxDuration = "30s")
  void envelopesReadAsJaxbReadsThem(byte[] input) throws Exception {
    CcmpRequestDocument envelope = ENVELOPES.read(input);
    if (envelope == null) {
      return;
    }
    CcmpRequestDocument jaxb;
    try {
      jaxb = CODEC.readWithJaxb(new ByteArrayInputStream(input));
    } catch (MalformedDocumentException e) {
      throw new AssertionError(
          "read as an envelope, malformed to JAXB (" + e.getMessage() + "): " + text(input), e);
    }
    assertEquals(written(jaxb), written(envelope), () -> text(input));
  }

  private static String text(byte[] input) {
    return new String(input, StandardCharsets.UTF_8);
  }

  private static String written(CcmpRequestDocument document) {
    return document.namespace()
        + " "
        + document.invalidValue()
        + " "
        + new String(
            CODEC.writeBinding(
                new QName("", "ccmpRequest"), CcmpRequestMessageType.class, document.message()),
            StandardCharsets.UTF_8);
  }
}
