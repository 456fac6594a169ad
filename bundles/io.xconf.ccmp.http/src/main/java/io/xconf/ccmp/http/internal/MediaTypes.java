package io.xconf.ccmp.http.internal;

import java.util.Locale;

/** The media-type checks of RFC 6503 section 9: {@code application/ccmp+xml} both ways. */
final class MediaTypes {

  static final String CCMP = "application/ccmp+xml";
  static final String CCMP_UTF8 = CCMP + "; charset=utf-8";

  private MediaTypes() {}

  /** True for {@code application/ccmp+xml}, with no charset or UTF-8. */
  static boolean isCcmpContentType(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!CCMP.equals(parts[0].trim().toLowerCase(Locale.ROOT))) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if ("charset".equals(parameter[0].trim().toLowerCase(Locale.ROOT))) {
        String charset = parameter.length == 2 ? parameter[1].trim().replace("\"", "") : "";
        if (!"utf-8".equalsIgnoreCase(charset)) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when the Accept header is absent or admits {@code application/ccmp+xml}. */
  static boolean acceptsCcmp(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (!(type.equals(CCMP) || type.equals("application/*") || type.equals("*/*"))) {
        continue;
      }
      if (!hasZeroQuality(parts)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasZeroQuality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter.length == 2 && "q".equals(parameter[0].trim().toLowerCase(Locale.ROOT))) {
        try {
          return Double.parseDouble(parameter[1].trim()) <= 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }
}
