package io.xconf.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The CCMP requests the commands send (RFC 6503 namespace), values escaped. */
final class CcmpRequests {

  static final String CCMP = "urn:ietf:params:xml:ns:xcon-ccmp";
  static final String INFO = "urn:ietf:params:xml:ns:conference-info";
  static final String XCON = "urn:ietf:params:xml:ns:xcon-conference-info";

  private static final DateTimeFormatter ICALENDAR_UTC =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String userId;
  private final String conferencePassword;

  /**
   * @param conferencePassword put into every request about an existing conference (RFC 6503 section
   *     5.1: a password-protected conference wants it in all of them); null for none
   */
  CcmpRequests(String userId, String conferencePassword) {
    this.userId = userId;
    this.conferencePassword = conferencePassword;
  }

  /** The conference-password element, after the operation, when there is one to send. */
  private String password(String operation) {
    return conferencePassword == null || operation.equals("create")
        ? ""
        : "<conference-password>" + escape(conferencePassword) + "</conference-password>";
  }

  String confs() {
    return request("confs", "<ccmp:confsRequest/>");
  }

  String conf(String operation, String conference, String confInfo) {
    return request(
        "conf",
        (conference == null ? "" : "<confObjID>" + escape(conference) + "</confObjID>")
            + "<operation>"
            + operation
            + "</operation>"
            + password(operation)
            + (confInfo == null
                ? "<ccmp:confRequest/>"
                : "<ccmp:confRequest>" + confInfo + "</ccmp:confRequest>"));
  }

  String removeUser(String conference, String user) {
    return request(
        "user",
        "<confObjID>"
            + escape(conference)
            + "</confObjID><operation>delete</operation>"
            + password("delete")
            + "<ccmp:userRequest><userInfo entity=\""
            + escape(user)
            + "\"/></ccmp:userRequest>");
  }

  /**
   * A conference document for a creation or an update: title, time and dial-out targets, each only
   * when given.
   */
  static String confInfo(
      String entity, String title, Instant start, Instant end, List<String> dialOut) {
    StringBuilder info =
        new StringBuilder("<confInfo entity=\"").append(escape(entity)).append("\">");
    if (title != null || start != null) {
      info.append("<info:conference-description>");
      if (title != null) {
        info.append("<info:display-text>").append(escape(title)).append("</info:display-text>");
      }
      if (start != null) {
        info.append("<xcon:conference-time><xcon:entry><xcon:base>")
            .append("BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\nPRODID:-//Xconf//CLI//EN&#13;\n")
            .append("BEGIN:VEVENT&#13;\nDTSTART:")
            .append(ICALENDAR_UTC.format(start))
            .append("&#13;\n");
        if (end != null) {
          info.append("DTEND:").append(ICALENDAR_UTC.format(end)).append("&#13;\n");
        }
        info.append("END:VEVENT&#13;\nEND:VCALENDAR&#13;\n")
            .append("</xcon:base></xcon:entry></xcon:conference-time>");
      }
      info.append("</info:conference-description>");
    }
    if (!dialOut.isEmpty()) {
      info.append("<info:users><xcon:allowed-users-list>");
      for (String target : dialOut) {
        info.append("<xcon:target uri=\"")
            .append(escape(target))
            .append("\" method=\"dial-out\"/>");
      }
      info.append("</xcon:allowed-users-list></info:users>");
    }
    return info.append("</confInfo>").toString();
  }

  /** RFC 6501 join-handling: block, confirm, allow, authenticate. */
  static String joinHandling(String conference, String value) {
    return "<confInfo entity=\""
        + escape(conference)
        + "\"><info:users><xcon:join-handling>"
        + escape(value)
        + "</xcon:join-handling></info:users></confInfo>";
  }

  /** One more entry of the conference's allowed-users-list or deny-users-list, for dial-in. */
  static String listed(String conference, String list, String uri) {
    return "<confInfo entity=\""
        + escape(conference)
        + "\"><info:users><xcon:"
        + list
        + "><xcon:target uri=\""
        + escape(uri)
        + "\" method=\"dial-in\"/></xcon:"
        + list
        + "></info:users></confInfo>";
  }

  /** RFC 6501 controls/mute of what an endpoint sends into the mix (its AudioIn). */
  static String mute(String conference, String user, String endpoint, boolean muted) {
    return "<confInfo entity=\""
        + escape(conference)
        + "\"><info:users><info:user entity=\""
        + escape(user)
        + "\"><info:endpoint entity=\""
        + escape(endpoint)
        + "\"><info:media id=\"1\"><xcon:to-mixer name=\"AudioIn\"><xcon:floor id=\"1\">false"
        + "</xcon:floor><xcon:controls><xcon:mute>"
        + muted
        + "</xcon:mute></xcon:controls></xcon:to-mixer></info:media></info:endpoint></info:user>"
        + "</info:users></confInfo>";
  }

  private String request(String type, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<ccmp:ccmpRequest xmlns:ccmp=\""
        + CCMP
        + "\" xmlns:info=\""
        + INFO
        + "\" xmlns:xcon=\""
        + XCON
        + "\"><ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xsi:type=\"ccmp:ccmp-"
        + type
        + "-request-message-type\"><confUserID>"
        + escape(userId)
        + "</confUserID>"
        + body
        + "</ccmpRequest></ccmp:ccmpRequest>";
  }

  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&apos;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
