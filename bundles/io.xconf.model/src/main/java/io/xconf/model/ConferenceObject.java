package io.xconf.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A node of the cloning tree as readers see it.
 *
 * @param uri its XCON-URI, {@code xcon:<id>@<domain>}
 * @param kind blueprint, conference or sidebar
 * @param parentUri the XCON-URI it was cloned from (or is a sidebar of), null for a root
 * @param version 1 at creation, +1 per change
 * @param owner the XCON-USERID of its creator (its organizer), null for blueprints
 * @param sipUri the SIP URI of its focus, null for blueprints
 * @param document the effective document: inherited values with its own overriding them
 * @param modified when it last changed
 */
public record ConferenceObject(
    String uri,
    ObjectKind kind,
    String parentUri,
    long version,
    String owner,
    String sipUri,
    XmlElement document,
    Instant modified) {

  public ConferenceObject {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(modified, "modified");
  }
}
