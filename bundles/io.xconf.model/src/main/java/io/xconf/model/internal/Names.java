package io.xconf.model.internal;

import io.xconf.model.Namespaces;
import javax.xml.namespace.QName;

/** Names of the conference document elements the model itself reads or writes. */
final class Names {

  static final QName CONFERENCE_INFO = info("conference-info");
  static final QName CONFERENCE_DESCRIPTION = info("conference-description");
  static final QName DISPLAY_TEXT = info("display-text");
  static final QName CONF_URIS = info("conf-uris");
  static final QName ENTRY = info("entry");
  static final QName URI = info("uri");
  static final QName PURPOSE = info("purpose");
  static final QName USERS = info("users");
  static final QName SIDEBARS_BY_REF = info("sidebars-by-ref");
  static final QName SIDEBARS_BY_VAL = info("sidebars-by-val");
  static final QName CLONING_PARENT = xcon("cloning-parent");
  static final QName CONFERENCE_PASSWORD = xcon("conference-password");
  static final QName SIDEBAR_PARENT = xcon("sidebar-parent");
  static final QName PARENT_ENFORCEABLE = new QName(Namespaces.XCONF, "parent-enforceable");
  static final QName PATH = new QName(Namespaces.XCONF, "path");

  private Names() {}

  static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }

  static QName xcon(String localName) {
    return new QName(Namespaces.XCON, localName);
  }
}
