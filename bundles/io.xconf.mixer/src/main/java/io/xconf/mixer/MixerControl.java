package io.xconf.mixer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A mixer: registered as a service with the {@link #NAME} property, it creates one {@link Mix} per
 * conference.
 */
@ConsumerType
public interface MixerControl {

  /** Service property naming the implementation, e.g. {@code embedded}. */
  String NAME = "xconf.mixer.name";

  /**
   * Creates the mix of a conference.
   *
   * @param conferenceUri the conference's XCON-URI, for events and logs
   * @param listener told who speaks and how each participant's media fares; called on a thread of
   *     the mixer that is not its media clock, so a slow listener never delays audio
   * @throws MixerException when the mixer has no room for another mix
   */
  Mix createMix(String conferenceUri, MixListener listener) throws MixerException;
}
