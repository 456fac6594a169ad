package io.xconf.sip.focus.internal;

import io.xconf.model.ConferenceService;
import io.xconf.schedule.ConferenceSchedule;
import io.xconf.sip.Sip;
import io.xconf.store.ConferenceHosting;
import io.xconf.store.StoreException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;

/** What the focus's parts share: the stack, the model, the schedule, the roster, the legs. */
final class FocusContext {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FocusContext.class);

  final Sip sip;
  final ConferenceService model;
  final ConferenceSchedule schedule;
  final RosterWriter roster;
  final LiveConferences live;
  final Controls controls;
  final ConferenceHosting hosting;
  final Prompts prompts;
  final Recordings recordings;
  final PinFailures pinFailures;
  private final java.util.concurrent.ScheduledExecutorService timers;

  /** What the focus holds a conference on this node as (beside the event package). */
  static final String HOLDER = "focus";

  FocusContext(
      Sip sip,
      ConferenceService model,
      ConferenceSchedule schedule,
      RosterWriter roster,
      LiveConferences live,
      ConferenceHosting hosting,
      Prompts prompts,
      java.nio.file.Path recordingFolder,
      String recordingBaseUrl,
      PinFailures pinFailures,
      java.util.concurrent.ScheduledExecutorService timers) {
    this.pinFailures = pinFailures;
    this.timers = timers;
    this.prompts = prompts;
    this.sip = sip;
    this.model = model;
    this.schedule = schedule;
    this.roster = roster;
    this.live = live;
    this.hosting = hosting;
    this.recordings =
        new Recordings(
            recordingFolder, recordingBaseUrl, model, roster, live, prompts, schedule::now);
    this.controls = new Controls(model, roster, live, prompts, pinFailures, recordings);
    live.onMixClosed(recordings::mixClosed);
  }

  /**
   * Whether the focus acts for the conference here: this node hosts it, taking it when no node
   * does. Another node hosting it, or the leases out of reach, is a no.
   */
  boolean hostHere(String conferenceUri) {
    try {
      return hosting.host(conferenceUri, HOLDER);
    } catch (StoreException e) {
      LOG.warn("Cannot tell whether {} is hosted here: {}", conferenceUri, e.getMessage());
      return false;
    }
  }

  /**
   * The focus's Contact in the dialogs callers and watchers start: the conference's SIP URI with
   * isfocus (RFC 4579 section 5). Clients take it for the conference's identity and expect the
   * conference-info entity to be the same URI (liblinphone drops NOTIFYs otherwise); a Record-Route
   * beside it brings their requests here however the domain resolves.
   */
  ContactHeader contact(String conferenceUri) {
    return focusContact(conferenceSipUri(conferenceUri));
  }

  /**
   * The Contact of the calls the focus places: at its own address, as the callee has no route to
   * the focus but the Contact (the focus record-routes only what it answers).
   */
  ContactHeader contactAt(String conferenceUri, String transport) {
    return focusContact(sip.localUri(conferenceId(conferenceUri), transport));
  }

  private ContactHeader focusContact(SipURI uri) {
    try {
      ContactHeader contact = sip.headers().createContactHeader(sip.addresses().createAddress(uri));
      contact.setParameter("isfocus", null);
      return contact;
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the focus's Contact", e);
    }
  }

  /** The conference's own SIP URI as From of what the focus sends for it. */
  SipURI conferenceSipUri(String conferenceUri) {
    try {
      return sip.addresses().createSipURI(conferenceId(conferenceUri), sip.domain());
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the conference's SIP URI", e);
    }
  }

  /** The id part of an XCON-URI, which is also the user part of the conference's SIP URI. */
  static String conferenceId(String xconUri) {
    return xconUri.substring("xcon:".length(), xconUri.indexOf('@'));
  }

  /** Runs a task on the focus's timer thread after a while. */
  void later(Runnable task, long millis) {
    try {
      timers.schedule(task, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // the focus is going away: nothing more to play or wait for
    }
  }

  /** Now, to the second, as the roster writes times. */
  String now() {
    Instant now = schedule.now();
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
