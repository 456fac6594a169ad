package io.xconf.mixer.rtp.internal;

/**
 * Turns one leg's RTP payloads into PCM at its codec's {@link AudioCodec#sampleRate()}. Used on the
 * media clock's thread only; nothing allocates.
 */
interface AudioDecoder {

  /**
   * How many samples a payload carries, without decoding it.
   *
   * @return the count, or -1 when the payload is malformed
   */
  int samples(byte[] payload, int offset, int length);

  /**
   * Decodes one payload into {@code out} from index 0.
   *
   * @return the samples written, or -1 when the payload is malformed
   */
  int decode(byte[] payload, int offset, int length, short[] out);

  /**
   * Fills {@code samples} of audio that never came: from the in-band forward error correction of
   * the {@code next} payload when the codec carries it there ({@code next} null when none came),
   * else the codec's own concealment, else a fading repeat of what was last heard.
   */
  void conceal(byte[] next, int offset, int length, short[] out, int samples);
}
