package io.xconf.model;

/** The input is not well-formed XML, or carries a DTD, or exceeds the depth limit. */
public final class MalformedXmlException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedXmlException(String message) {
    super(message);
  }
}
