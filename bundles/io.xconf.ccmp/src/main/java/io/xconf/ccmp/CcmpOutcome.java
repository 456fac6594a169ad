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
 */
public record CcmpOutcome(
    int responseCode, String requestType, CcmpNamespace namespace, boolean authenticationRequired) {

  public CcmpOutcome(int responseCode, String requestType, CcmpNamespace namespace) {
    this(responseCode, requestType, namespace, false);
  }
}
