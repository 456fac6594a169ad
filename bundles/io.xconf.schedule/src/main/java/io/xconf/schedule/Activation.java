package io.xconf.schedule;

import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.namespace.QName;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a conference is active (RFC 6501 conference-time): one without a schedule is active from its
 * creation; one with {@code mixing-start-offset}/{@code mixing-end-offset} between them; one with
 * an iCalendar {@code base} (RFC 5545: DTSTART, DTEND or DURATION, RRULE for a recurring one)
 * during each of its occurrences. An unreadable schedule leaves the conference active, as one
 * without. Pure functions of a document and an instant; {@link ConferenceSchedule} asks them with
 * its clock.
 */
public final class Activation {

  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  /** The most intervals a recurrence is followed over (a year of MINUTELY is 525,600). */
  private static final long MAX_STEPS = 1_000_000;

  private static final Pattern FREQUENCY = Pattern.compile("(?i)FREQ=([A-Z]+)");
  private static final Pattern INTERVAL = Pattern.compile("(?i)INTERVAL=(\\d{1,9})");

  private static final DateTimeFormatter ICALENDAR_LOCAL =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  /**
   * An occurrence: from {@code start} (null: since ever) until {@code end} (null: for ever).
   *
   * @param recurring whether more occurrences may follow this one
   */
  public record Window(Instant start, Instant end, boolean recurring) {
    static final Window ALWAYS = new Window(null, null, false);

    public boolean contains(Instant now) {
      return (start == null || !now.isBefore(start)) && (end == null || now.isBefore(end));
    }
  }

  private static final QName DESCRIPTION =
      new QName(Namespaces.CONFERENCE_INFO, "conference-description");

  private Activation() {}

  public static boolean isActive(XmlElement document, Instant now) {
    return window(document, now).map(w -> w.contains(now)).orElse(false);
  }

  /**
   * The occurrence in progress at {@code now}, else the next one; empty once a recurring conference
   * has had its last occurrence. A single occurrence is returned even when it is over.
   */
  public static Optional<Window> window(XmlElement document, Instant now) {
    Optional<XmlElement> entry = entry(document);
    if (entry.isEmpty()) {
      return Optional.of(Window.ALWAYS);
    }
    Optional<Instant> startOffset = offset(entry.get(), "mixing-start-offset");
    Optional<Instant> endOffset = offset(entry.get(), "mixing-end-offset");
    if (startOffset.isPresent() || endOffset.isPresent()) {
      return Optional.of(new Window(startOffset.orElse(null), endOffset.orElse(null), false));
    }
    String calendar = unfolded(entry.get().child(xcon("base")).map(XmlElement::text));
    Optional<ZonedDateTime> start = property(calendar, "DTSTART").flatMap(Activation::dateTime);
    if (start.isEmpty()) {
      return Optional.of(Window.ALWAYS);
    }
    Optional<Duration> length =
        property(calendar, "DTEND")
            .flatMap(Activation::dateTime)
            .map(end -> Duration.between(start.get(), end))
            .filter(d -> !d.isNegative())
            .or(() -> property(calendar, "DURATION").flatMap(Activation::duration));
    Optional<String> rule = property(calendar, "RRULE");
    if (rule.isEmpty() || length.isEmpty()) {
      return Optional.of(window(start.get(), length, false));
    }
    return next(rule.get(), start.get(), length.get(), now);
  }

  private static Window window(ZonedDateTime start, Optional<Duration> length, boolean recurring) {
    return new Window(
        start.toInstant(), length.map(l -> start.plus(l).toInstant()).orElse(null), recurring);
  }

