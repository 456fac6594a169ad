package io.xconf.webhooks.internal;

import static org.junit.Assert.assertEquals;

import io.xconf.model.ConferenceChange;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ChangeEventsTest {

  private static final String URI = "xcon:42@example.com";
  private static final Instant AT = Instant.parse("2026-12-07T08:00:00Z");

  @Test
  public void aCreationIsOneEventWithTheTitle() throws Exception {
    List<WebhookEvent> events =
        ChangeEvents.of(
            new ConferenceChange(
                URI,
                ConferenceChange.Kind.CREATED,
                0,
                1,
                null,
                conference(
                    "<conference-description><display-text>Weekly</display-text>"
                        + "</conference-description>"),
                null,
                "xcon-userid:alice@example.com"),
            AT);
    assertEquals(1, events.size());
    assertEquals("conference.created", events.get(0).event());
    assertEquals(1, events.get(0).version());
    assertEquals(
        Map.of("actor", "xcon-userid:alice@example.com", "displayText", "Weekly"),
        events.get(0).details());
  }

  @Test
  public void theRosterTellsWhoJoinedWasMutedUnmutedAndLeft() throws Exception {
    XmlElement empty = conference("<users/>");
    XmlElement alerting = conference(users("alerting", "dialed-in"));
    XmlElement connected = conference(users("connected", "dialed-in"));
    XmlElement muted = conference(users("muted-via-focus", "dialed-in"));
    XmlElement gone = conference(users("disconnected", "dialed-in"));

    assertEquals(List.of("conference.updated"), names(update(empty, alerting)));
    List<WebhookEvent> joined = update(alerting, connected);
    assertEquals(List.of("conference.updated", "participant.joined"), names(joined));
    assertEquals(
        Map.of(
            "user", "sip:bob@example.com",
            "endpoint", "sip:bob@192.0.2.9",
            "displayText", "Bob",
            "joiningMethod", "dialed-in"),
        joined.get(1).details());
    assertEquals(
        List.of("conference.updated", "participant.muted"), names(update(connected, muted)));
    assertEquals(
        List.of("conference.updated", "participant.unmuted"), names(update(muted, connected)));
    List<WebhookEvent> left = update(muted, gone);
    assertEquals(List.of("conference.updated", "participant.left"), names(left));
    assertEquals("disconnected", left.get(1).details().get("status"));
    assertEquals(
        List.of("conference.updated", "participant.left"), names(update(connected, empty)));
    assertEquals(
        List.of("conference.updated", "participant.joined", "participant.muted"),
        names(update(empty, muted)));
  }

  @Test
  public void aDeletionWithPeopleInItSaysTheyLeft() throws Exception {
    List<WebhookEvent> events =
        ChangeEvents.of(
            new ConferenceChange(
                URI,
                ConferenceChange.Kind.DELETED,
                7,
                7,
                conference(users("connected", "dialed-out")),
                null,
                null,
                null),
            AT);
    assertEquals(List.of("conference.deleted", "participant.left"), names(events));
    assertEquals(7, events.get(1).version());
    assertEquals("gone", events.get(1).details().get("status"));
  }

  @Test
  public void theBodyIsOneJsonObjectWithEveryFieldEscaped() {
    WebhookEvent event =
        new WebhookEvent(
            "id-1", "participant.joined", URI, 3, AT, Map.of("displayText", "A \"B\"\n\u0001"));
    assertEquals(
        "{\"id\":\"id-1\",\"event\":\"participant.joined\",\"conference\":\"xcon:42@example.com\","
            + "\"version\":3,\"at\":\"2026-12-07T08:00:00Z\",\"displayText\":\"A \\\"B\\\"\\n\\u0001\"}",
        event.json());
  }

  private static List<WebhookEvent> update(XmlElement before, XmlElement after) {
    return ChangeEvents.of(
        new ConferenceChange(
            URI, ConferenceChange.Kind.UPDATED, 4, 5, before, after, null, "focus"),
        AT);
  }

  private static List<String> names(List<WebhookEvent> events) {
    return events.stream().map(WebhookEvent::event).toList();
  }

  private static String users(String status, String joiningMethod) {
    return "<users><user entity=\"sip:bob@example.com\"><display-text>Bob</display-text>"
        + "<endpoint entity=\"sip:bob@192.0.2.9\"><status>"
        + status
        + "</status><joining-method>"
        + joiningMethod
        + "</joining-method></endpoint></user></users>";
  }

  private static XmlElement conference(String children) throws Exception {
    return XmlDocuments.parse(
        ("<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" entity=\""
                + URI
                + "\">"
                + children
                + "</conference-info>")
            .getBytes(StandardCharsets.UTF_8),
        32);
  }
}
