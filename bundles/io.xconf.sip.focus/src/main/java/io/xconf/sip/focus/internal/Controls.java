package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.XmlElement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** RFC 6501's mute and gain controls onto the mix, and muted-via-focus onto the roster. */
final class Controls {

  private final ConferenceService model;
  private final RosterWriter roster;
  private final LiveConferences live;

  /** Conferences whose controls are due once the roster is written: each there once. */
  private final Set<String> due = ConcurrentHashMap.newKeySet();

  Controls(ConferenceService model, RosterWriter roster, LiveConferences live) {
    this.model = model;
    this.roster = roster;
    this.live = live;
  }

  void apply(String conferenceUri, XmlElement document) {
    live.mix(conferenceUri)
        .ifPresent(
            mix -> {
              mix.setMuted(Roster.conferenceMuted(document));
              mix.setGain(Roster.conferenceGain(document));
            });
    // One pass over the document, then a lookup per leg: a conference of hundreds of calls.
    Map<String, Map<String, XmlElement>> endpoints = Roster.endpointsByUser(document);
    for (Leg leg : live.legs(conferenceUri)) {
      MediaLeg media = leg instanceof Call call ? call.media() : null;
      if (media == null) {
        continue;
      }
      XmlElement endpoint = endpoints.getOrDefault(leg.entity(), Map.of()).get(leg.endpoint());
      boolean muted = endpoint != null && Roster.endpointMuted(endpoint);
      media.setMuted(muted);
      media.setGain(endpoint == null ? 0 : Roster.endpointGain(endpoint));
      String wanted = muted ? "muted-via-focus" : "connected";
      String status = endpoint == null ? null : Roster.endpointStatusOf(endpoint).orElse(null);
      if (status != null && !wanted.equals(status)) {
        roster.write(conferenceUri, Roster.endpointStatus(leg.entity(), leg.endpoint(), wanted));
      }
    }
  }

  /**
   * The controls as the conference has them once the roster's pending updates are written. Calls
   * that join together are applied together: one pass, not one per call. (A call that finds its
   * conference due wrote its roster entry before; the due work writes what is pending first.)
   */
  void later(String conferenceUri) {
    if (!due.add(conferenceUri)) {
      return;
    }
    roster.later(
        () -> {
          due.remove(conferenceUri);
          model
              .get(conferenceUri)
              .map(ConferenceObject::document)
              .ifPresent(document -> apply(conferenceUri, document));
        });
  }
}
