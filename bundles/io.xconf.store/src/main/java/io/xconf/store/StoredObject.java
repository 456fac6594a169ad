package io.xconf.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One conference object as stored: the node's identity and links, and its own document as XML.
 *
 * @param uri the XCON-URI, the primary key
 * @param kind {@code CONFERENCE} or {@code SIDEBAR} (blueprints are files in etc/)
 * @param parentUri the XCON-URI of its parent, or null
 * @param version its version
 * @param owner the creator's XCON-USERID, or null
 * @param sipUri the SIP URI of its focus
 * @param document what the object sets itself, as UTF-8 XML
 * @param created when it was created
 * @param modified when it last changed
 */
public record StoredObject(
    String uri,
    String kind,
    String parentUri,
    long version,
    String owner,
    String sipUri,
    byte[] document,
    Instant created,
    Instant modified) {

  public StoredObject {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(modified, "modified");
  }
}
