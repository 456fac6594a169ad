package io.xconf.itests.support;

import io.xconf.schema.XconSchemas;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.transform.stream.StreamSource;
import org.xml.sax.SAXException;

/** A CCMP client over HTTP, as integrators' clients are, plus checks of what comes back. */
public final class CcmpHttp {

  public static final String PUBLISHED = "urn:ietf:params:xml:ns:xcon-ccmp";
  public static final String DRAFT = "urn:ietf:params:xml:ns:xcon:ccmp";
  public static final String CCMP_TYPE = "application/ccmp+xml";

  private static final Pattern RESPONSE_CODE =
      Pattern.compile("<response-code>(\\d+)</response-code>");

  private final HttpClient client;
  private final URI endpoint;
  private final String username;
  private final String password;
  private final String basic;
  private final boolean patient;
  private final java.util.concurrent.atomic.AtomicLong nonceCount =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile java.util.Map<String, String> challenge;

  public CcmpHttp(int port) {
    this(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        URI.create("http://127.0.0.1:" + port + "/ccmp"),
        null,
        null,
        null,
        false);
  }

  private CcmpHttp(
      HttpClient client,
      URI endpoint,
      String username,
      String password,
      String basic,
      boolean patient) {
    this.client = client;
    this.endpoint = endpoint;
    this.username = username;
    this.password = password;
    this.basic = basic;
    this.patient = patient;
  }

  /** A client of an HTTPS endpoint, through an HTTP client that trusts the server. */
  public static CcmpHttp overTls(HttpClient client, URI endpoint) {
    return new CcmpHttp(client, endpoint, null, null, null, false);
  }

  /**
   * This client, waiting out a 429 (too many failed logins from this address) as long as its
   * Retry-After says, for a test whose refused attempts must not hold up its other requests.
   */
  public CcmpHttp patient() {
    return new CcmpHttp(client, endpoint, username, password, basic, true);
  }

  /** A client that sends HTTP Basic credentials with every request. */
  public CcmpHttp withBasic(String username, String password) {
    return new CcmpHttp(
        client,
        endpoint,
        null,
        null,
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(
                    (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        patient);
  }

  /**
   * A client that answers HTTP Digest challenges (RFC 7616, the first algorithm offered) as {@code
   * username}, and reuses the server's nonce until it is refused, as browsers do.
   */
  public CcmpHttp withDigest(String username, String password) {
    return new CcmpHttp(client, endpoint, username, password, null, patient);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** POSTs a body with the CCMP media type. */
  public HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return post(body, CCMP_TYPE);
  }

  public HttpResponse<String> post(String body, String contentType)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(postRequest(body, contentType), HttpResponse.BodyHandlers.ofString());
    for (int waits = 0; patient && response.statusCode() == 429 && waits < 10; waits++) {
      Thread.sleep(
          1000 * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")) + 100);
      response = client.send(postRequest(body, contentType), HttpResponse.BodyHandlers.ofString());
    }
    if (response.statusCode() == 401 && username != null) {
      challenge = Digest.challenge(response.headers().firstValue("WWW-Authenticate").orElse(""));
      response = client.send(postRequest(body, contentType), HttpResponse.BodyHandlers.ofString());
    }
    return response;
  }

  private HttpRequest postRequest(String body, String contentType) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (basic != null) {
      request.header("Authorization", basic);
    }
    java.util.Map<String, String> known = challenge;
    if (username != null && known != null) {
      request.header(
          "Authorization",
          Digest.answer(
              known,
              "POST",
              endpoint.getRawPath(),
              username,
              password,
              nonceCount.incrementAndGet()));
    }
    return request.build();
  }

  public HttpResponse<String> get() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The RFC 6503 section 6.8 optionsRequest of alice. */
  public static String optionsRequest(String namespace) {
    return request(namespace, "ccmp-options-request-message-type", "");
  }

  /** An extendedRequest of {@code confUserId} about {@code confObjId} (may be null). */
  public static String extendedRequest(
      String namespace, String extensionName, String confObjId, String content, String confUserId) {
    return request(
        namespace,
        "ccmp-extended-request-message-type",
        (confObjId == null ? "" : "<confObjID>" + confObjId + "</confObjID>")
            + "<ccmp:extendedRequest><extensionName>"
            + extensionName
            + "</extensionName>"
            + content
            + "</ccmp:extendedRequest>",
        confUserId);
  }

  /** The text of a top-level element of the inner response, e.g. confObjID, or null. */
  public static String field(String body, String name) {
    Matcher matcher = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(body);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** A request of {@code confUserId} (null: none). */
  public static String request(String namespace, String xsiType, String body, String confUserId) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<ccmp:ccmpRequest xmlns:info=\"urn:ietf:params:xml:ns:conference-info\"\n"
        + "    xmlns:ccmp=\""
        + namespace
        + "\"\n"
        + "    xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\">\n"
        + "  <ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
        + "      xsi:type=\"ccmp:"
        + xsiType
        + "\">\n"
        + (confUserId == null ? "" : "    <confUserID>" + confUserId + "</confUserID>\n")
        + body
        + "  </ccmpRequest>\n"
        + "</ccmp:ccmpRequest>\n";
  }

  /** A request of the RFC examples' alice, {@code xcon-userid:alice@example.com}. */
  public static String request(String namespace, String xsiType, String body) {
    return request(namespace, xsiType, body, "xcon-userid:alice@example.com");
  }

  /** The CCMP response code of a response body. */
  public static int responseCode(String body) {
    Matcher matcher = RESPONSE_CODE.matcher(body);
    if (!matcher.find()) {
      throw new AssertionError("no <response-code> in: " + body);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** Fails unless the body is valid against the RFC 6503 schema (either namespace). */
  public static void assertValidCcmp(String body) {
    try {
      XconSchemas.ccmp()
          .newValidator()
          .validate(new StreamSource(new StringReader(body.replace(DRAFT, PUBLISHED))));
    } catch (SAXException | IOException e) {
      throw new AssertionError("not valid against RFC 6503: " + e.getMessage() + "\n" + body, e);
    }
  }
}
