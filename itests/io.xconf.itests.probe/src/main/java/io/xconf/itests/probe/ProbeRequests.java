package io.xconf.itests.probe;

import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import org.w3c.dom.Element;

/** What the probe extensions share: reading their one argument, answering with a code. */
final class ProbeRequests {

  static final String NAMESPACE = "urn:xconf:itests:probe";

  private ProbeRequests() {}

  /** The text of {@code <probe:label>} in the extendedRequest, or null. */
  static String label(CcmpExtendedRequestMessageType request) {
    if (request.getExtendedRequest() == null) {
      return null;
    }
    for (Object any : request.getExtendedRequest().getAny()) {
      if (any instanceof Element element && "label".equals(element.getLocalName())) {
        return element.getTextContent().trim();
      }
    }
    return null;
  }

  static CcmpExtendedResponseMessageType answer(CcmpResponseCode code, String text) {
    CcmpExtendedResponseMessageType response = new CcmpExtendedResponseMessageType();
    response.setResponseCode(code.asBigInteger());
    response.setResponseString(text);
    return response;
  }
}
