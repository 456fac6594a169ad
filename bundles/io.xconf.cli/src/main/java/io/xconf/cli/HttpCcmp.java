package io.xconf.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CCMP over HTTP as {@code bin/xconf} speaks it: POST to /ccmp with HTTP Digest (RFC 7616, the
 * server's first challenge: SHA-256, else MD5, qop=auth). The JDK's client has no Digest, and this
 * much of it is small enough to keep here rather than pull a client library into the command line.
 */
final class HttpCcmp implements CcmpTransport {

  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

  private final HttpClient client;
  private final URI endpoint;
  private final String user;
  private final char[] password;
  private final SecureRandom random = new SecureRandom();
  private Map<String, String> challenge;
  private int nonceCount;

  HttpCcmp(HttpClient client, URI endpoint, String user, char[] password) {
    this.client = client;
    this.endpoint = endpoint;
    this.user = user;
    this.password = password.clone();
  }

  @Override
  public String exchange(String request) throws IOException {
    try {
      HttpResponse<String> response = post(request);
      if (response.statusCode() == 401) {
        challenge = parameters(response.headers().firstValue("WWW-Authenticate").orElse(""));
        nonceCount = 0;
        response = post(request);
      }
      if (response.statusCode() == 401) {
        throw new IOException("the server refused " + user + "'s credentials");
      }
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode() + " from " + endpoint);
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/ccmp+xml")
            .header("Accept", "application/ccmp+xml")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (challenge != null) {
      request.header("Authorization", authorization());
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private String authorization() {
    String algorithm = challenge.getOrDefault("algorithm", "MD5");
    String realm = challenge.getOrDefault("realm", "");
    String nonce = challenge.getOrDefault("nonce", "");
    String path =
        endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
            ? "/"
            : endpoint.getRawPath();
    String uri = endpoint.getRawQuery() == null ? path : path + "?" + endpoint.getRawQuery();
    String nc = String.format("%08x", ++nonceCount);
    byte[] cnonceBytes = new byte[12];
    random.nextBytes(cnonceBytes);
    String cnonce = HexFormat.of().formatHex(cnonceBytes);
    String ha1 = hash(algorithm, user + ":" + realm + ":" + new String(password));
    String ha2 = hash(algorithm, "POST:" + uri);
    // qop=auth when offered (RFC 7616); a challenge without qop gets RFC 2069's answer.
    boolean qop =
        java.util.Arrays.stream(challenge.getOrDefault("qop", "").split(","))
            .anyMatch(offered -> offered.strip().equalsIgnoreCase("auth"));
    String response =
        qop
            ? hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
            : hash(algorithm, ha1 + ":" + nonce + ":" + ha2);
    StringBuilder header =
        new StringBuilder("Digest username=\"")
            .append(user.replace("\\", "\\\\").replace("\"", "\\\""))
            .append("\", realm=\"")
            .append(realm)
            .append("\", nonce=\"")
            .append(nonce)
            .append("\", uri=\"")
            .append(uri)
            .append("\", algorithm=")
            .append(algorithm)
            .append(", response=\"")
            .append(response)
            .append('"');
    if (qop) {
      header.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
    }
    if (challenge.containsKey("opaque")) {
      header.append(", opaque=\"").append(challenge.get("opaque")).append('"');
    }
    return header.toString();
  }

  private static String hash(String algorithm, String text) {
    try {
      String name = algorithm.toUpperCase(Locale.ROOT).startsWith("SHA-256") ? "SHA-256" : "MD5";
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance(name).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> parameters(String header) {
    Map<String, String> parameters = new HashMap<>();
    Matcher matcher = PARAMETER.matcher(header);
    while (matcher.find()) {
      parameters.put(
          matcher.group(1).toLowerCase(Locale.ROOT),
          matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
    }
    return parameters;
  }
}
