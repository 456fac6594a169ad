package io.xconf.sip.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import org.junit.Test;

public class PlainParseErrorsTest {

  private final MessageParser parser = new PlainParseErrors().createMessageParser(null);

  private static byte[] request(String via, String more) {
    return ("OPTIONS sip:room@example.com SIP/2.0\r\n"
            + via
            + "\r\n"
            + "From: <sip:a@example.com>;tag=1\r\n"
            + "To: <sip:room@example.com>\r\n"
            + "Call-ID: c1\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + more
            + "Content-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  // The stack's Via parser steps over the end of the line after a backslash in a comment, then
  // appends NULs until the heap runs out: the first of these took a server down before the check.
  @Test(timeout = 10_000)
  public void aViaCommentIsMalformedAndEndsAtOnce() {
    for (byte[] hostile :
        new byte[][] {
          request("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1 (\\", ""),
          request("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1 (never closed", ""),
          request("v : SIP/2.0/UDP host.example.com;branch=z9hG4bK1 (closed)", ""),
          request(
              "VIA: SIP/2.0/UDP host.example.com;branch=z9hG4bK1\r\n  (folded, never closed", "")
        }) {
      ParseException refused =
          assertThrows(
              ParseException.class, () -> parser.parseSIPMessage(hostile, true, false, null));
      assertEquals("malformed", refused.getMessage());
    }
  }

  @Test(timeout = 10_000)
  public void parenthesesElsewhereAreFine() throws Exception {
    SIPRequest request =
        (SIPRequest)
            parser.parseSIPMessage(
                request(
                    "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1",
                    "Subject: weekly (moved)\r\nUser-Agent: phone (model 2)\r\n"),
                true,
                false,
                null);
    assertEquals("c1", request.getCallId().getCallId());
  }
}
