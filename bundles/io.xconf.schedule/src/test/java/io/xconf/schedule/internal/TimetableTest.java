package io.xconf.schedule.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import io.xconf.schedule.ConferenceActivityListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.namespace.QName;
import org.junit.Test;

/** The timetable on a clock the test advances by hand. */
public class TimetableTest {

  private static final String ROOM = "xcon:room@example.com";
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  /** A clock and timers that move only when the test says. */
  private static final class ManualTime extends Clock implements Timers {
    private Instant now = T0;
    private final List<Map.Entry<Instant, Runnable>> pending = new ArrayList<>();

    @Override
    public Runnable schedule(Runnable task, Instant at) {
      Map.Entry<Instant, Runnable> timer = Map.entry(at, task);
      pending.add(timer);
      return () -> pending.remove(timer);
    }

    @Override
    public void shutdown() {
      pending.clear();
    }

    void advance(Duration by) {
      Instant until = now.plus(by);
      while (true) {
        Map.Entry<Instant, Runnable> next = null;
        for (Map.Entry<Instant, Runnable> timer : pending) {
          if (!timer.getKey().isAfter(until)
              && (next == null || timer.getKey().isBefore(next.getKey()))) {
            next = timer;
          }
        }
        if (next == null) {
          break;
        }
        pending.remove(next);
        now = next.getKey().isAfter(now) ? next.getKey() : now;
        next.getValue().run();
      }
      now = until;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final ManualTime time = new ManualTime();
  private final List<String> heard = new ArrayList<>();
  private final Map<String, XmlElement> documents = new HashMap<>();
  private final Timetable timetable =
      new Timetable(
          time,
          time,
          new ConferenceActivityListener() {
            @Override
            public void started(String conferenceUri) {
              heard.add("started " + conferenceUri + " at " + time.instant());
            }

            @Override
            public void ended(String conferenceUri) {
              heard.add("ended " + conferenceUri + " at " + time.instant());
            }
          },
          uri -> Optional.ofNullable(documents.get(uri)));

  private static QName xcon(String name) {
    return new QName(Namespaces.XCON, name);
  }

  private static XmlElement scheduled(String... calendarLines) {
    String calendar =
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
            + String.join("\r\n", calendarLines)
            + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    return XmlElement.of(new QName(Namespaces.CONFERENCE_INFO, "conference-info"))
        .withChildren(
            List.of(
                XmlElement.of(new QName(Namespaces.CONFERENCE_INFO, "conference-description"))
                    .withChildren(
                        List.of(
                            XmlElement.of(xcon("conference-time"))
                                .withChildren(
                                    List.of(
                                        XmlElement.of(xcon("entry"))
                                            .withChildren(
                                                List.of(
                                                    XmlElement.leaf(xcon("base"), calendar)))))))));
  }

  private void create(XmlElement document) {
    documents.put(ROOM, document);
    timetable.changed(ROOM, document);
  }

  @Test
  public void anUnscheduledConferenceIsOnFromItsCreation() {
    create(XmlElement.of(new QName(Namespaces.CONFERENCE_INFO, "conference-info")));
    assertEquals(List.of("started " + ROOM + " at " + T0), heard);
    assertTrue(timetable.isOn(ROOM));
    time.advance(Duration.ofDays(400));
    assertEquals(1, heard.size());
  }

  @Test
  public void aScheduledConferenceStartsAndEndsOnTime() {
    create(scheduled("DTSTART:20261201T100000Z", "DURATION:PT1H"));
    assertEquals(List.of(), heard);
    time.advance(Duration.ofMinutes(59));
    assertFalse(timetable.isOn(ROOM));
    time.advance(Duration.ofMinutes(2));
    assertEquals(List.of("started " + ROOM + " at 2026-12-01T10:00:00Z"), heard);
    time.advance(Duration.ofHours(2));
    assertEquals(
        List.of(
            "started " + ROOM + " at 2026-12-01T10:00:00Z",
            "ended " + ROOM + " at 2026-12-01T11:00:00Z"),
        heard);
    assertFalse(timetable.isOn(ROOM));
  }

  @Test
  public void eachOccurrenceOfARecurrenceStartsAndEndsEvenBackToBack() {
    // Two hours a day, then back-to-back hourly occurrences: each one ends before the next starts.
    create(scheduled("DTSTART:20261201T090000Z", "DURATION:PT1H", "RRULE:FREQ=HOURLY;COUNT=3"));
    assertEquals(List.of("started " + ROOM + " at 2026-12-01T09:00:00Z"), heard);
    time.advance(Duration.ofHours(5));
    assertEquals(
        List.of(
            "started " + ROOM + " at 2026-12-01T09:00:00Z",
            "ended " + ROOM + " at 2026-12-01T10:00:00Z",
            "started " + ROOM + " at 2026-12-01T10:00:00Z",
            "ended " + ROOM + " at 2026-12-01T11:00:00Z",
            "started " + ROOM + " at 2026-12-01T11:00:00Z",
            "ended " + ROOM + " at 2026-12-01T12:00:00Z"),
        heard);
  }

  @Test
  public void aChangeThatMovesARunningConferenceOutOfItsTimeEndsIt() {
    create(scheduled("DTSTART:20261201T083000Z", "DURATION:PT1H"));
    assertTrue(timetable.isOn(ROOM));
    XmlElement later = scheduled("DTSTART:20261201T150000Z", "DURATION:PT1H");
    documents.put(ROOM, later);
    timetable.changed(ROOM, later);
    assertFalse(timetable.isOn(ROOM));
    time.advance(Duration.ofHours(7));
    assertEquals(
        List.of(
            "started " + ROOM + " at " + T0,
            "ended " + ROOM + " at " + T0,
            "started " + ROOM + " at 2026-12-01T15:00:00Z",
            "ended " + ROOM + " at 2026-12-01T16:00:00Z"),
        heard);
  }

  @Test
  public void aConferenceOnAtStartUpIsNotAnnouncedButEndsOnTime() {
    XmlElement running = scheduled("DTSTART:20261201T083000Z", "DURATION:PT1H");
    documents.put(ROOM, running);
    timetable.load(ROOM, running);
    assertTrue(timetable.isOn(ROOM));
    assertEquals(List.of(), heard);
    time.advance(Duration.ofHours(1));
    assertEquals(List.of("ended " + ROOM + " at 2026-12-01T09:30:00Z"), heard);
  }

  @Test
  public void aDeletedConferenceEndsAndItsTimersAreGone() {
    create(scheduled("DTSTART:20261201T083000Z", "DURATION:PT1H"));
    documents.remove(ROOM);
    timetable.deleted(ROOM);
    time.advance(Duration.ofHours(3));
    Iterator<String> events = heard.iterator();
    assertEquals("started " + ROOM + " at " + T0, events.next());
    assertEquals("ended " + ROOM + " at " + T0, events.next());
    assertFalse(events.hasNext());
  }
}
