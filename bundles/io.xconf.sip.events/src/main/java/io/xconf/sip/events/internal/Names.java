package io.xconf.sip.events.internal;

import io.xconf.model.Namespaces;
import javax.xml.namespace.QName;

/** The RFC 4575 and RFC 6501 element names the event package reads and writes. */
final class Names {

  static final QName CONFERENCE_INFO = info("conference-info");
  static final QName USERS = info("users");
  static final QName USER = info("user");
  static final QName ENDPOINT = info("endpoint");
  static final QName ENTRY = info("entry");
  static final QName DESCRIPTION = info("conference-description");
  static final QName CALL_INFO = info("call-info");
  static final QName PASSWORD = xcon("conference-password");

  private Names() {}

  static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }

  static QName xcon(String localName) {
    return new QName(Namespaces.XCON, localName);
  }
}
