package io.xconf.focus.sip.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** When conferences start and end, read from RFC 6501 conference-time. */
public class ActivationTest {

  private static XmlElement conference(String base, String startOffset, String endOffset) {
    List<XmlElement> entry = new ArrayList<>();
    if (base != null) {
      entry.add(XmlElement.leaf(Roster.xcon("base"), base));
    }
    if (startOffset != null) {
      entry.add(XmlElement.leaf(Roster.xcon("mixing-start-offset"), startOffset));
    }
    if (endOffset != null) {
      entry.add(XmlElement.leaf(Roster.xcon("mixing-end-offset"), endOffset));
    }
    return XmlElement.of(Roster.CONFERENCE_INFO)
        .withChildren(
            List.of(
                XmlElement.of(Roster.DESCRIPTION)
                    .withChildren(
                        List.of(
                            XmlElement.of(Roster.xcon("conference-time"))
                                .withChildren(
                                    List.of(
                                        XmlElement.of(Roster.xcon("entry"))
                                            .withChildren(entry)))))));
  }

  private static String calendar(String... lines) {
    return "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
        + String.join("\r\n", lines)
        + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  @Test
  public void withoutConferenceTimeAConferenceIsAlwaysActive() {
    XmlElement plain = XmlElement.of(Roster.CONFERENCE_INFO);
    assertTrue(Activation.isActive(plain, Instant.parse("2000-01-01T00:00:00Z")));
    assertEquals(Optional.empty(), Activation.start(plain));
    assertEquals(Optional.empty(), Activation.end(plain));
  }

  @Test
  public void dtstartWithDurationAsLinphoneWritesIt() {
    XmlElement linphone =
        conference(calendar("DTSTART:20261201T100000Z", "DURATION:PT1H30M"), null, null);
    assertEquals(Optional.of(Instant.parse("2026-12-01T10:00:00Z")), Activation.start(linphone));
    assertEquals(Optional.of(Instant.parse("2026-12-01T11:30:00Z")), Activation.end(linphone));
    assertFalse(Activation.isActive(linphone, Instant.parse("2026-12-01T09:59:59Z")));
    assertTrue(Activation.isActive(linphone, Instant.parse("2026-12-01T10:00:00Z")));
    assertFalse(Activation.isActive(linphone, Instant.parse("2026-12-01T11:30:00Z")));
  }

  @Test
  public void dtendWeeksAndMixingOffsets() {
    assertEquals(
        Optional.of(Instant.parse("2026-12-01T12:00:00Z")),
        Activation.end(
            conference(
                calendar("DTSTART:20261201T100000Z", "DTEND:20261201T120000Z"), null, null)));
    assertEquals(
        Optional.of(Instant.parse("2026-12-15T10:00:00Z")),
        Activation.end(
            conference(calendar("DTSTART:20261201T100000Z", "DURATION:P2W"), null, null)));
    // RFC 6501's mixing offsets win over the calendar.
    XmlElement offsets =
        conference(
            calendar("DTSTART:20261201T100000Z", "DURATION:PT1H"),
            "2026-12-01T09:55:00Z",
            "2026-12-01T11:05:00Z");
    assertEquals(Optional.of(Instant.parse("2026-12-01T09:55:00Z")), Activation.start(offsets));
    assertEquals(Optional.of(Instant.parse("2026-12-01T11:05:00Z")), Activation.end(offsets));
  }

  @Test
  public void anUnreadableScheduleLeavesTheConferenceActive() {
    XmlElement garbled = conference(calendar("DTSTART:tomorrow", "DURATION:a while"), null, null);
    assertEquals(Optional.empty(), Activation.start(garbled));
    assertEquals(Optional.empty(), Activation.end(garbled));
    assertTrue(Activation.isActive(garbled, Instant.now()));
  }
}
