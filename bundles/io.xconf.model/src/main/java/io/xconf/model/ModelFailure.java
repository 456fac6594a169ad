package io.xconf.model;

/**
 * Why the model refused an operation, with the CCMP response code (RFC 6503 section 5.4) it maps
 * to.
 */
public enum ModelFailure {
  BAD_REQUEST(400),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  FORBIDDEN_DELETE_PARENT(425),
  FORBIDDEN_CHANGE_PROTECTED(426),
  INVALID_DOMAIN_NAME(427),
  SERVER_INTERNAL_ERROR(500),
  RESOURCES_NOT_AVAILABLE(511);

  private final int responseCode;

  ModelFailure(int responseCode) {
    this.responseCode = responseCode;
  }

  public int responseCode() {
    return responseCode;
  }
}
