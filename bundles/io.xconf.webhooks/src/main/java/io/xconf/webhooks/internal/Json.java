package io.xconf.webhooks.internal;

/** Just enough JSON writing for webhook bodies: strings escaped as RFC 8259 requires. */
final class Json {

  private Json() {}

  /** {@code text} as a JSON string, quotes included; {@code null} as null. */
  static String string(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder json = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          // Control characters, and the two separators JavaScript would not take in a literal.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
