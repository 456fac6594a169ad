package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.XmlElement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 6501's mute and gain controls onto the mix, and muted-via-focus onto the roster; the callers'
 * own controls (*6).
 */
final class Controls {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Controls.class);

  private final ConferenceService model;
  private final RosterWriter roster;
  private final LiveConferences live;
  private final Prompts prompts;
  private final PinFailures pinFailures;
  private final Recordings recordings;

  /** Conferences whose controls are due once the roster is written: each there once. */
  private final Set<String> due = ConcurrentHashMap.newKeySet();

  Controls(
      ConferenceService model,
      RosterWriter roster,
      LiveConferences live,
      Prompts prompts,
      PinFailures pinFailures,
      Recordings recordings) {
    this.recordings = recordings;
    this.model = model;
    this.roster = roster;
    this.live = live;
    this.prompts = prompts;
    this.pinFailures = pinFailures;
  }

  void apply(String conferenceUri, XmlElement document) {
    recordings.apply(conferenceUri, document);
    live.mix(conferenceUri)
        .ifPresent(
            mix -> {
              mix.setMuted(Roster.conferenceMuted(document));
              mix.setGain(Roster.conferenceGain(document));
            });
    // One pass over the document, then a lookup per leg: a conference of hundreds of calls.
    Map<String, Map<String, XmlElement>> endpoints = Roster.endpointsByUser(document);
    for (Leg leg : live.legs(conferenceUri)) {
      if (!(leg instanceof Call call) || call.media() == null || !call.inConference()) {
        continue; // waiting, keying its PIN, or on its way out: not the conference's to control
      }
      MediaLeg media = call.media();
      XmlElement endpoint = endpoints.getOrDefault(leg.entity(), Map.of()).get(leg.endpoint());
      boolean muted = endpoint != null && Roster.endpointMuted(endpoint) || call.selfMuted();
      media.setMuted(muted);
      media.setGain(endpoint == null ? 0 : Roster.endpointGain(endpoint));
      String wanted = muted ? "muted-via-focus" : "connected";
      String status = endpoint == null ? null : Roster.endpointStatusOf(endpoint).orElse(null);
      if (status != null && !wanted.equals(status)) {
        roster.write(conferenceUri, Roster.endpointStatus(leg.entity(), leg.endpoint(), wanted));
      }
    }
  }

  /** How long after * its second key may come. */
  private static final long STAR_WITHIN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

  /**
   * A digit a caller keyed. *6 mutes the caller, and unmutes it if it muted itself; a caller a
   * moderator muted (RFC 6501 controls in the conference) stays muted until a moderator says
   * otherwise, however often it keys *6.
   */
  void keyed(Call call, char digit) {
    if (call.pinPending()) {
      pinKeyed(call, digit);
      return;
    }
    if (!call.inConference()) {
      return; // a caller waiting for a moderator keys nothing here
    }
    if (!call.completesStar(digit, '6', System.nanoTime(), STAR_WITHIN_NANOS)) {
      return;
    }
    String conferenceUri = call.conferenceUri();
    XmlElement document = model.get(conferenceUri).map(ConferenceObject::document).orElse(null);
    MediaLeg media = call.media();
    if (document == null || media == null) {
      return;
    }
    XmlElement endpoint =
        Roster.endpointsByUser(document).getOrDefault(call.entity(), Map.of()).get(call.endpoint());
    if (endpoint != null && Roster.endpointMuted(endpoint)) {
      LOG.debug("{} keyed *6 but a moderator muted it", call.endpoint());
      return;
    }
    boolean muted = !call.selfMuted();
    call.selfMuted(muted);
    media.setMuted(muted);
    media.stopPlaying();
    prompts.get(muted ? Prompts.MUTED : Prompts.UNMUTED).ifPresent(media::play);
    roster.write(
        conferenceUri,
        Roster.endpointStatus(
            call.entity(), call.endpoint(), muted ? "muted-via-focus" : "connected"));
    LOG.debug("{} {} itself in {}", call.endpoint(), muted ? "muted" : "unmuted", conferenceUri);
  }

  /**
   * A key of a caller keying its PIN (RFC 6501 section 4.2.6, the conference-password of its SIP
   * way in): a right PIN lets it into the mix, connected; a wrong one is said so; the third ends
   * the call.
   */
  private void pinKeyed(Call call, char digit) {
    MediaLeg media = call.media();
    if (media == null) {
      return;
    }
    if (digit == '#' && pinFailures.barred(call.source(), System.currentTimeMillis())) {
      call.pinFailed(); // this address has guessed enough: no PIN is compared for it now
      return;
    }
    switch (call.keyPin(digit)) {
      case MORE -> {}
      case RIGHT -> {
        media.stopPlaying();
        media.setInMix(true);
        roster.write(
            call.conferenceUri(),
            Roster.endpointStatus(call.entity(), call.endpoint(), "connected"));
        later(call.conferenceUri());
        call.tellIfRecorded();
        LOG.debug("{} keyed the PIN of {}", call.endpoint(), call.conferenceUri());
      }
      case WRONG -> {
        pinFailures.failed(call.source(), System.currentTimeMillis());
        media.stopPlaying();
        prompts.get(Prompts.WRONG_PIN).ifPresent(media::play);
      }
      case FAILED -> {
        pinFailures.failed(call.source(), System.currentTimeMillis());
        call.pinFailed();
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
