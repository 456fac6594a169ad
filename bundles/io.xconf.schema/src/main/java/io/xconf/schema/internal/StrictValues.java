package io.xconf.schema.internal;

/** Parsers the generated bindings use where the JAXB RI's own would accept bad input silently. */
public final class StrictValues {

  private StrictValues() {}

  /** An xs:boolean: true, false, 1 or 0, surrounded by whitespace at most. */
  public static Boolean parseBoolean(String lexical) {
    return switch (lexical.strip()) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("not a boolean: \"" + lexical + "\"");
    };
  }

  public static String printBoolean(Boolean value) {
    return value.toString();
  }
}
