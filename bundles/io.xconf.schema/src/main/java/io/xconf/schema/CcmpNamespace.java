package io.xconf.schema;

import java.util.Optional;

/**
 * The namespaces CCMP is spoken in. Clients of both exist; a server answers in the one the request
 * used.
 */
public enum CcmpNamespace {
  /** RFC 6503 as published. */
  PUBLISHED("urn:ietf:params:xml:ns:xcon-ccmp"),
  /** The drafts and the RFC 6504 examples. */
  DRAFT("urn:ietf:params:xml:ns:xcon:ccmp");

  private final String uri;

  CcmpNamespace(String uri) {
    this.uri = uri;
  }

  public String uri() {
    return uri;
  }

  public static Optional<CcmpNamespace> of(String uri) {
    for (CcmpNamespace namespace : values()) {
      if (namespace.uri.equals(uri)) {
        return Optional.of(namespace);
      }
    }
    return Optional.empty();
  }
}
