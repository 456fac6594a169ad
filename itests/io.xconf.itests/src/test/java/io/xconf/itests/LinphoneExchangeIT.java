package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.XconfServer;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The CCMP messages Linphone (liblinphone's CCMPConferenceScheduler and Account) sends, as its
 * sources build them, and what it reads back: create, list, retrieve, update, delete, over Digest,
 * with its prefixes, placeholders and iCalendar schedule.
 */
public class LinphoneExchangeIT {

  private static final String DOMAIN = "linphone.example.org";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final String ICALENDAR =
      "BEGIN:VCALENDAR&#13;\nMETHOD:REQUEST&#13;\nPRODID:-//Linphone//Conference calendar//EN&#13;\nVERSION:2.0&#13;\n"
          + "BEGIN:VEVENT&#13;\nDTSTART:20261201T100000Z&#13;\nDURATION:PT1H30M&#13;\nDTSTAMP:20261123T090000Z&#13;\n"
          + "UID:1763888400@domain.invalid&#13;\nEND:VEVENT&#13;\nEND:VCALENDAR&#13;\n";
  private static XconfServer server;
  private static CcmpHttp linphone;

  @BeforeClass
  public static void startServer() throws Exception {
    server =
        XconfServer.configure(
            Path.of(System.getProperty("xconf.work"), "servers", "linphone", "data"), DOMAIN);
    assertEquals(
        0, server.user("add", "alice", "secret", "--uri", "sip:alice@" + DOMAIN).exitCode());
    assertEquals(0, server.user("add", "bob", "secret", "--uri", "sip:bob@" + DOMAIN).exitCode());
    server.start();
    linphone = server.ccmp().withDigest("alice", "secret");
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  /** A request as liblinphone serialises it: its own prefixes, unqualified locals. */
  private static String request(String type, String fields) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<xcon-ccmp:ccmpRequest xmlns:conference-info=\"urn:ietf:params:xml:ns:conference-info\""
        + " xmlns:xcon-ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\""
        + " xmlns:xcon-conference-info=\"urn:ietf:params:xml:ns:xcon-conference-info\""
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        + "<ccmpRequest xsi:type=\"xcon-ccmp:ccmp-"
        + type
        + "-request-message-type\">"
        + "<confUserID>"
        + ALICE
        + "</confUserID>"
        + fields
        + "</ccmpRequest></xcon-ccmp:ccmpRequest>";
  }

  private static String confInfo(String entity, String subject) {
    return "<confInfo entity=\""
        + entity
        + "\" state=\"full\">"
        + "<conference-info:conference-description>"
        + "<conference-info:subject>"
        + subject
        + "</conference-info:subject>"
        + "<conference-info:available-media>"
        + media("AUTO_GENERATE_2", "audio", "sendrecv")
        + media("AUTO_GENERATE_3", "video", "sendrecv")
        + media("AUTO_GENERATE_4", "text", "inactive")
        + "</conference-info:available-media>"
        + "<xcon-conference-info:conference-time><xcon-conference-info:entry><xcon-conference-info:base>"
        + ICALENDAR
        + "</xcon-conference-info:base></xcon-conference-info:entry></xcon-conference-info:conference-time>"
        + "</conference-info:conference-description>"
        + "<conference-info:users state=\"full\"><xcon-conference-info:allowed-users-list>"
        + "<xcon-conference-info:target method=\"dial-in\" uri=\"sip:bob@"
        + DOMAIN
        + "\"/>"
        + "<xcon-conference-info:target method=\"dial-in\" uri=\"sip:carol@"
        + DOMAIN
        + "\"/>"
        + "</xcon-conference-info:allowed-users-list></conference-info:users>"
        + "</confInfo>";
  }

  private static String media(String label, String type, String status) {
    return "<conference-info:entry label=\""
        + label
        + "\"><conference-info:display-text>"
        + type
        + "</conference-info:display-text>"
        + "<conference-info:type>"
        + type
        + "</conference-info:type><conference-info:status>"
        + status
        + "</conference-info:status></conference-info:entry>";
  }

  /** Sent as liblinphone does: Content-Type without charset, no Accept, a From header. */
  private static String send(String body) throws Exception {
    java.net.http.HttpResponse<String> response = linphone.post(body, "application/ccmp+xml");
    assertEquals(response.body(), 200, response.statusCode());
    CcmpHttp.assertValidCcmp(response.body());
    return response.body();
  }

  private static int count(String text, String pattern) {
    Matcher matcher = Pattern.compile(pattern).matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  @Test
  public void createListRetrieveUpdateDelete() throws Exception {
    String created =
        send(
            request(
                "conf",
                "<operation>create</operation><xcon-ccmp:confRequest>"
                    + confInfo("xcon:AUTO_GENERATE_1@" + DOMAIN, "Weekly")
                    + "</xcon-ccmp:confRequest>"));
    assertEquals(created, 200, CcmpHttp.responseCode(created));
    String conference = CcmpHttp.field(created, "confObjID");
    assertTrue(conference, conference.matches("xcon:[a-z2-7]{24}@" + Pattern.quote(DOMAIN)));
    assertEquals(
        "exactly one address in conf-uris",
        1,
        count(created, "<info:conf-uris>.*?</info:conf-uris>") == 1
            ? count(
                created.replaceAll("(?s).*<info:conf-uris>(.*?)</info:conf-uris>.*", "$1"),
                "<info:uri>")
            : -1);
    assertTrue(
        created,
        created.contains(
            "<info:uri>sip:" + conference.substring("xcon:".length()) + "</info:uri>"));
    assertEquals("1", CcmpHttp.field(created, "version"));

    String list = send(request("confs", "<xcon-ccmp:confsRequest/>"));
    assertTrue(list, list.contains("<info:uri>" + conference + "</info:uri>"));

    String retrieved =
        send(
            request(
                "conf",
                "<confObjID>"
                    + conference
                    + "</confObjID><operation>retrieve</operation><xcon-ccmp:confRequest/>"));
    // Linphone matches these literally: the xcon prefix, the schedule, media status, the organizer.
    assertTrue(
        retrieved,
        retrieved.contains("<xcon:conference-time><xcon:entry><xcon:base>BEGIN:VCALENDAR"));
    assertTrue(retrieved, retrieved.contains("DTSTART:20261201T100000Z"));
    assertTrue(retrieved, retrieved.contains("DURATION:PT1H30M"));
    assertEquals(
        "every media entry has a status",
        3,
        count(retrieved, "<info:status>(sendrecv|inactive)</info:status>"));
    assertTrue(
        retrieved,
        retrieved.contains(
            "<info:user entity=\""
                + ALICE
                + "\"><info:associated-aors><info:entry><info:uri>sip:alice@"
                + DOMAIN
                + "</info:uri></info:entry></info:associated-aors><info:roles><info:entry>organizer</info:entry></info:roles></info:user>"));
    assertTrue(
        retrieved,
        retrieved.matches(
            "(?s).*<xcon:target uri=\"sip:bob@"
                + Pattern.quote(DOMAIN)
                + "\" method=\"dial-in\"(/>|></xcon:target>).*"));

    // Each invitee is a user whose associated-aors is the invited address: Linphone learns the
    // invitee's XCON-USERID so. Bob has an account; Carol gets an id derived from her address.
    assertTrue(
        created,
        created.contains(
            "<info:user entity=\"xcon-userid:bob@"
                + DOMAIN
                + "\"><info:associated-aors><info:entry><info:uri>sip:bob@"
                + DOMAIN
                + "</info:uri>"));
    Matcher carol =
        Pattern.compile(
                "<info:user entity=\"(xcon-userid:[a-z2-7]{24}@"
                    + Pattern.quote(DOMAIN)
                    + ")\"><info:associated-aors><info:entry><info:uri>sip:carol@")
            .matcher(created);
    assertTrue(created, carol.find());
    String carolId = carol.group(1);

    // Linphone sends the whole document again on update, with the confObjID.
    String updated =
        send(
            request(
                "conf",
                "<confObjID>"
                    + conference
                    + "</confObjID><operation>update</operation><xcon-ccmp:confRequest>"
                    + confInfo(conference, "Weekly, moved")
                    + "</xcon-ccmp:confRequest>"));
    assertEquals(updated, 200, CcmpHttp.responseCode(updated));
    assertEquals("2", CcmpHttp.field(updated, "version"));
    assertEquals(
        1,
        count(
            updated.replaceAll("(?s).*<info:conf-uris>(.*?)</info:conf-uris>.*", "$1"),
            "<info:uri>"));
    assertTrue(updated, updated.contains("<info:subject>Weekly, moved</info:subject>"));
    assertTrue(
        "the same invitees keep their ids, the organizer stays: " + updated,
        updated.contains("<info:user entity=\"" + carolId + "\">")
            && updated.contains("<info:user entity=\"" + ALICE + "\">")
            && count(updated, "<info:uri>sip:bob@") == 1);
    assertEquals(
        "the media were replaced, not added",
        3,
        count(updated, "<info:status>(sendrecv|inactive)</info:status>"));

    // ... and on delete, and needs the confObjID back.
    String deleted =
        send(
            request(
                "conf",
                "<confObjID>"
                    + conference
                    + "</confObjID><operation>delete</operation><xcon-ccmp:confRequest>"
                    + confInfo(conference, "Weekly, moved")
                    + "</xcon-ccmp:confRequest>"));
    assertEquals(deleted, 200, CcmpHttp.responseCode(deleted));
    assertEquals(conference, CcmpHttp.field(deleted, "confObjID"));
  }
}
