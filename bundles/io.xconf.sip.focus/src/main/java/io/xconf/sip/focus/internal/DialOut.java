package io.xconf.sip.focus.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import io.xconf.sip.LocationService;
import io.xconf.sip.Sip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the focus places (RFC 6501 allowed-users-list, {@code method="dial-out"}): each target is
 * called once while its conference runs and it is listed, if the {@link DialOutPolicy} lets it be
 * called, with the mixer's offer; what happens to the call goes into the roster.
 */
final class DialOut {

  private static final Logger LOG = LoggerFactory.getLogger(DialOut.class);

  /** How long a call the focus places may ring (RFC 3261 timer C is at least 3 minutes). */
  static final long RING_MILLIS = 180_000;

  private final FocusContext focus;
  private final Call.Refers refers;
  private final DialOutPolicy policy;
  private final Supplier<LocationService> locations;

  /** conference URI + " " + target: the targets called while listed, and their leg. */
  private final Map<String, Leg> dialled = new ConcurrentHashMap<>();

  /** A lock per conference with dial-out passes, so that they run one at a time. */
  private final Map<String, Object> passes = new ConcurrentHashMap<>();

  private final ExecutorService dialer =
      Executors.newFixedThreadPool(
          2,
          task -> {
            Thread thread = new Thread(task, "xconf-focus-dial-out");
            thread.setDaemon(true);
            return thread;
          });

  DialOut(
      FocusContext focus,
      Call.Refers refers,
      DialOutPolicy policy,
      Supplier<LocationService> locations) {
    this.focus = focus;
    this.refers = refers;
    this.policy = policy;
    this.locations = locations;
  }

  /**
   * Calls the listed targets of the conference as it is then, off the caller's thread. One pass at
   * a time per conference, each reading the document when it starts: two passes at once, each with
   * its own snapshot, would have the older one hang up on a target the newer one just called.
   */
  void later(String conferenceUri) {
    dialer.execute(
        () -> {
          synchronized (passes.computeIfAbsent(conferenceUri, uri -> new Object())) {
            focus
                .model
                .get(conferenceUri)
                .ifPresent(conference -> dialOuts(conferenceUri, conference.document()));
          }
        });
  }

  /** Why the focus may not call {@code target}; empty when it may. */
  Optional<String> refusal(String target) {
    try {
      return policy.refusal(focus.sip.addresses().createURI(target), focus.sip::isLocal);
    } catch (Exception e) {
      return Optional.of("not a URI the focus can call");
    }
  }

  /**
   * Calls a user the conference does not list as a dial-out target (a REFER, RFC 4579 section 5.5),
   * once, off the caller's thread; {@code progress} hears each status the callee answers with, and
   * "500 ..." when the call cannot be placed.
   */
  void invite(String conferenceUri, String target, Consumer<String> progress) {
    dialer.execute(
        () -> {
          try {
            XmlElement document = focus.model.get(conferenceUri).orElseThrow().document();
            dial(conferenceUri, document, target, null, progress);
          } catch (Exception e) {
            LOG.warn("Dialling {} for {} failed: {}", target, conferenceUri, e.toString());
            progress.accept("500 " + e.getMessage());
          }
        });
  }

  /** The conference is over or gone: its targets are called again should it come back. */
  void forget(String conferenceUri) {
    passes.remove(conferenceUri);
    dialled.keySet().removeIf(key -> key.startsWith(conferenceUri + " "));
  }

  void shutdown() {
    dialer.shutdownNow();
  }

  /** Calls the targets not called yet; ends the calls of those no longer listed. */
  private void dialOuts(String conferenceUri, XmlElement document) {
    if (!focus.schedule.isActive(document)) {
      return;
    }
    List<String> targets = Roster.dialOutTargets(document);
    boolean calls =
        targets.stream()
            .anyMatch(t -> !dialled.containsKey(conferenceUri + " " + UserIds.comparable(t)));
    // The node that hosts the conference calls; the first to get here takes it if none does.
    if (calls && !focus.hostHere(conferenceUri)) {
      return;
    }
    for (String target : targets) {
      String key = conferenceUri + " " + UserIds.comparable(target);
      if (dialled.putIfAbsent(key, NOT_YET) != null) {
        continue;
      }
      Optional<String> refusal = refusal(target);
      if (refusal.isPresent()) {
        LOG.info("Not calling {} for {}: {}", target, conferenceUri, refusal.get());
        focus.roster.write(
            conferenceUri,
            Roster.refused(
                entityOf(document, target),
                target,
                focus.now(),
                "403 dial-out policy: " + refusal.get()));
        continue;
      }
      try {
        dial(conferenceUri, document, target, key, status -> {});
      } catch (Exception e) {
        LOG.warn("Dialling {} for {} failed: {}", target, conferenceUri, e.toString());
        focus.roster.write(
            conferenceUri,
            Roster.disconnected(
                entityOf(document, target),
                target,
                "failed",
                focus.now(),
                "500 " + e.getMessage()));
      }
    }
    for (Map.Entry<String, Leg> entry : List.copyOf(dialled.entrySet())) {
      String key = entry.getKey();
      if (!key.startsWith(conferenceUri + " ")) {
        continue;
      }
      String target = key.substring(conferenceUri.length() + 1);
      if (targets.stream().noneMatch(t -> UserIds.comparable(t).equals(target))
          && dialled.remove(key, entry.getValue())) {
        entry.getValue().end("no longer a dial-out target", true);
      }
    }
  }

