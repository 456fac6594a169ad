package io.xconf.model;

/** The kinds of node in the cloning tree (RFC 5239 section 7.1). */
public enum ObjectKind {
  /** A template conferences are cloned from; shipped in etc/, read-only over CCMP. */
  BLUEPRINT,
  /** A conference, registered or active. */
  CONFERENCE,
  /**
   * A sidebar of a conference whose document the conference carries in its {@code
   * <sidebars-by-val>} (RFC 6503 sections 5.3.7, 5.3.8).
   */
  SIDEBAR_BY_VAL,
  /**
   * A sidebar the conference lists by URI in {@code <sidebars-by-ref>} (sections 5.3.9, 5.3.10).
   */
  SIDEBAR_BY_REF;

  public boolean isSidebar() {
    return this == SIDEBAR_BY_VAL || this == SIDEBAR_BY_REF;
  }
}
