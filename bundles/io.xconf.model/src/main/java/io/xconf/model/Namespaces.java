package io.xconf.model;

/** The namespaces of conference documents. */
public final class Namespaces {

  /** RFC 4575 conference-info. */
  public static final String CONFERENCE_INFO = "urn:ietf:params:xml:ns:conference-info";

  /** RFC 6501 XCON extensions. */
  public static final String XCON = "urn:ietf:params:xml:ns:xcon-conference-info";

  /** Xconf's own extension elements (e.g. which properties a parent enforces). */
  public static final String XCONF = "urn:xconf:params:xml:ns:model";

  private Namespaces() {}
}
