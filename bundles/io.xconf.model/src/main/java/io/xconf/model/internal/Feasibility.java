package io.xconf.model.internal;

import io.xconf.model.XmlElement;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.xml.namespace.QName;

/**
 * Whether the values a client writes are ones a conference can take: the simple types RFC 4575 and
 * RFC 6501 give their elements (most RFC 6501 enumerations end in the pattern ".+" and so accept
 * any text; booleans, numbers, times and the RFC 4575 enumerations do not), and the policies that
 * span elements. The model stores documents as generic trees, so without this check a misspelt
 * {@code <mute>yes</mute>} would be stored and later break the focus and the mixer.
 */
final class Feasibility {

  private static final Predicate<String> BOOLEAN =
      value -> Set.of("true", "false", "1", "0").contains(value);
  private static final Predicate<String> UNSIGNED_INT = integerWithin(0, 4_294_967_295L);
  private static final Predicate<String> NON_NEGATIVE = integerWithin(0, Long.MAX_VALUE);
  private static final Predicate<String> GAIN = integerWithin(-127, 127);
  private static final Predicate<String> MEDIA_STATUS =
      Set.of("recvonly", "sendonly", "sendrecv", "inactive")::contains;

  /** Element types that hold wherever the element appears. */
  private static final Map<QName, Type> BY_NAME =
      Map.ofEntries(
          Map.entry(Names.info("maximum-user-count"), new Type("an unsignedInt", UNSIGNED_INT)),
          Map.entry(Names.info("user-count"), new Type("an unsignedInt", UNSIGNED_INT)),
          Map.entry(Names.info("active"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.info("locked"), new Type("a boolean", BOOLEAN)),
          Map.entry(
              Names.info("joining-method"),
              new Type(
                  "dialed-in, dialed-out or focus-owner",
                  Set.of("dialed-in", "dialed-out", "focus-owner")::contains)),
          Map.entry(
              Names.info("disconnection-method"),
              new Type(
                  "departed, booted, failed or busy",
                  Set.of("departed", "booted", "failed", "busy")::contains)),
          Map.entry(Names.xcon("allow-sidebars"), new Type("a boolean", BOOLEAN)),
          Map.entry(
              Names.xcon("allow-conference-event-subscription"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("allow-refer-users-dynamically"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("allow-invite-users-dynamically"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("allow-remove-users-dynamically"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("allowed-extend-mixing-end-offset"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("allow-floor-events"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("mute"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("pause-video"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("floor"), new Type("a boolean", BOOLEAN)),
          Map.entry(Names.xcon("gain"), new Type("an integer from -127 to 127", GAIN)),
          Map.entry(
              Names.xcon("notify-end-of-conference"),
              new Type("a non-negative integer", NON_NEGATIVE)),
          Map.entry(
              Names.xcon("max-floor-users"), new Type("a non-negative integer", NON_NEGATIVE)),
          Map.entry(Names.xcon("moderator-id"), new Type("a non-negative integer", NON_NEGATIVE)),
          Map.entry(
              Names.xcon("conference-ID"),
              new Type("an unsignedLong", integerWithin(BigInteger.ZERO, unsignedLongMax()))),
          Map.entry(
              Names.xcon("mixing-start-offset"), new Type("a UTC date-time", Feasibility::utc)),
          Map.entry(Names.xcon("mixing-end-offset"), new Type("a UTC date-time", Feasibility::utc)),
          Map.entry(
              Names.xcon("must-join-before-offset"), new Type("a UTC date-time", Feasibility::utc)),
          Map.entry(Names.xcon("request-user"), new Type("a UTC date-time", Feasibility::utc)));

  /**
   * {@code status} means an endpoint's state under {@code endpoint}, a media direction elsewhere.
   */
  private static final Type ENDPOINT_STATUS =
      new Type(
          "an RFC 4575 endpoint status",
          Set.of(
                  "pending",
                  "dialing-out",
                  "dialing-in",
                  "alerting",
                  "on-hold",
                  "connected",
                  "muted-via-focus",
                  "disconnecting",
                  "disconnected")
              ::contains);

  private static final Type MEDIA_STATUS_TYPE =
      new Type("recvonly, sendonly, sendrecv or inactive", MEDIA_STATUS);

  private static final QName STATUS = Names.info("status");
  private static final QName ENDPOINT = Names.info("endpoint");
  private static final QName MAXIMUM_USER_COUNT = Names.info("maximum-user-count");
  private static final QName USER = Names.info("user");

  private Feasibility() {}

  /**
   * The first value in a client's document (a creation or a partial update) that its element cannot
   * take, described for the client; empty when all fit. Empty elements are removals and so fit.
   */
  static Optional<String> unacceptableValue(XmlElement document) {
    return check(document, null);
  }

  /**
   * A policy a change breaks: more users than the {@code maximum-user-count}, by adding users or by
   * lowering the maximum. A conference already over its maximum (its blueprint changed) can still
   * take other changes.
   */
  static Optional<String> brokenPolicy(XmlElement before, XmlElement after) {
    long allowed = maximumUsers(after);
    int users = users(after);
    boolean changed = users > users(before) || allowed != maximumUsers(before);
    return changed && users > allowed
        ? Optional.of("maximum-user-count " + allowed + " leaves no room for " + users + " users")
        : Optional.empty();
  }

  private static long maximumUsers(XmlElement document) {
    String text =
        document
            .child(Names.CONFERENCE_DESCRIPTION)
            .flatMap(description -> description.child(MAXIMUM_USER_COUNT))
            .map(XmlElement::text)
            .map(String::strip)
            .orElse("");
    return UNSIGNED_INT.test(text) ? Long.parseLong(text) : Long.MAX_VALUE;
  }

  private static int users(XmlElement document) {
    return document.child(Names.USERS).map(users -> users.children(USER).size()).orElse(0);
  }

  private static Optional<String> check(XmlElement element, XmlElement parent) {
    // The root's entity is the object's own XCON-URI, which the model gives whatever is sent.
    String entity = parent == null ? null : element.attribute("entity");
    if (entity != null && !isUri(entity, true)) {
      return Optional.of("entity must be a URI, not \"" + abbreviated(entity) + "\"");
    }
    // A list target may name a whole domain: *@example.com.
    String target = element.attribute("uri");
    if (target != null && !isUri(target, false)) {
      return Optional.of("uri must be a URI, not \"" + abbreviated(target) + "\"");
    }
    String state = element.attribute("state");
    if (state != null && !Set.of("full", "partial", "deleted").contains(state)) {
      return Optional.of(
          "state must be full, partial or deleted, not \"" + abbreviated(state) + "\"");
    }
    String text = element.text() == null ? "" : element.text().strip();
    if (!text.isEmpty() && !isDeletion(element)) {
      Type type =
          STATUS.equals(element.name())
              ? (parent != null && ENDPOINT.equals(parent.name())
                  ? ENDPOINT_STATUS
                  : MEDIA_STATUS_TYPE)
              : BY_NAME.get(element.name());
      if (type != null && !type.accepts.test(text)) {
        return Optional.of(
            element.name().getLocalPart()
                + " must be "
                + type.description
                + ", not \""
                + abbreviated(text)
                + "\"");
      }
    }
    for (XmlElement child : element.children()) {
      Optional<String> problem = check(child, element);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /** A URI reference (RFC 3986), absolute when {@code absolute}. */
  private static boolean isUri(String value, boolean absolute) {
    if (value.isBlank()) {
      return false;
    }
    try {
      java.net.URI uri = new java.net.URI(value.strip());
      return !absolute || uri.getScheme() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static boolean isDeletion(XmlElement element) {
    return "deleted".equals(element.attribute("state"));
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  private static boolean utc(String value) {
    // RFC 6501's time-type: an xs:dateTime in UTC ("pattern .+T.+Z.*").
    if (!value.contains("T") || !value.contains("Z")) {
      return false;
    }
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Predicate<String> integerWithin(long min, long max) {
    return integerWithin(BigInteger.valueOf(min), BigInteger.valueOf(max));
  }

  private static Predicate<String> integerWithin(BigInteger min, BigInteger max) {
    return value -> {
      if (!value.matches("[+-]?[0-9]{1,40}")) {
        return false;
      }
      BigInteger number = new BigInteger(value.startsWith("+") ? value.substring(1) : value);
      return number.compareTo(min) >= 0 && number.compareTo(max) <= 0;
    };
  }

  private static BigInteger unsignedLongMax() {
    return BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  }

  private record Type(String description, Predicate<String> accepts) {}
}
