package io.xconf.mixer.rtp.internal;

/** Encodes one outgoing stream, 20 ms at a time. Used on the media clock's thread only. */
interface AudioEncoder {

  /**
   * Encodes one tick of PCM at its codec's {@link AudioCodec#sampleRate()}.
   *
   * @return the payload's length in {@code out}
   */
  int encode(short[] pcm, byte[] out);
}
