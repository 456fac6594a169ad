package io.xconf.cli;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/** Who a conference document lists, and each endpoint's call (RFC 4575 users/user/endpoint). */
final class Roster {

  /** One endpoint of a user, or the user alone when it has none. */
  record Line(
      String user, String displayText, String endpoint, String status, String joiningMethod) {

    boolean connected() {
      return "connected".equals(status)
          || "muted-via-focus".equals(status)
          || "on-hold".equals(status);
    }

    boolean muted() {
      return "muted-via-focus".equals(status);
    }
  }

  private Roster() {}

  static List<Line> of(Element confInfo) {
    List<Line> lines = new ArrayList<>();
    Element users = CcmpAnswer.child(confInfo, CcmpRequests.INFO, "users");
    for (Element user : CcmpAnswer.children(users, CcmpRequests.INFO, "user")) {
      String entity = user.getAttribute("entity");
      String display = CcmpAnswer.text(user, CcmpRequests.INFO, "display-text");
      List<Element> endpoints = CcmpAnswer.children(user, CcmpRequests.INFO, "endpoint");
      if (endpoints.isEmpty()) {
        lines.add(new Line(entity, display, null, null, null));
      }
      for (Element endpoint : endpoints) {
        lines.add(
            new Line(
                entity,
                display != null
                    ? display
                    : CcmpAnswer.text(endpoint, CcmpRequests.INFO, "display-text"),
                endpoint.getAttribute("entity"),
                CcmpAnswer.text(endpoint, CcmpRequests.INFO, "status"),
                CcmpAnswer.text(endpoint, CcmpRequests.INFO, "joining-method")));
      }
    }
    return lines;
  }
}
