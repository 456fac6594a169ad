package io.xconf.model;

/**
 * What to create.
 *
 * @param kind {@link ObjectKind#CONFERENCE} or {@link ObjectKind#SIDEBAR}
 * @param parentUri the blueprint or conference to clone (for a sidebar: its conference); null to
 *     clone the system default blueprint
 * @param document what the new object sets itself (may hold AUTO_GENERATE_X placeholders); null for
 *     a plain clone
 * @param owner the XCON-USERID of the creator, who becomes the organizer; may be null
 */
public record CreateRequest(ObjectKind kind, String parentUri, XmlElement document, String owner) {

  public static CreateRequest conference(String parentUri, XmlElement document, String owner) {
    return new CreateRequest(ObjectKind.CONFERENCE, parentUri, document, owner);
  }
}
