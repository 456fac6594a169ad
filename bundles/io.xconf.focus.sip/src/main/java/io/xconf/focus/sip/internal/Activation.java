package io.xconf.focus.sip.internal;

import io.xconf.model.XmlElement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When a conference is active (RFC 6501 conference-time): one without a schedule is active from its
 * creation; one with a start in its iCalendar {@code base} (DTSTART, as Linphone writes it) or a
 * {@code mixing-start-offset} is active from then on.
 */
final class Activation {

  private static final DateTimeFormatter ICALENDAR_UTC =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private Activation() {}

  static boolean isActive(XmlElement document, Instant now) {
    return start(document).map(start -> !now.isBefore(start)).orElse(true);
  }

  static Optional<Instant> start(XmlElement document) {
    Optional<XmlElement> entry =
        document
            .child(Roster.DESCRIPTION)
            .flatMap(d -> d.child(Roster.xcon("conference-time")))
            .flatMap(t -> t.child(Roster.xcon("entry")));
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    Optional<Instant> offset =
        entry
            .get()
            .child(Roster.xcon("mixing-start-offset"))
            .map(XmlElement::text)
            .flatMap(Activation::instant);
    if (offset.isPresent()) {
      return offset;
    }
    return entry
        .get()
        .child(Roster.xcon("base"))
        .map(XmlElement::text)
        .flatMap(Activation::dtstart);
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text.strip()));
    } catch (DateTimeParseException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /** DTSTART in UTC form (DTSTART:20261201T100000Z); other forms are left to the full scheduler. */
  private static Optional<Instant> dtstart(String calendar) {
    if (calendar == null) {
      return Optional.empty();
    }
    for (String line : calendar.split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("DTSTART:")) {
        try {
          return Optional.of(
              LocalDateTime.parse(trimmed.substring(8), ICALENDAR_UTC).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
