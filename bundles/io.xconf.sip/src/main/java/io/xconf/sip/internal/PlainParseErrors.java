package io.xconf.sip.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * The stack's parser, with what it reports of a malformed message made plain. The stack answers a
 * malformed request with a 400 whose reason phrase is the parser's exception text: internal object
 * names and line breaks, which make that 400 itself malformed. Here the text is one safe phrase.
 */
final class PlainParseErrors implements MessageParserFactory {

  private final StringMsgParser parser = new StringMsgParser();

  @Override
  public MessageParser createMessageParser(SIPTransactionStack stack) {
    return (bytes, readBody, strict, listener) -> {
      try {
        SIPMessage message = parser.parseSIPMessage(bytes, readBody, strict, listener);
        if (message instanceof SIPRequest request && request.getRequestLine() != null) {
          String version = writtenVersion(bytes);
          if (version != null && !version.equalsIgnoreCase("SIP/2.0")) {
            request.getRequestLine().setSipVersion(version);
          }
        }
        return message;
      } catch (ParseException e) {
        throw new ParseException("malformed", e.getErrorOffset());
      } catch (RuntimeException e) {
        // A parser bug on hostile bytes is a malformed message, not a dead reader thread.
        throw new ParseException("malformed", 0);
      }
    };
  }

  /** The last word of a request's first line, as it was written. */
  private static String writtenVersion(byte[] bytes) {
    int start = 0;
    while (start < bytes.length && (bytes[start] == '\r' || bytes[start] == '\n')) {
      start++;
    }
    int end = start;
    while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n' && end - start < 8192) {
      end++;
    }
    String line = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1).strip();
    int space = line.lastIndexOf(' ');
    return space < 0 ? null : line.substring(space + 1);
  }
}
