package io.xconf.mixer;

import java.nio.file.Path;
import java.util.Collection;
import org.osgi.annotation.versioning.ProviderType;

/** The mix of one conference: every leg hears all the others, never itself. */
@ProviderType
public interface Mix extends AutoCloseable {

  String conferenceUri();

  /**
   * Joins a participant who sent an SDP offer (a dial-in): the leg's {@link MediaLeg#localSdp()} is
   * the answer.
   *
   * @param legId the caller's identifier in events (the focus uses the call's dialog)
   * @throws SdpException when the offer has nothing this mixer can take (the focus answers 488)
   * @throws MixerException when no media ports are free
   */
  MediaLeg join(String legId, String sdpOffer) throws SdpException, MixerException;

  /**
   * Prepares a leg for a call the focus places (a dial-out): {@link MediaLeg#localSdp()} is the
   * offer, and {@link MediaLeg#answer(String)} completes it.
   */
  MediaLeg offer(String legId) throws MixerException;

  /**
   * The codecs legs joined or re-offered from now on may use; legs keep what they agreed.
   * Implementations that cannot choose leave it to their own negotiation.
   */
  default void setCodecPolicy(CodecPolicy policy) {}

  /** The legs joined now. */
  Collection<MediaLeg> legs();

  /** Mutes the whole conference: nobody's audio is mixed (RFC 6501 available-media controls). */
  void setMuted(boolean muted);

  /** Gain of what every leg hears, in dB (RFC 6501 gain, -127 to 127). */
  void setGain(int decibels);

  /**
   * Starts writing what the mix carries (every mixed participant, as a listener who is not among
   * them hears it) to a new file, in a format the mixer names by its extension.
   *
   * @throws MixerException when the mixer cannot record, or not to that file
   */
  Recording record(Path file) throws MixerException;

  /** Destroys the mix: every leg leaves, its ports are freed. Idempotent. */
  @Override
  void close();
}
