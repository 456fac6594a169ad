package io.xconf.schema;

import io.xconf.schema.ccmp.CcmpRequestMessageType;
import java.util.Objects;

/**
 * A decoded {@code <ccmpRequest>}.
 *
 * @param message the inner request, of the concrete type its {@code xsi:type} names
 * @param namespace the CCMP namespace the client used, to answer in
 */
public record CcmpRequestDocument(CcmpRequestMessageType message, CcmpNamespace namespace) {
  public CcmpRequestDocument {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(namespace, "namespace");
  }
}
