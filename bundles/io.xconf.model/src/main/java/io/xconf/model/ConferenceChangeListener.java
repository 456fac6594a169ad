package io.xconf.model;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register a service to hear of every committed change, in commit order, on one thread
 * of the model's. Listeners must return quickly; slow work belongs on their own threads.
 */
@ConsumerType
public interface ConferenceChangeListener {

  void changed(ConferenceChange change);
}
