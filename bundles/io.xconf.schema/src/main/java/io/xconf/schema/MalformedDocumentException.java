package io.xconf.schema;

/**
 * The input is not a document of the expected kind: not well-formed XML, a DTD, over a size or
 * depth limit, the wrong root element, or values that do not fit their types. Protocols answer it
 * with their "bad request" (CCMP 400, SIP 400).
 */
public final class MalformedDocumentException extends Exception {
  private static final long serialVersionUID = 1L;

  private final CcmpNamespace namespace;
  private final String confUserId;

  public MalformedDocumentException(
      String message, CcmpNamespace namespace, String confUserId, Throwable cause) {
    super(message, cause);
    this.namespace = namespace;
    this.confUserId = confUserId;
  }

  public MalformedDocumentException(String message) {
    this(message, null, null, null);
  }

  /** The CCMP namespace of the root element when it could be read, else null. */
  public CcmpNamespace namespace() {
    return namespace;
  }

  /** The request's {@code confUserID} when it could be read before the fault, else null. */
  public String confUserId() {
    return confUserId;
  }
}
