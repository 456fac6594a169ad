package io.xconf.model;

import java.util.Objects;

/**
 * A committed change of one conference object, announced after it became durable.
 *
 * @param uri the XCON-URI of the object
 * @param kind created, updated or deleted
 * @param oldVersion the version before (0 for a creation)
 * @param newVersion the version after (equal to {@code oldVersion} for a deletion)
 * @param before the effective document before (null for a creation)
 * @param after the effective document after (null for a deletion)
 * @param update the update as applied, placeholders replaced (null unless updated)
 * @param actor who made it: an XCON-USERID, or a component name such as {@code focus}
 */
public record ConferenceChange(
    String uri,
    Kind kind,
    long oldVersion,
    long newVersion,
    XmlElement before,
    XmlElement after,
    XmlElement update,
    String actor) {

  /** What happened to the object. */
  public enum Kind {
    CREATED,
    UPDATED,
    DELETED
  }

  public ConferenceChange {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(kind, "kind");
  }
}
