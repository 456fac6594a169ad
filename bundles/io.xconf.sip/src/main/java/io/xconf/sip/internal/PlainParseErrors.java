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
      if (viaWithComment(bytes)) {
        throw new ParseException("malformed", 0);
      }
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

  /**
   * Whether a Via header holds a "(": RFC 3261's Via has no comments (RFC 2543's had), and the
   * stack's Via parser reads one that is never closed forever, appending NULs until the heap is
   * gone: one datagram would take the server down (found by the SIP fuzz test).
   */
  static boolean viaWithComment(byte[] bytes) {
    boolean inVia = false;
    int lineStart = 0;
    boolean firstLine = true;
    for (int i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] != '\n') {
        continue;
      }
      int end = i > lineStart && bytes[i - 1] == '\r' ? i - 1 : i;
      if (end == lineStart) {
        if (!firstLine) {
          return false; // the blank line: the body follows
        }
      } else if (firstLine) {
        firstLine = false;
      } else if (bytes[lineStart] == ' ' || bytes[lineStart] == '\t') {
        if (inVia && contains(bytes, lineStart, end, (byte) '(')) {
          return true; // a folded line of a Via header
        }
      } else {
        inVia = isVia(bytes, lineStart, end);
        if (inVia && contains(bytes, lineStart, end, (byte) '(')) {
          return true;
        }
      }
      lineStart = i + 1;
    }
    return false;
  }

  /** "Via:" or "v:", in any case, with white space before the colon. */
  private static boolean isVia(byte[] bytes, int start, int end) {
    int colon = start;
    while (colon < end && bytes[colon] != ':') {
      colon++;
    }
    if (colon == end) {
      return false;
    }
    int nameEnd = colon;
    while (nameEnd > start && (bytes[nameEnd - 1] == ' ' || bytes[nameEnd - 1] == '\t')) {
      nameEnd--;
    }
    String name =
        new String(bytes, start, nameEnd - start, StandardCharsets.ISO_8859_1)
            .toLowerCase(java.util.Locale.ROOT);
    return name.equals("via") || name.equals("v");
  }

  private static boolean contains(byte[] bytes, int start, int end, byte wanted) {
    for (int i = start; i < end; i++) {
      if (bytes[i] == wanted) {
        return true;
      }
    }
    return false;
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
