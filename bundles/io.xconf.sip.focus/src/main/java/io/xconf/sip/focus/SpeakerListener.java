package io.xconf.sip.focus;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told who is heard in a conference's mix, as the mixer reports it (loudest first), by roster
 * endpoint: the address a dial-out called or what a caller's From said. Registered as a service;
 * called on the mixer's event thread, so it must return quickly.
 */
@ConsumerType
public interface SpeakerListener {

  /**
   * @param endpoints the endpoints mixed now, loudest first; empty when nobody speaks
   */
  void speaking(String conferenceUri, List<String> endpoints);
}
