package io.xconf.store;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: hears when this node starts or stops hosting a conference without having asked for
 * it. Called on the hosting's own thread; must return quickly.
 */
@ConsumerType
public interface HostingListener {

  /**
   * This node took the conference over from a node whose lease lapsed (it stopped or died): what
   * that node had live (calls, subscriptions) is gone, and the conference is to be served here.
   */
  void takenOver(String conferenceUri);

  /**
   * This node could not renew the lease in time, so another node may host the conference now: stop
   * serving it here at once (end its calls without writing to its roster).
   */
  void lost(String conferenceUri);
}