  /**
   * The first occurrence that has not ended by {@code now}: it starts after {@code now - length}.
   * RFC 5545 counts DTSTART itself as the first occurrence; lib-recur computes the others, in
   * DTSTART's time zone so that a weekly 10:00 stays 10:00 across daylight saving changes.
   */
  private static Optional<Window> next(
      String rule, ZonedDateTime start, Duration length, Instant now) {
    ZonedDateTime after = now.minus(length).atZone(start.getZone());
    if (start.isAfter(after)) {
      return Optional.of(window(start, Optional.of(length), true));
    }
    String value = rule.substring(rule.indexOf(':') + 1).strip();
    if (steps(value, Duration.between(start.toInstant(), after.toInstant())) > MAX_STEPS) {
      // lib-recur walks there one interval at a time: a SECONDLY rule from years ago would keep
      // every call's admission busy. Such a schedule keeps its first occurrence only.
      LOG.warn("RRULE {} from {} is too fine to follow that far", value, start);
      return Optional.of(window(start, Optional.of(length), false));
    }
    try {
      RecurrenceRule recurrence = new RecurrenceRule(value);
      RecurrenceRuleIterator occurrences =
          recurrence.iterator(
              start.toInstant().toEpochMilli(), TimeZone.getTimeZone(start.getZone()));
      long ended = after.toInstant().toEpochMilli();
      occurrences.fastForward(ended);
      // fastForward may leave an occurrence at that very instant, which has ended by now.
      while (occurrences.hasNext() && occurrences.peekMillis() <= ended) {
        occurrences.nextMillis();
      }
      if (!occurrences.hasNext()) {
        return Optional.empty();
      }
      ZonedDateTime occurrence =
          Instant.ofEpochMilli(occurrences.nextMillis()).atZone(start.getZone());
      return Optional.of(window(occurrence, Optional.of(length), true));
    } catch (Exception e) {
      LOG.warn("Unreadable RRULE {}: only its first occurrence counts ({})", rule, e.toString());
      return Optional.of(window(start, Optional.of(length), false));
    }
  }

  /** About how many intervals of the rule lie in {@code span}. */
  private static long steps(String rule, Duration span) {
    Matcher frequency = FREQUENCY.matcher(rule);
    Matcher interval = INTERVAL.matcher(rule);
    long seconds =
        !frequency.find()
            ? 86_400
            : switch (frequency.group(1).toUpperCase(java.util.Locale.ROOT)) {
              case "SECONDLY" -> 1;
              case "MINUTELY" -> 60;
              case "HOURLY" -> 3_600;
              default -> 86_400;
            };
    long every = interval.find() ? Math.max(1, Long.parseLong(interval.group(1))) : 1;
    return span.getSeconds() / (seconds * every);
  }

  private static Optional<XmlElement> entry(XmlElement document) {
    return document
        .child(DESCRIPTION)
        .flatMap(d -> d.child(xcon("conference-time")))
        .flatMap(t -> t.child(xcon("entry")));
  }

  private static Optional<Instant> offset(XmlElement entry, String name) {
    return entry.child(xcon(name)).map(XmlElement::text).flatMap(Activation::instant);
  }

  /** RFC 5545 section 3.1: a line starting with a space or tab continues the one before. */
  private static String unfolded(Optional<String> calendar) {
    return calendar.map(text -> text.replaceAll("\r?\n[ \t]", "")).orElse("");
  }

  /** A property's value with its parameters: {@code DTSTART;TZID=Europe/Paris:20261201T100000}. */
  private static Optional<String> property(String calendar, String name) {
    for (String line : calendar.split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith(name + ":") || trimmed.startsWith(name + ";")) {
        return Optional.of(trimmed.substring(name.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * A DATE-TIME with what precedes its value: {@code :20261201T100000Z} (UTC), {@code
   * ;TZID=Europe/Paris:20261201T100000}, or {@code :20261201T100000} (floating: the server's zone).
   */
  private static Optional<ZonedDateTime> dateTime(String property) {
    int colon = property.lastIndexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String value = property.substring(colon + 1).strip();
    String parameters = property.substring(0, colon);
    try {
      if (value.endsWith("Z")) {
        return Optional.of(
            LocalDateTime.parse(value.substring(0, value.length() - 1), ICALENDAR_LOCAL)
                .atZone(ZoneOffset.UTC));
      }
      ZoneId zone = ZoneId.systemDefault();
      for (String parameter : parameters.split(";")) {
        if (parameter.startsWith("TZID=")) {
          zone = ZoneId.of(parameter.substring(5).replace("\"", ""));
        }
      }
      return Optional.of(LocalDateTime.parse(value, ICALENDAR_LOCAL).atZone(zone));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** An RFC 5545 duration: P1W, P1DT2H, PT1H30M, PT90S. */
  private static Optional<Duration> duration(String property) {
    String text = property.substring(property.lastIndexOf(':') + 1).strip();
    try {
      if (text.matches("P\\d+W")) {
        return Optional.of(
            Duration.ofDays(7L * Long.parseLong(text.substring(1, text.length() - 1))));
      }
      return Optional.of(Duration.parse(text)).filter(d -> !d.isNegative());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text.strip()));
    } catch (DateTimeParseException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private static QName xcon(String localName) {
    return new QName(Namespaces.XCON, localName);
  }
}
