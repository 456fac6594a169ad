package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.XmlElement;

/** RFC 6501's mute and gain controls onto the mix, and muted-via-focus onto the roster. */
final class Controls {

  private final ConferenceService model;
  private final RosterWriter roster;
  private final LiveConferences live;

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
    for (Leg leg : live.legs(conferenceUri)) {
      MediaLeg media = leg instanceof Call call ? call.media() : null;
      if (media == null) {
        continue;
      }
      boolean muted = Roster.endpointMuted(document, leg.entity(), leg.endpoint());
      media.setMuted(muted);
      media.setGain(Roster.endpointGain(document, leg.entity(), leg.endpoint()));
      String wanted = muted ? "muted-via-focus" : "connected";
      if (!wanted.equals(
          Roster.endpointStatusOf(document, leg.entity(), leg.endpoint()).orElse(wanted))) {
        roster.write(conferenceUri, Roster.endpointStatus(leg.entity(), leg.endpoint(), wanted));
      }
    }
  }

  /** The controls as the conference has them once the roster's pending updates are written. */
  void later(String conferenceUri) {
    roster.later(
        () ->
            model
                .get(conferenceUri)
                .map(ConferenceObject::document)
                .ifPresent(document -> apply(conferenceUri, document)));
  }
}
