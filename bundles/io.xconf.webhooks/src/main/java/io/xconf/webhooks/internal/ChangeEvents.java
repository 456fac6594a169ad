package io.xconf.webhooks.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * The webhook events of one committed change: {@code conference.created}, {@code .updated} or
 * {@code .deleted}, then what happened to the participants, read from the roster before and after
 * (RFC 4575 endpoint status): {@code participant.joined} and {@code .left}, {@code .muted} and
 * {@code .unmuted} (the focus's {@code muted-via-focus}, set once the mixer has muted the leg).
 */
final class ChangeEvents {

  /** Endpoint statuses of a participant that is in the conference (its call established). */
  private static final Set<String> IN = Set.of("connected", "on-hold", "muted-via-focus");

  private static final String MUTED = "muted-via-focus";

  private static final QName USERS = info("users");
  private static final QName USER = info("user");
  private static final QName ENDPOINT = info("endpoint");
  private static final QName STATUS = info("status");
  private static final QName DISPLAY_TEXT = info("display-text");
  private static final QName JOINING_METHOD = info("joining-method");
  private static final QName DISCONNECTION_METHOD = info("disconnection-method");
  private static final QName DESCRIPTION = info("conference-description");
  private static final QName SUBJECT = info("subject");

  private ChangeEvents() {}

  static List<WebhookEvent> of(ConferenceChange change, Instant at) {
    List<WebhookEvent> events = new ArrayList<>();
    Map<String, String> details = new LinkedHashMap<>();
    if (change.actor() != null) {
      details.put("actor", change.actor());
    }
    switch (change.kind()) {
      case CREATED -> {
        String title = title(change.after());
        if (title != null) {
          details.put("displayText", title);
        }
        events.add(
            WebhookEvent.of("conference.created", change.uri(), change.newVersion(), at, details));
      }
      case UPDATED ->
          events.add(
              WebhookEvent.of(
                  "conference.updated", change.uri(), change.newVersion(), at, details));
      case DELETED ->
          events.add(
              WebhookEvent.of(
                  "conference.deleted", change.uri(), change.oldVersion(), at, details));
    }
    participants(change, at, events);
    return events;
  }

  private static void participants(ConferenceChange change, Instant at, List<WebhookEvent> out) {
    Map<String, Endpoint> before = endpoints(change.before());
    Map<String, Endpoint> after = endpoints(change.after());
    long version =
        change.kind() == ConferenceChange.Kind.DELETED ? change.oldVersion() : change.newVersion();
    for (Endpoint was : before.values()) {
      Endpoint now = after.get(was.key());
      if (was.in() && (now == null || !now.in())) {
        Map<String, String> details = was.details();
        details.put("status", now == null ? "gone" : now.status());
        if (now != null && now.disconnectionMethod() != null) {
          details.put("disconnectionMethod", now.disconnectionMethod());
        }
        out.add(WebhookEvent.of("participant.left", change.uri(), version, at, details));
      }
    }
    for (Endpoint now : after.values()) {
      Endpoint was = before.get(now.key());
      boolean wasIn = was != null && was.in();
      if (!now.in()) {
        continue;
      }
      if (!wasIn) {
        Map<String, String> details = now.details();
        if (now.joiningMethod() != null) {
          details.put("joiningMethod", now.joiningMethod());
        }
        out.add(WebhookEvent.of("participant.joined", change.uri(), version, at, details));
      }
      boolean wasMuted = wasIn && MUTED.equals(was.status());
      boolean muted = MUTED.equals(now.status());
      if (muted != wasMuted && (wasIn || muted)) {
        out.add(
            WebhookEvent.of(
                muted ? "participant.muted" : "participant.unmuted",
                change.uri(),
                version,
                at,
                now.details()));
      }
    }
  }

  private static Map<String, Endpoint> endpoints(XmlElement document) {
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    if (document == null) {
      return endpoints;
    }
    for (XmlElement users : document.children(USERS)) {
      for (XmlElement user : users.children(USER)) {
        String userEntity = user.attribute("entity");
        String userDisplay = text(user, DISPLAY_TEXT);
        for (XmlElement endpoint : user.children(ENDPOINT)) {
          Endpoint found =
              new Endpoint(
                  userEntity,
                  endpoint.attribute("entity"),
                  userDisplay != null ? userDisplay : text(endpoint, DISPLAY_TEXT),
                  text(endpoint, STATUS),
                  text(endpoint, JOINING_METHOD),
                  text(endpoint, DISCONNECTION_METHOD));
          endpoints.putIfAbsent(found.key(), found);
        }
      }
    }
    return endpoints;
  }

  /** The conference's display-text, else its subject. */
  private static String title(XmlElement document) {
    if (document == null) {
      return null;
    }
    return document
        .child(DESCRIPTION)
        .map(d -> text(d, DISPLAY_TEXT) != null ? text(d, DISPLAY_TEXT) : text(d, SUBJECT))
        .orElse(null);
  }

  private static String text(XmlElement parent, QName child) {
    return parent.child(child).map(XmlElement::text).map(String::strip).orElse(null);
  }

  private static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }

  private record Endpoint(
      String user,
      String endpoint,
      String displayText,
      String status,
      String joiningMethod,
      String disconnectionMethod) {

    String key() {
      return user + "\n" + endpoint;
    }

    boolean in() {
      return status != null && IN.contains(status);
    }

    Map<String, String> details() {
      Map<String, String> details = new LinkedHashMap<>();
      if (user != null) {
        details.put("user", user);
      }
      if (endpoint != null) {
        details.put("endpoint", endpoint);
      }
      if (displayText != null) {
        details.put("displayText", displayText);
      }
      return details;
    }
  }
}
