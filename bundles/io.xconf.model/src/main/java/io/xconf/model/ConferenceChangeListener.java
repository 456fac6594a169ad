package io.xconf.model;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register a service to hear of every committed change, in commit order, on one thread
 * of the model's. Listeners must return quickly; slow work belongs on their own threads.
 *
 * <p>When several nodes share the conferences, a listener hears the changes of the conferences this
 * node hosts, and those made here of conferences no node hosts: each change is acted on by one node
 * (the focus, the event package, webhooks). A listener registered with {@link #SCOPE}={@link
 * #EVERYWHERE} hears every change this node learns of, wherever it was made and whoever hosts the
 * conference (a view of conferences, such as the web console, or the schedule's timetable).
 */
@ConsumerType
public interface ConferenceChangeListener {

  /** Service property: which changes the listener hears. */
  String SCOPE = "xconf.changes";

  /** {@link #SCOPE}: every change this node learns of. */
  String EVERYWHERE = "everywhere";

  void changed(ConferenceChange change);
}
