package io.xconf.sip.focus.internal;

import io.xconf.mixer.Mix;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.Recording;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.xml.namespace.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recording of conferences: {@code <xconf:recording>on</xconf:recording>} in a conference's
 * description records its mix while it has one, each stretch to a WAV file of its own under the
 * recordings folder, {@code <conference id>/<start time>.wav}. Each is listed in the conference
 * object ({@code xconf:recordings/xconf:entry} with {@code uri}, {@code started}, {@code ended});
 * every participant hears the recording prompt when one starts. Files outlive their conference:
 * only an operator removes them.
 */
final class Recordings {

  private static final Logger LOG = LoggerFactory.getLogger(Recordings.class);

  static final QName RECORDING = new QName(Namespaces.XCONF, "recording");
  static final QName RECORDINGS = new QName(Namespaces.XCONF, "recordings");
  static final QName ENTRY = new QName(Namespaces.XCONF, "entry");
  static final QName URI = new QName(Namespaces.XCONF, "uri");
  static final QName STARTED = new QName(Namespaces.XCONF, "started");
  static final QName ENDED = new QName(Namespaces.XCONF, "ended");

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private record Active(Mix mix, Recording recording, String uri) {}

  private final Path folder;
  private final String baseUrl;
  private final ConferenceService model;
  private final RosterWriter roster;
  private final LiveConferences live;
  private final Prompts prompts;
  private final Supplier<Instant> clock;
  private final Map<String, Active> active = new ConcurrentHashMap<>();

  /**
   * @param folder where recordings go; null when this node records nothing
   * @param baseUrl what a file's name is appended to for its uri, e.g. {@code
   *     https://example.com:8443/recordings/}
   */
  Recordings(
      Path folder,
      String baseUrl,
      ConferenceService model,
      RosterWriter roster,
      LiveConferences live,
      Prompts prompts,
      Supplier<Instant> clock) {
    this.folder = folder;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.model = model;
    this.roster = roster;
    this.live = live;
    this.prompts = prompts;
    this.clock = clock;
  }

  /** Whether the conference is being recorded here now. */
  boolean recording(String conferenceUri) {
    return active.containsKey(conferenceUri);
  }

  /** Whether the document asks for recording. */
  static boolean wanted(XmlElement document) {
    return document
        .child(Roster.DESCRIPTION)
        .flatMap(description -> description.child(RECORDING))
        .map(XmlElement::text)
        .map(text -> text == null ? "" : text.strip())
        .filter(text -> text.equals("on") || text.equals("true"))
        .isPresent();
  }

  /**
   * Starts or stops the conference's recording as its document says, after its mix's life (run on
   * the roster's thread, as the controls are).
   */
  void apply(String conferenceUri, XmlElement document) {
    Optional<Mix> mix = live.mix(conferenceUri);
    Active current = active.get(conferenceUri);
    boolean wanted = wanted(document) && folder != null;
    if (current != null && (!wanted || mix.isEmpty() || mix.get() != current.mix())) {
      stop(conferenceUri, current);
      current = null;
    }
    if (wanted && mix.isPresent() && current == null) {
      start(conferenceUri, mix.get());
    }
  }

  /** The conference's mix closed (its last call left): its recording ended with it. */
  void mixClosed(String conferenceUri) {
    Active current = active.get(conferenceUri);
    if (current != null) {
      roster.later(() -> stop(conferenceUri, current));
    }
  }

  private void start(String conferenceUri, Mix mix) {
    String id = FocusContext.conferenceId(conferenceUri);
    Instant now = clock.get().truncatedTo(ChronoUnit.SECONDS);
    String name = FILE_TIME.format(now) + ".wav";
    Path file = folder.resolve(id).resolve(name);
    try {
      Files.createDirectories(file.getParent());
      for (int n = 2; Files.exists(file); n++) {
        name = FILE_TIME.format(now) + "-" + n + ".wav";
        file = folder.resolve(id).resolve(name);
      }
      Recording recording = mix.record(file);
      String uri = baseUrl + id + "/" + name;
      active.put(conferenceUri, new Active(mix, recording, uri));
      list(conferenceUri, uri, now.toString(), null);
      prompts
          .get(Prompts.RECORDING)
          .ifPresent(
              sound -> {
                for (Leg leg : live.legs(conferenceUri)) {
                  if (leg instanceof Call call && call.media() != null && call.inConference()) {
                    call.media().play(sound);
                  }
                }
              });
      LOG.info("Recording {} to {}", conferenceUri, file);
    } catch (IOException | MixerException e) {
      LOG.error("Cannot record {} to {}: {}", conferenceUri, file, e.getMessage());
    }
  }

  private void stop(String conferenceUri, Active current) {
    if (!active.remove(conferenceUri, current)) {
      return;
    }
    current.recording().stop();
    list(
        conferenceUri, current.uri(), null, clock.get().truncatedTo(ChronoUnit.SECONDS).toString());
    LOG.info("Recording of {} ended: {}", conferenceUri, current.recording().file());
  }

  /** Writes the entry of a recording (new, or its end) into the conference's list. */
  private void list(String conferenceUri, String uri, String started, String ended) {
    // After the writes queued before: a start and its end read each other's.
    roster.later(() -> listNow(conferenceUri, uri, started, ended));
  }

  private void listNow(String conferenceUri, String uri, String started, String ended) {
    XmlElement document = model.get(conferenceUri).map(ConferenceObject::document).orElse(null);
    if (document == null) {
      return; // deleted: the file stays, its listing went with the conference
    }
    List<XmlElement> entries =
        new ArrayList<>(
            document
                .child(Roster.DESCRIPTION)
                .flatMap(description -> description.child(RECORDINGS))
                .map(recordings -> recordings.children(ENTRY))
                .orElse(List.of()));
    if (started != null) {
      entries.add(
          XmlElement.of(ENTRY)
              .withChildren(List.of(XmlElement.leaf(URI, uri), XmlElement.leaf(STARTED, started))));
    } else {
      entries.replaceAll(
          entry ->
              uri.equals(entry.child(URI).map(XmlElement::text).orElse(null))
                      && entry.child(ENDED).isEmpty()
                  ? entry.withChild(XmlElement.leaf(ENDED, ended))
                  : entry);
    }
    roster.write(
        conferenceUri,
        XmlElement.of(Roster.CONFERENCE_INFO)
            .withChildren(
                List.of(
                    XmlElement.of(Roster.DESCRIPTION)
                        .withChildren(List.of(XmlElement.of(RECORDINGS).withChildren(entries))))));
  }
}
