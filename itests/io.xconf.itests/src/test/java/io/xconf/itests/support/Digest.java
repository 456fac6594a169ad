package io.xconf.itests.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of Digest, for SIP (RFC 3261 section 22.4, RFC 8760) and HTTP (RFC 7616) alike:
 * the answer to a challenge with {@code qop=auth}, MD5 or SHA-256 as the challenge names.
 */
public final class Digest {

  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

  private Digest() {}

  /** The parameters of a {@code WWW-Authenticate} value, names in lower case. */
  public static Map<String, String> challenge(String header) {
    Map<String, String> parameters = new HashMap<>();
    Matcher matcher = PARAMETER.matcher(header);
    while (matcher.find()) {
      parameters.put(
          matcher.group(1).toLowerCase(),
          matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
    }
    return parameters;
  }

  /** The Authorization value answering a challenge ({@code WWW-Authenticate} value). */
  public static String answer(
      String challenge, String method, String uri, String user, String password, long nc) {
    return answer(challenge(challenge), method, uri, user, password, nc);
  }

  /** The Authorization value answering a challenge's parameters. */
  public static String answer(
      Map<String, String> challenge,
      String method,
      String uri,
      String user,
      String password,
      long nc) {
    return answer(challenge, method, uri, user, password, nc, null);
  }

  /**
   * The Authorization value answering a challenge's parameters; with a {@code body}, {@code
   * qop=auth-int}, which signs it too (RFC 7616 section 3.4.3).
   */
  public static String answer(
      Map<String, String> challenge,
      String method,
      String uri,
      String user,
      String password,
      long nc,
      String body) {
    String algorithm = challenge.getOrDefault("algorithm", "MD5");
    String realm = challenge.get("realm");
    String nonce = challenge.get("nonce");
    String count = String.format("%08x", nc);
    String cnonce = Long.toHexString(System.nanoTime());
    String ha1 = hash(algorithm, user + ":" + realm + ":" + password);
    String qop = body == null ? "auth" : "auth-int";
    String ha2 =
        hash(algorithm, method + ":" + uri + (body == null ? "" : ":" + hash(algorithm, body)));
    String response =
        hash(algorithm, ha1 + ":" + nonce + ":" + count + ":" + cnonce + ":" + qop + ":" + ha2);
    return "Digest username=\""
        + user
        + "\", realm=\""
        + realm
        + "\", nonce=\""
        + nonce
        + "\", uri=\""
        + uri
        + "\", algorithm="
        + algorithm
        + ", qop="
        + qop
        + ", nc="
        + count
        + ", cnonce=\""
        + cnonce
        + "\", response=\""
        + response
        + "\"";
  }

  private static String hash(String algorithm, String text) {
    try {
      MessageDigest digest =
          MessageDigest.getInstance("SHA-256".equalsIgnoreCase(algorithm) ? "SHA-256" : "MD5");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
