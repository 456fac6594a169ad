package io.xconf.schedule.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.Namespaces;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import io.xconf.schedule.ConferenceActivityListener;
import io.xconf.schedule.ConferenceSchedule;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.xml.namespace.QName;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConferenceSchedule}: follows every conference's changes, keeps the timers of their
 * starts and ends, and tells the {@link ConferenceActivityListener} services.
 */
@Component(
    immediate = true,
    service = {ConferenceSchedule.class, ConferenceChangeListener.class},
    // Every node keeps the whole timetable: a conference starts on time even when the node that
    // made its last change is gone.
    property = ConferenceChangeListener.SCOPE + "=" + ConferenceChangeListener.EVERYWHERE)
public final class ScheduleComponent
    implements ConferenceSchedule, ConferenceChangeListener, ConferenceActivityListener {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleComponent.class);
  private static final QName DESCRIPTION =
      new QName(Namespaces.CONFERENCE_INFO, "conference-description");
  private static final QName CONFERENCE_TIME = new QName(Namespaces.XCON, "conference-time");

  private final ConferenceService model;
  private final Timetable timetable;

  // Service objects, taken only to tell: the listeners (the focus among them) need this service.
  @Reference(
      service = ConferenceActivityListener.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile List<ComponentServiceObjects<ConferenceActivityListener>> listeners = List.of();

  @Activate
  public ScheduleComponent(@Reference ConferenceService model) {
    this.model = model;
    Clock clock = Clock.systemUTC();
    this.timetable =
        new Timetable(
            clock,
            new ExecutorTimers(clock),
            this,
            uri ->
                model
                    .get(uri)
                    .filter(o -> o.kind() == ObjectKind.CONFERENCE)
                    .map(ConferenceObject::document));
    for (ConferenceObject conference : model.conferences()) {
      timetable.load(conference.uri(), conference.document());
    }
  }

  @Deactivate
  void deactivate() {
    timetable.shutdown();
  }

  @Override
  public Instant now() {
    return timetable.now();
  }

  @Override
  public void changed(ConferenceChange change) {
    if (change.kind() == ConferenceChange.Kind.DELETED || change.after() == null) {
      timetable.deleted(change.uri());
      return;
    }
    if (change.before() != null
        && conferenceTime(change.before()).equals(conferenceTime(change.after()))) {
      return; // most changes (every roster write) leave the times alone: timers stand
    }
    boolean conference =
        model.get(change.uri()).map(o -> o.kind() == ObjectKind.CONFERENCE).orElse(false);
    if (conference) {
      timetable.changed(change.uri(), change.after());
    }
  }

  @Override
  public void started(String conferenceUri) {
    LOG.debug("{} is on", conferenceUri);
    tell(listener -> listener.started(conferenceUri));
  }

  @Override
  public void ended(String conferenceUri) {
    LOG.debug("{} is off", conferenceUri);
    tell(listener -> listener.ended(conferenceUri));
  }

  private void tell(Consumer<ConferenceActivityListener> event) {
    for (ComponentServiceObjects<ConferenceActivityListener> objects : listeners) {
      ConferenceActivityListener listener = objects.getService();
      if (listener == null) {
        continue; // gone meanwhile
      }
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.error("A conference activity listener failed", e);
      } finally {
        objects.ungetService(listener);
      }
    }
  }

  /** What activation reads of a document: its conference-time (RFC 6501 section 4.5.1). */
  private static Optional<XmlElement> conferenceTime(XmlElement document) {
    return document.child(DESCRIPTION).flatMap(d -> d.child(CONFERENCE_TIME));
  }
}
