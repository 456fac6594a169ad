package io.xconf.model.internal;

import java.security.SecureRandom;

/** Unguessable object and user ids, and the URIs made of them. */
final class Identifiers {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** 120 random bits: unguessable, and short enough for a SIP user part. */
  private static final int RANDOM_BYTES = 15;

  private final SecureRandom random = new SecureRandom();

  /** 24 characters of lower-case base32 (RFC 4648 alphabet): safe in every URI user part. */
  String newId() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    StringBuilder id = new StringBuilder(RANDOM_BYTES * 8 / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        id.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return id.toString();
  }

  static String xconUri(String id, String domain) {
    return "xcon:" + id + "@" + domain;
  }

  static String sipUri(String id, String domain) {
    return "sip:" + id + "@" + domain;
  }
}
