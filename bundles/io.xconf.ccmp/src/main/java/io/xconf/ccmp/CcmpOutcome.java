package io.xconf.ccmp;

import io.xconf.schema.CcmpNamespace;

/**
 * What a processed request came to, for the transport's logs and metrics.
 *
 * @param responseCode the CCMP response code sent
 * @param requestType the request's xsi:type (e.g. {@code ccmp-options-request-message-type}), or
 *     null when the request could not be read
 * @param namespace the CCMP namespace the answer was written in
 * @param authenticationRequired the request lacked valid credentials (424): a transport that can
 *     challenge (HTTP 401) should
 * @param credentialsRefused the request carried credentials of its own (a {@code subject}) that
 *     were checked and wrong: a guess, which the transport counts against its source
 * @param operation the request's operation ({@code create}, {@code retrieve}, {@code update},
 *     {@code delete}), or null when it named none or could not be read
 */
public record CcmpOutcome(
    int responseCode,
    String requestType,
    CcmpNamespace namespace,
    boolean authenticationRequired,
    boolean credentialsRefused,
    String operation) {

  public CcmpOutcome(int responseCode, String requestType, CcmpNamespace namespace) {
    this(responseCode, requestType, namespace, false, false, null);
  }

  public CcmpOutcome(
      int responseCode,
      String requestType,
      CcmpNamespace namespace,
      boolean authenticationRequired) {
    this(responseCode, requestType, namespace, authenticationRequired, false, null);
  }

  public CcmpOutcome(
      int responseCode,
      String requestType,
      CcmpNamespace namespace,
      boolean authenticationRequired,
      boolean credentialsRefused) {
    this(responseCode, requestType, namespace, authenticationRequired, credentialsRefused, null);
  }

  /** This outcome, marked as a refusal of the request's own credentials. */
  public CcmpOutcome withCredentialsRefused() {
    return new CcmpOutcome(responseCode, requestType, namespace, true, true, operation);
  }
}
