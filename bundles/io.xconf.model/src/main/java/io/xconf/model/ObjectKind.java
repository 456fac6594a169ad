package io.xconf.model;

/** The kinds of node in the cloning tree (RFC 5239 section 7.1). */
public enum ObjectKind {
  /** A template conferences are cloned from; shipped in etc/, read-only over CCMP. */
  BLUEPRINT,
  /** A conference, registered or active. */
  CONFERENCE,
  /** A sidebar of a conference (RFC 6503 sections 5.3.7-5.3.10). */
  SIDEBAR
}
