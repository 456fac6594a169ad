package io.xconf.focus.sip.internal;

import io.xconf.mixer.Mix;
import io.xconf.mixer.MixerControl;
import io.xconf.mixer.MixerException;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import javax.xml.namespace.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs now for each conference: its connected calls, its ringing dial-outs and its mix, and
 * the roster updates that follow them. The focus's parts share this one registry.
 */
final class LiveConferences {

  private static final Logger LOG = LoggerFactory.getLogger(LiveConferences.class);
  static final String ACTOR = "focus";
  private static final QName MIXER = new QName(Namespaces.XCONF, "mixer");

  private final ConferenceService model;
  private final Signalling sip;
  private final String defaultMixer;
  private final Map<String, MixerControl> mixers = new ConcurrentHashMap<>();
  private final Map<String, Mix> mixes = new ConcurrentHashMap<>();
  final Map<String, Call> calls = new ConcurrentHashMap<>();
  final Map<String, Outgoing> outgoing = new ConcurrentHashMap<>();
  private final Map<String, List<XmlElement>> pending = new LinkedHashMap<>();
  private final ExecutorService rosterWork =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "xconf-focus-roster");
            thread.setDaemon(true);
            return thread;
          });

  LiveConferences(ConferenceService model, Signalling sip, String defaultMixer) {
    this.model = model;
    this.sip = sip;
    this.defaultMixer = defaultMixer;
  }

  void addMixer(String name, MixerControl mixer) {
    mixers.put(name, mixer);
  }

  void removeMixer(String name, MixerControl mixer) {
    mixers.remove(name, mixer);
  }

  /** Whether a Call-ID is one of the focus's own calls, placed or answered. */
  boolean isCall(String callId) {
    return calls.containsKey(callId) || outgoing.containsKey(callId);
  }

  boolean hasMix(String conferenceUri) {
    return mixes.containsKey(conferenceUri);
  }

  /**
   * The conference's mix, created on first use with the mixer its document names ({@code
   * xconf:mixer} in conference-description, which clones inherit from their blueprint), else the
   * configured one.
   *
   * @throws MixerException when that mixer is not installed or has no room
   */
  Mix mixOf(String conferenceUri) throws MixerException {
    Mix existing = mixes.get(conferenceUri);
    if (existing != null) {
      return existing;
    }
    String name =
        model
            .get(conferenceUri)
            .flatMap(c -> c.document().child(Roster.DESCRIPTION).flatMap(d -> d.child(MIXER)))
            .map(XmlElement::text)
            .map(String::strip)
            .filter(text -> !text.isEmpty())
            .orElse(defaultMixer);
    MixerControl mixer = mixers.get(name);
    if (mixer == null) {
      throw new MixerException("no mixer named " + name + " is installed");
    }
    synchronized (mixes) {
      Mix raced = mixes.get(conferenceUri);
      if (raced != null) {
        return raced;
      }
      Mix mix = mixer.createMix(conferenceUri, null);
      mixes.put(conferenceUri, mix);
      return mix;
    }
  }

  /** Destroys the mix when no call and no ringing dial-out of the conference needs it. */
  void closeMixIfIdle(String conferenceUri) {
    boolean idle =
        calls.values().stream().noneMatch(c -> c.conferenceUri().equals(conferenceUri))
            && outgoing.values().stream().noneMatch(o -> o.conferenceUri().equals(conferenceUri));
    if (idle) {
      closeMix(conferenceUri);
    }
  }

  private void closeMix(String conferenceUri) {
    Mix mix = mixes.remove(conferenceUri);
    if (mix != null) {
      mix.close();
    }
  }

  /**
   * A roster update, in order with the others, off the SIP threads. Updates that pile up while the
   * roster thread writes are written together, one version and one durable write for all of a
   * conference's: a hundred dial-outs answering at once must not queue three hundred fsyncs.
   */
  void roster(String conferenceUri, XmlElement update) {
    synchronized (pending) {
      pending.computeIfAbsent(conferenceUri, uri -> new ArrayList<>()).add(update);
    }
    rosterWork.execute(this::writePending);
  }

  private void writePending() {
    Map<String, List<XmlElement>> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new LinkedHashMap<>(pending);
      pending.clear();
    }
    batch.forEach(
        (conferenceUri, updates) -> {
          try {
            model.update(conferenceUri, updates, ACTOR);
          } catch (ModelException e) {
            // One was refused (e.g. the conference is full): the others go on their own.
            for (XmlElement update : updates) {
              try {
                model.update(conferenceUri, update, ACTOR);
              } catch (ModelException refused) {
                LOG.debug("Roster of {} not written: {}", conferenceUri, refused.getMessage());
              }
            }
          }
        });
  }

  /** Frees a call's media and, when asked, takes it off the roster. */
  void ended(Call call, boolean updateRoster) {
    call.leg().leave();
    closeMixIfIdle(call.conferenceUri());
    if (updateRoster) {
      roster(
          call.conferenceUri(),
          Roster.left(call.entity(), call.endpoint(), call.userAddedByCall()));
    }
  }

  /** The focus ends a call: BYE, media freed. */
  void hangUp(Call call) {
    calls.remove(call.callId());
    sip.bye(call.dialog());
    ended(call, false);
  }

  /** A dial-out no longer wanted: CANCEL while it rings, BYE once connected. */
  void drop(String callId) {
    Outgoing ringing = callId == null ? null : outgoing.remove(callId);
    if (ringing != null) {
      cancel(ringing);
      ringing.progress().accept("487 Request Terminated");
      ringing.leg().leave();
      closeMixIfIdle(ringing.conferenceUri());
      if (ringing.userAddedByCall()) {
        roster(ringing.conferenceUri(), Roster.left(ringing.entity(), ringing.target(), true));
      }
      return;
    }
    Call call = callId == null ? null : calls.get(callId);
    if (call != null) {
      hangUp(call);
    }
  }

  /** CANCEL of a call the focus places, as well as it can. */
  void cancel(Outgoing ringing) {
    try {
      Request cancel = ringing.transaction().createCancel();
      sip.provider.getNewClientTransaction(cancel).sendRequest();
    } catch (Exception e) {
      LOG.debug("CANCEL of {} failed", ringing.target(), e);
    }
  }

  /**
   * Ends everything of a conference: ringing dial-outs cancelled, calls hung up (recorded as booted
   * with {@code reason} when given), the mix destroyed.
   */
  void endAll(String conferenceUri, String reason) {
    for (Outgoing ringing : List.copyOf(outgoing.values())) {
      if (ringing.conferenceUri().equals(conferenceUri)) {
        drop(ringing.callId());
      }
    }
    for (Call call : List.copyOf(calls.values())) {
      if (call.conferenceUri().equals(conferenceUri)) {
        hangUp(call);
        if (reason != null) {
          roster(
              conferenceUri,
              Roster.disconnected(call.entity(), call.endpoint(), "booted", now(), reason));
        }
      }
    }
    closeMix(conferenceUri);
  }

  /** RFC 6501's mute and gain controls onto the mix, and muted-via-focus onto the roster. */
  void applyControls(String conferenceUri, Optional<XmlElement> document) {
    if (document.isEmpty()) {
      return;
    }
    XmlElement current = document.get();
    Mix mix = mixes.get(conferenceUri);
    if (mix != null) {
      mix.setMuted(Roster.conferenceMuted(current));
      mix.setGain(Roster.conferenceGain(current));
    }
    for (Call call : calls.values()) {
      if (!call.conferenceUri().equals(conferenceUri)) {
        continue;
      }
      boolean muted = Roster.endpointMuted(current, call.entity(), call.endpoint());
      call.leg().setMuted(muted);
      call.leg().setGain(Roster.endpointGain(current, call.entity(), call.endpoint()));
      String wanted = muted ? "muted-via-focus" : "connected";
      if (!wanted.equals(
          Roster.endpointStatusOf(current, call.entity(), call.endpoint()).orElse(wanted))) {
        roster(conferenceUri, Roster.endpointStatus(call.entity(), call.endpoint(), wanted));
      }
    }
  }

  /** Work that updates the model, on the roster thread after its pending updates. */
  void later(Runnable work) {
    rosterWork.execute(work);
  }

  /** The controls as they are now, applied on the roster thread after its pending updates. */
  void applyControlsLater(String conferenceUri) {
    rosterWork.execute(
        () ->
            applyControls(conferenceUri, model.get(conferenceUri).map(ConferenceObject::document)));
  }

  void shutdown() {
    for (Call call : List.copyOf(calls.values())) {
      hangUp(call);
    }
    for (Outgoing ringing : List.copyOf(outgoing.values())) {
      drop(ringing.callId());
    }
    for (String conferenceUri : List.copyOf(mixes.keySet())) {
      closeMix(conferenceUri);
    }
    rosterWork.shutdown();
    try {
      rosterWork.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
