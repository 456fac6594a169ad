package io.xconf.model.internal;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Keeps children in the order the RFC 4575 schema's sequences require, so that merged documents
 * stay valid for strict clients: known conference-info elements in schema order, everything else
 * (the RFC 6501 extensions sit in the schema's trailing {@code any}) after them, as it came.
 */
final class SchemaOrder {

  private static final Map<String, List<String>> SEQUENCES =
      Map.ofEntries(
          Map.entry(
              "conference-info",
              List.of(
                  "conference-description",
                  "host-info",
                  "conference-state",
                  "users",
                  "sidebars-by-ref",
                  "sidebars-by-val")),
          Map.entry(
              "conference-description",
              List.of(
                  "display-text",
                  "subject",
                  "free-text",
                  "keywords",
                  "conf-uris",
                  "service-uris",
                  "maximum-user-count",
                  "available-media")),
          Map.entry("host-info", List.of("display-text", "web-page", "uris")),
          Map.entry("conference-state", List.of("user-count", "active", "locked")),
          // <entry> of uris-type (uri-type) and of available-media (conference-medium-type)
          Map.entry(
              "entry", List.of("uri", "display-text", "type", "purpose", "status", "modified")),
          Map.entry(
              "user",
              List.of(
                  "display-text",
                  "associated-aors",
                  "roles",
                  "languages",
                  "cascaded-focus",
                  "endpoint")),
          Map.entry(
              "endpoint",
              List.of(
                  "display-text",
                  "referred",
                  "status",
                  "joining-method",
                  "joining-info",
                  "disconnection-method",
                  "disconnection-info",
                  "media",
                  "call-info")),
          Map.entry("media", List.of("display-text", "type", "label", "src-id", "status")),
          Map.entry("referred", List.of("when", "reason", "by")),
          Map.entry("joining-info", List.of("when", "reason", "by")),
          Map.entry("disconnection-info", List.of("when", "reason", "by")),
          Map.entry("modified", List.of("when", "reason", "by")),
          Map.entry("sip", List.of("display-text", "call-id", "from-tag", "to-tag")));

  private SchemaOrder() {}

  /** The children of {@code parent}, reordered where the schema fixes an order. */
  static List<XmlElement> sorted(XmlElement parent, List<XmlElement> children) {
    if (!Namespaces.CONFERENCE_INFO.equals(parent.name().getNamespaceURI())) {
      return children;
    }
    List<String> sequence = SEQUENCES.get(parent.name().getLocalPart());
    if (sequence == null || children.size() < 2) {
      return children;
    }
    List<XmlElement> copy = new ArrayList<>(children);
    copy.sort(Comparator.comparingInt(child -> rank(sequence, child)));
    return copy;
  }

  private static int rank(List<String> sequence, XmlElement child) {
    if (!Namespaces.CONFERENCE_INFO.equals(child.name().getNamespaceURI())) {
      return sequence.size();
    }
    int index = sequence.indexOf(child.name().getLocalPart());
    return index < 0 ? sequence.size() : index;
  }
}
