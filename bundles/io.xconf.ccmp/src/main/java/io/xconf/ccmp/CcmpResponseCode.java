package io.xconf.ccmp;

import java.math.BigInteger;

/** The CCMP response codes of RFC 6503 section 5.4, with their registered reason strings. */
public enum CcmpResponseCode {
  SUCCESS(200, "Success"),
  BAD_REQUEST(400, "Bad Request"),
  UNAUTHORIZED(401, "Unauthorized"),
  FORBIDDEN(403, "Forbidden"),
  OBJECT_NOT_FOUND(404, "Object Not Found"),
  CONFLICT(409, "Conflict"),
  USER_NOT_FOUND(420, "User Not Found"),
  INVALID_CONF_USER_ID(421, "Invalid confUserID"),
  INVALID_CONFERENCE_PASSWORD(422, "Invalid Conference Password"),
  CONFERENCE_PASSWORD_REQUIRED(423, "Conference Password Required"),
  AUTHENTICATION_REQUIRED(424, "Authentication Required"),
  FORBIDDEN_DELETE_PARENT(425, "Forbidden Delete Parent"),
  FORBIDDEN_CHANGE_PROTECTED(426, "Forbidden Change Protected"),
  INVALID_DOMAIN_NAME(427, "Invalid Domain Name"),
  SERVER_INTERNAL_ERROR(500, "Server Internal Error"),
  NOT_IMPLEMENTED(501, "Not Implemented"),
  REQUEST_TIMEOUT(510, "Request Timeout"),
  RESOURCES_NOT_AVAILABLE(511, "Resources Not Available");

  private final int code;
  private final String reason;

  CcmpResponseCode(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  public int code() {
    return code;
  }

  /** The reason string of the IANA registry (RFC 6503 section 12.5.2). */
  public String reason() {
    return reason;
  }

  /** The code with this number; SERVER_INTERNAL_ERROR for a number CCMP does not define. */
  public static CcmpResponseCode of(int code) {
    for (CcmpResponseCode value : values()) {
      if (value.code == code) {
        return value;
      }
    }
    return SERVER_INTERNAL_ERROR;
  }

  public BigInteger asBigInteger() {
    return BigInteger.valueOf(code);
  }
}
