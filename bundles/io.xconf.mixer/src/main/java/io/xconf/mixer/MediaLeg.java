package io.xconf.mixer;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** One participant's media in a {@link Mix}. */
@ProviderType
public interface MediaLeg {

  String id();

  /**
   * The mixer's side of the SDP exchange: the answer to a dial-in's offer, or a dial-out's offer.
   */
  String localSdp();

  /**
   * The participant's answer to the mixer's offer (dial-out).
   *
   * @throws SdpException when the answer picks nothing the offer had
   */
  void answer(String sdpAnswer) throws SdpException;

  /**
   * A new offer within the call (hold, resume, a codec or address change).
   *
   * @return the answer
   * @throws SdpException when nothing in it is acceptable; the leg then keeps its media as it was
   */
  String reoffer(String sdpOffer) throws SdpException;

  /** Whether this participant's audio reaches the others (RFC 6501 to-mixer AudioIn controls). */
  void setMuted(boolean muted);

  boolean isMuted();

  /**
   * Whether the leg is in the mix, as it is from its start: when not, nothing it says reaches the
   * others, it hears no one, and only what is {@link #play played} to it (a caller keying a PIN).
   * Its key presses are reported either way.
   */
  void setInMix(boolean inMix);

  /**
   * Plays a sound to this participant alone, over what it hears, after what is already playing to
   * it.
   *
   * @return completes once the sound was sent, or at once if the leg has left
   */
  CompletionStage<Void> play(Sound sound);

  /** Stops what is playing to this participant and forgets what was to follow. */
  void stopPlaying();

  /** Gain applied to this participant's audio before mixing, in dB (-127 to 127). */
  void setGain(int decibels);

  MediaStatistics statistics();

  /**
   * The participant confirmed the call (its ACK came, or the focus sent its own): until then the
   * leg sends no media, so that an address named by a caller who never completes the call gets
   * nothing.
   */
  void confirm();

  /**
   * Early media (a call not answered yet, RFC 3960): the leg may send before {@link #confirm()},
   * but only once media came from the participant's address, which proves that address wants it
   * (nobody can aim a prompt at a third party by writing its address into an offer).
   */
  void allowEarlyMedia();

  /**
   * How long the participant has sent neither RTP nor RTCP while its SDP says it sends, in
   * milliseconds; 0 while it does not send (on hold, receive-only) or has sent lately.
   */
  long idleMillis();

  /** Leaves the mix and frees its ports. Idempotent. */
  void leave();
}
