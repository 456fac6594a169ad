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

  /** From its start (if any) until its end (if any). */
  static boolean isActive(XmlElement document, Instant now) {
    return start(document).map(start -> !now.isBefore(start)).orElse(true)
        && end(document).map(now::isBefore).orElse(true);
  }

  /**
   * The end: {@code mixing-end-offset}, else the iCalendar DTEND, else DTSTART plus DURATION (RFC
   * 5545; weeks, days and times).
   */
  static Optional<Instant> end(XmlElement document) {
    Optional<XmlElement> entry = entry(document);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    Optional<Instant> offset =
        entry
            .get()
            .child(Roster.xcon("mixing-end-offset"))
            .map(XmlElement::text)
            .flatMap(Activation::instant);
    if (offset.isPresent()) {
      return offset;
    }
    String calendar = entry.get().child(Roster.xcon("base")).map(XmlElement::text).orElse(null);
    Optional<Instant> dtend = property(calendar, "DTEND").flatMap(Activation::utc);
    if (dtend.isPresent()) {
      return dtend;
    }
    Optional<Instant> start = property(calendar, "DTSTART").flatMap(Activation::utc);
    Optional<java.time.Duration> duration =
        property(calendar, "DURATION").flatMap(Activation::duration);
    return start.isPresent() && duration.isPresent()
        ? Optional.of(start.get().plus(duration.get()))
        : Optional.empty();
  }

  private static Optional<XmlElement> entry(XmlElement document) {
    return document
        .child(Roster.DESCRIPTION)
        .flatMap(d -> d.child(Roster.xcon("conference-time")))
        .flatMap(t -> t.child(Roster.xcon("entry")));
  }

  private static Optional<String> property(String calendar, String name) {
    if (calendar == null) {
      return Optional.empty();
    }
    for (String line : calendar.split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith(name + ":")) {
        return Optional.of(trimmed.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  private static Optional<Instant> utc(String value) {
    try {
      return Optional.of(LocalDateTime.parse(value, ICALENDAR_UTC).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** An RFC 5545 duration: P1W, P1DT2H, PT1H30M, PT90S. */
  private static Optional<java.time.Duration> duration(String value) {
    String text = value.strip();
    try {
      if (text.matches("P\\d+W")) {
        return Optional.of(
            java.time.Duration.ofDays(7L * Long.parseLong(text.substring(1, text.length() - 1))));
      }
      return Optional.of(java.time.Duration.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Instant> start(XmlElement document) {
    Optional<XmlElement> entry = entry(document);
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