  /** Stands for a target being dialled, before its leg exists. */
  private static final Leg NOT_YET =
      new Leg() {
        @Override
        public String conferenceUri() {
          return "";
        }

        @Override
        public String entity() {
          return "";
        }

        @Override
        public String endpoint() {
          return "";
        }

        @Override
        public java.net.InetAddress source() {
          return null;
        }

        @Override
        public void end(String reason, boolean recorded) {}
      };

  /**
   * Places a call; {@code key} is its place among the conference's listed targets, null for a
   * referred one whose user, unless listed, leaves the roster with the call.
   */
  private void dial(
      String conferenceUri,
      XmlElement document,
      String target,
      String key,
      Consumer<String> progress)
      throws Exception {
    String entity = entityOf(document, target);
    boolean addedByCall = key == null && Roster.user(document, entity).isEmpty();
    Sip sip = focus.sip;
    Outgoing outgoing =
        new Outgoing(
            focus,
            refers,
            conferenceUri,
            target,
            entity,
            addedByCall,
            progress,
            (ringing, call) -> {
              if (key != null) {
                dialled.replace(key, ringing, call);
              }
            });
    LiveConferences.Refusal full = focus.live.take(outgoing, DialIn.maximumUsers(document));
    if (full != null) {
      progress.accept(full.status() + " " + full.reason());
      focus.roster.write(
          conferenceUri,
          Roster.ended(
              entity,
              target,
              addedByCall,
              "failed",
              focus.now(),
              full.status() + " " + full.reason()));
      if (key != null) {
        dialled.remove(key);
      }
      return;
    }
    CallIdHeader callId = sip.newCallId();
    MediaLeg media = null;
    try {
      media = focus.live.offer(outgoing, document, callId.getCallId());
      SipURI targetUri = sipUri(sip.addresses().createURI(target));
      SipURI requestUri = reachable(targetUri);
      String transport = sip.transportToward(requestUri);
      FromHeader from =
          sip.headers()
              .createFromHeader(
                  sip.addresses().createAddress(focus.conferenceSipUri(conferenceUri)),
                  sip.newTag());
      ToHeader to = sip.headers().createToHeader(sip.addresses().createAddress(targetUri), null);
      Request invite =
          sip.messages()
              .createRequest(
                  requestUri,
                  Request.INVITE,
                  callId,
                  sip.headers().createCSeqHeader(1L, Request.INVITE),
                  from,
                  to,
                  new ArrayList<>(List.of(sip.via(transport))),
                  sip.headers().createMaxForwardsHeader(70),
                  sip.headers().createContentTypeHeader("application", "sdp"),
                  media.localSdp());
      invite.addHeader(focus.contactAt(conferenceUri, transport));
      if (key != null) {
        dialled.put(key, outgoing);
      }
      if (!outgoing.offered(media)) {
        // Ended before it was sent (its end wrote the roster): nothing goes out, and its place
        // (taken again by the offer) is given back.
        media.leave();
        focus.live.leave(outgoing);
        if (key != null) {
          dialled.remove(key, outgoing);
        }
        return;
      }
      focus.roster.write(conferenceUri, Roster.dialing(entity, target, "dialing-out"));
      outgoing.sent(sip.open(invite, outgoing, outgoing));
      LOG.debug("Dialling {} into {}", target, conferenceUri);
    } catch (Exception e) {
      if (media != null) {
        media.leave();
      }
      focus.live.leave(outgoing);
      if (key != null) {
        dialled.replace(key, outgoing, NOT_YET);
      }
      throw e;
    }
  }

  /** A SIP URI for a target: a tel: number the operator allows goes to the domain's proxy. */
  private SipURI sipUri(URI target) throws Exception {
    if (target instanceof SipURI sip) {
      return sip;
    }
    if (target instanceof TelURL tel) {
      SipURI number = focus.sip.addresses().createSipURI(tel.getPhoneNumber(), focus.sip.domain());
      number.setUserParam("phone");
      return number;
    }
    throw new IllegalArgumentException("not a SIP or tel URI: " + target);
  }

  /** Where to send a request for a target: a user registered here at its contact. */
  SipURI reachable(SipURI target) {
    LocationService location = locations.get();
    return location == null ? target : location.contactOf(target).orElse(target);
  }

  /** Ends calls that ring too long (RFC 3261 timer C). */
  void expire(long nowMillis) {
    for (Leg leg : focus.live.all()) {
      if (leg instanceof Outgoing ringing && nowMillis - ringing.sinceMillis() >= RING_MILLIS) {
        ringing.ringTooLong();
      }
    }
  }

  /** The user a target stands for: the conference's, an account's, or one derived from it. */
  String entityOf(XmlElement document, String target) {
    return Roster.userFor(document, target)
        .orElseGet(
            () ->
                focus
                    .model
                    .userIdOf(target)
                    .orElseGet(() -> UserIds.derived(target, focus.sip.domain())));
  }
}
