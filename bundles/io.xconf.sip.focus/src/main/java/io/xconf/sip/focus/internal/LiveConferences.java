package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.Mix;
import io.xconf.mixer.MixListener;
import io.xconf.mixer.MixerControl;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.SdpException;
import io.xconf.mixer.Speaker;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import io.xconf.sip.focus.SpeakerListener;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.message.Response;
import javax.xml.namespace.QName;

/**
 * What runs now, conference by conference: the legs, their mixes, and the limits they count against
 * (a conference's maximum-user-count, a source's concurrent calls).
 */
final class LiveConferences {

  private static final QName MIXER = new QName(Namespaces.XCONF, "mixer");

  /** Why a leg was not taken in. */
  record Refusal(int status, String reason) {}

  private final String defaultMixer;
  private final int maxPerSource;
  private final Map<String, MixerControl> mixers = new ConcurrentHashMap<>();
  private final Map<String, LiveConference> byUri = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perSource = new ConcurrentHashMap<>();

  /**
   * The legs in the mixes by conference and the mixer's leg id (the Call-ID, which callers choose:
   * the same in two conferences must not mix them up), for the mixers' speaker reports.
   */
  private final Map<String, Leg> byLegId = new ConcurrentHashMap<>();

  private final MixListener mixEvents;

  /**
   * @param speakers told who is heard in each mix, by roster endpoint
   * @param keyed told of every digit a leg keys (RFC 4733)
   */
  LiveConferences(
      String defaultMixer,
      int maxPerSource,
      SpeakerListener speakers,
      java.util.function.BiConsumer<Leg, Character> keyed) {
    this.mixEvents =
        new MixListener() {
          @Override
          public void dtmf(String conferenceUri, String legId, char digit) {
            Leg leg = byLegId.get(conferenceUri + " " + legId);
            if (leg != null) {
              keyed.accept(leg, digit);
            }
          }

          @Override
          public void speakers(String conferenceUri, List<Speaker> mixed) {
            List<String> endpoints = new ArrayList<>(mixed.size());
            for (Speaker speaker : mixed) {
              Leg leg = byLegId.get(conferenceUri + " " + speaker.legId());
              if (leg != null) {
                endpoints.add(leg.endpoint());
              }
            }
            speakers.speaking(conferenceUri, endpoints);
          }
        };
    this.defaultMixer = defaultMixer;
    this.maxPerSource = maxPerSource;
  }

  void addMixer(String name, MixerControl mixer) {
    mixers.put(name, mixer);
  }

  void removeMixer(String name, MixerControl mixer) {
    mixers.remove(name, mixer);
  }

  /**
   * Takes a leg into its conference, unless that has {@code maxLegs} already or the leg's source
   * has {@link #maxPerSource} legs anywhere; null when taken.
   */
  Refusal take(Leg leg, int maxLegs) {
    InetAddress source = leg.source();
    if (source != null && perSource.merge(source, 1, Integer::sum) > maxPerSource) {
      release(source);
      return new Refusal(Response.SERVICE_UNAVAILABLE, "too many calls from one address");
    }
    boolean[] taken = {false};
    byUri.compute(
        leg.conferenceUri(),
        (uri, live) -> {
          LiveConference conference = live == null ? new LiveConference() : live;
          taken[0] = conference.add(leg, maxLegs);
          return conference.isIdle() ? null : conference;
        });
    if (!taken[0]) {
      if (source != null) {
        release(source);
      }
      return new Refusal(Response.BUSY_HERE, "the conference is full");
    }
    return null;
  }

  /** A leg that became another: it keeps its place. */
  void replace(Leg old, Leg now) {
    LiveConference conference = byUri.get(old.conferenceUri());
    if (conference != null) {
      conference.replace(old, now);
    }
    byLegId.replaceAll((legId, leg) -> leg == old ? now : leg);
  }

  /** Told of each conference whose mix closed with its last leg. */
  private volatile java.util.function.Consumer<String> mixClosed = uri -> {};

  void onMixClosed(java.util.function.Consumer<String> listener) {
    mixClosed = listener;
  }

  /** Gives a leg's place back; the mix closes with the conference's last leg. */
  void leave(Leg leg) {
    byLegId.values().remove(leg);
    boolean[] was = {false};
    boolean[] closed = {false};
    byUri.computeIfPresent(
        leg.conferenceUri(),
        (uri, conference) -> {
          was[0] = conference.legs().contains(leg);
          closed[0] = conference.remove(leg);
          return closed[0] ? null : conference;
        });
    if (closed[0]) {
      mixClosed.accept(leg.conferenceUri());
    }
    if (was[0] && leg.source() != null) {
      release(leg.source());
    }
  }

  private void release(InetAddress source) {
    perSource.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
  }

  /**
   * Joins a caller's offer to its conference's mix, made with the mixer its document names ({@code
   * xconf:mixer} in conference-description, inherited from the blueprint) or the default.
   */
  MediaLeg join(Leg leg, XmlElement document, String legId, String offer)
      throws SdpException, MixerException {
    byLegId.put(leg.conferenceUri() + " " + legId, leg);
    Mix mix = mixFor(leg, document);
    mix.setCodecPolicy(Roster.codecPolicy(document));
    return mix.join(legId, offer);
  }

  /** A dial-out's media: the mixer's offer. */
  MediaLeg offer(Leg leg, XmlElement document, String legId) throws MixerException {
    byLegId.put(leg.conferenceUri() + " " + legId, leg);
    Mix mix = mixFor(leg, document);
    mix.setCodecPolicy(Roster.codecPolicy(document));
    return mix.offer(legId);
  }

  private Mix mixFor(Leg leg, XmlElement document) throws MixerException {
    LiveConference conference = byUri.get(leg.conferenceUri());
    if (conference == null) {
      throw new MixerException("the call has ended");
    }
    String name =
        document
            .child(Roster.DESCRIPTION)
            .flatMap(d -> d.child(MIXER))
            .map(XmlElement::text)
            .map(String::strip)
            .filter(text -> !text.isEmpty())
            .orElse(defaultMixer);
    return conference.mix(
        leg,
        () -> {
          MixerControl mixer = mixers.get(name);
          if (mixer == null) {
            throw new MixerException("no mixer named " + name + " is installed");
          }
          return mixer.createMix(leg.conferenceUri(), mixEvents);
        });
  }

  Optional<Mix> mix(String conferenceUri) {
    return Optional.ofNullable(byUri.get(conferenceUri)).map(LiveConference::currentMix);
  }

  List<Leg> legs(String conferenceUri) {
    LiveConference conference = byUri.get(conferenceUri);
    return conference == null ? List.of() : conference.legs();
  }

  List<Leg> all() {
    List<Leg> all = new ArrayList<>();
    byUri.values().forEach(conference -> all.addAll(conference.legs()));
    return all;
  }

  /** Calls in progress, in every conference, whatever their state. */
  int calls() {
    int calls = 0;
    for (LiveConference conference : byUri.values()) {
      calls += conference.legs().size();
    }
    return calls;
  }

  /** Conferences with at least one call in progress. */
  int conferences() {
    int conferences = 0;
    for (LiveConference conference : byUri.values()) {
      if (!conference.isIdle()) {
        conferences++;
      }
    }
    return conferences;
  }

  /** Ends every leg of a conference; {@code reason} for the roster, null when it is gone. */
  void endAll(String conferenceUri, String reason) {
    for (Leg leg : legs(conferenceUri)) {
      leg.end(reason, false);
    }
  }
}
