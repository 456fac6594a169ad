package io.xconf.schema;

import io.xconf.schema.ccmp.CcmpRequestMessageType;
import java.util.Objects;

/**
 * A decoded {@code <ccmpRequest>}.
 *
 * @param message the inner request, of the concrete type its {@code xsi:type} names
 * @param namespace the CCMP namespace the client used, to answer in
 * @param invalidValue null, or the first value that did not fit its type (a word where a number or
 *     boolean belongs, an unknown RFC 4575 enumeration value); such values are left out of {@code
 *     message}, which must then not be acted on
 */
public record CcmpRequestDocument(
    CcmpRequestMessageType message, CcmpNamespace namespace, String invalidValue) {
  public CcmpRequestDocument {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(namespace, "namespace");
  }

  /** A request whose values all fit their types. */
  public CcmpRequestDocument(CcmpRequestMessageType message, CcmpNamespace namespace) {
    this(message, namespace, null);
  }
}
