package io.xconf.accounts;

/** The HTTP/SIP Digest algorithms (RFC 7616) whose HA1 the directory keeps. */
public enum DigestAlgorithm {
  MD5("MD5", "MD5"),
  SHA_256("SHA-256", "SHA-256");

  private final String token;
  private final String javaName;

  DigestAlgorithm(String token, String javaName) {
    this.token = token;
    this.javaName = javaName;
  }

  /** The {@code algorithm} token of a Digest challenge. */
  public String token() {
    return token;
  }

  /** The algorithm a challenge or credentials token names, case-insensitively; null if none. */
  public static DigestAlgorithm fromToken(String token) {
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.token.equalsIgnoreCase(token.strip())) {
        return algorithm;
      }
    }
    return null;
  }

  /** The {@link java.security.MessageDigest} name. */
  public String javaName() {
    return javaName;
  }
}
