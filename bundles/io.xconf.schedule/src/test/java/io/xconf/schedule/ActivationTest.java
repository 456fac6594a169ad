package io.xconf.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.namespace.QName;
import org.junit.Test;

/** When conferences start and end, read from RFC 6501 conference-time. */
public class ActivationTest {

  private static QName xcon(String localName) {
    return new QName(Namespaces.XCON, localName);
  }

  private static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }

  private static XmlElement conference(String base, String startOffset, String endOffset) {
    List<XmlElement> entry = new ArrayList<>();
    if (base != null) {
      entry.add(XmlElement.leaf(xcon("base"), base));
    }
    if (startOffset != null) {
      entry.add(XmlElement.leaf(xcon("mixing-start-offset"), startOffset));
    }
    if (endOffset != null) {
      entry.add(XmlElement.leaf(xcon("mixing-end-offset"), endOffset));
    }
    return XmlElement.of(info("conference-info"))
        .withChildren(
            List.of(
                XmlElement.of(info("conference-description"))
                    .withChildren(
                        List.of(
                            XmlElement.of(xcon("conference-time"))
                                .withChildren(
                                    List.of(XmlElement.of(xcon("entry")).withChildren(entry)))))));
  }

  private static String calendar(String... lines) {
    return "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
        + String.join("\r\n", lines)
        + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

  private static Instant start(XmlElement document, Instant now) {
    return Activation.window(document, now).orElseThrow().start();
  }

  private static Instant end(XmlElement document, Instant now) {
    return Activation.window(document, now).orElseThrow().end();
  }

  @Test
  public void withoutConferenceTimeAConferenceIsAlwaysActive() {
    XmlElement plain = XmlElement.of(info("conference-info"));
    assertTrue(Activation.isActive(plain, Instant.parse("2000-01-01T00:00:00Z")));
    assertEquals(null, start(plain, NOW));
    assertEquals(null, end(plain, NOW));
  }

  @Test
  public void dtstartWithDurationAsLinphoneWritesIt() {
    XmlElement linphone =
        conference(calendar("DTSTART:20261201T100000Z", "DURATION:PT1H30M"), null, null);
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), start(linphone, NOW));
    assertEquals(Instant.parse("2026-12-01T11:30:00Z"), end(linphone, NOW));
    assertFalse(Activation.isActive(linphone, Instant.parse("2026-12-01T09:59:59Z")));
    assertTrue(Activation.isActive(linphone, Instant.parse("2026-12-01T10:00:00Z")));
    assertFalse(Activation.isActive(linphone, Instant.parse("2026-12-01T11:30:00Z")));
  }

  @Test
  public void dtendWeeksAndMixingOffsets() {
    assertEquals(
        Instant.parse("2026-12-01T12:00:00Z"),
        end(
            conference(calendar("DTSTART:20261201T100000Z", "DTEND:20261201T120000Z"), null, null),
            NOW));
    assertEquals(
        Instant.parse("2026-12-15T10:00:00Z"),
        end(conference(calendar("DTSTART:20261201T100000Z", "DURATION:P2W"), null, null), NOW));
    // RFC 6501's mixing offsets win over the calendar.
    XmlElement offsets =
        conference(
            calendar("DTSTART:20261201T100000Z", "DURATION:PT1H"),
            "2026-12-01T09:55:00Z",
            "2026-12-01T11:05:00Z");
    assertEquals(Instant.parse("2026-12-01T09:55:00Z"), start(offsets, NOW));
    assertEquals(Instant.parse("2026-12-01T11:05:00Z"), end(offsets, NOW));
  }

  @Test
  public void anUnreadableScheduleLeavesTheConferenceActive() {
    XmlElement garbled = conference(calendar("DTSTART:tomorrow", "DURATION:a while"), null, null);
    assertEquals(null, start(garbled, NOW));
    assertEquals(null, end(garbled, NOW));
    assertTrue(Activation.isActive(garbled, Instant.now()));
  }

  @Test
  public void aWeeklyConferenceIsActiveDuringEachOccurrenceUntilItsCount() {
    XmlElement weekly =
        conference(
            calendar("DTSTART:20261201T100000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3"),
            null,
            null);
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), start(weekly, NOW));
    assertTrue(Activation.isActive(weekly, Instant.parse("2026-12-01T10:30:00Z")));
    assertFalse(Activation.isActive(weekly, Instant.parse("2026-12-01T11:00:00Z")));
    // Between occurrences, the next one.
    assertEquals(
        Instant.parse("2026-12-08T10:00:00Z"),
        start(weekly, Instant.parse("2026-12-01T11:00:00Z")));
    assertEquals(
        Instant.parse("2026-12-08T11:00:00Z"), end(weekly, Instant.parse("2026-12-08T10:59:59Z")));
    assertTrue(Activation.isActive(weekly, Instant.parse("2026-12-15T10:00:00Z")));
    assertTrue(Activation.window(weekly, NOW).orElseThrow().recurring());
    // After the third, no more.
    assertEquals(
        Optional.empty(), Activation.window(weekly, Instant.parse("2026-12-15T11:00:00Z")));
    assertFalse(Activation.isActive(weekly, Instant.parse("2026-12-22T10:30:00Z")));
  }

  @Test
  public void aRecurringConferenceKeepsItsLocalTimeAcrossDaylightSaving() {
    XmlElement daily =
        conference(
            calendar(
                "DTSTART;TZID=Europe/Paris:20270325T090000",
                "DTEND;TZID=Europe/Paris:20270325T093000",
                "RRULE:FREQ=DAILY;UNTIL=20270401T000000Z"),
            null,
            null);
    // 09:00 in Paris is 08:00 UTC before the change of 28 March 2027, 07:00 UTC after it.
    assertEquals(
        Instant.parse("2027-03-26T08:00:00Z"), start(daily, Instant.parse("2027-03-25T12:00:00Z")));
    assertEquals(
        Instant.parse("2027-03-29T07:00:00Z"), start(daily, Instant.parse("2027-03-28T12:00:00Z")));
    assertEquals(
        Instant.parse("2027-03-29T07:30:00Z"), end(daily, Instant.parse("2027-03-28T12:00:00Z")));
    assertEquals(Optional.empty(), Activation.window(daily, Instant.parse("2027-04-01T12:00:00Z")));
  }

  @Test
  public void foldedLinesAndWeekdaysAsCalendarsWriteThem() {
    XmlElement mondaysAndThursdays =
        conference(
            calendar(
                "DTSTART:20261130T150000Z",
                "DURATION:PT45M",
                "RRULE:FREQ=WEEKLY;BYDAY=MO,",
                " TH;INTERVAL=1"),
            null,
            null);
    assertEquals(
        Instant.parse("2026-12-03T15:00:00Z"),
        start(mondaysAndThursdays, Instant.parse("2026-11-30T16:00:00Z")));
    assertEquals(
        Instant.parse("2026-12-07T15:00:00Z"),
        start(mondaysAndThursdays, Instant.parse("2026-12-03T15:45:00Z")));
  }

  @Test
  public void aRuleTooFineToFollowForYearsKeepsItsFirstOccurrence() {
    XmlElement secondly =
        conference(
            calendar("DTSTART:20200101T000000Z", "DURATION:PT1S", "RRULE:FREQ=SECONDLY"),
            null,
            null);
    // Followed, it would be active every second; not followed, it was over in 2020.
    assertEquals(Instant.parse("2020-01-01T00:00:00Z"), start(secondly, NOW));
    assertFalse(Activation.isActive(secondly, NOW));
  }

  @Test
  public void anUnreadableRuleKeepsTheFirstOccurrence() {
    XmlElement odd =
        conference(
            calendar("DTSTART:20261201T100000Z", "DURATION:PT1H", "RRULE:FREQ=SOMETIMES"),
            null,
            null);
    assertEquals(
        Instant.parse("2026-12-01T10:00:00Z"), start(odd, Instant.parse("2026-12-02T00:00:00Z")));
    assertFalse(Activation.isActive(odd, Instant.parse("2026-12-02T00:00:00Z")));
  }
}
