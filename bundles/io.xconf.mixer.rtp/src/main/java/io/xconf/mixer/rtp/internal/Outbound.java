package io.xconf.mixer.rtp.internal;

/**
 * One encoded outgoing stream: a leg's own (the mix less that leg, while it is among the mixed), or
 * one its mix shares among every leg that hears the plain mix through the same encoder settings,
 * which is encoded once per tick however many legs get it (as Asterisk's softmix bridge does). Used
 * on the media clock's thread only.
 */
final class Outbound {

  static final int MAX_PAYLOAD = 1400;

  private final AudioCodec codec;
  private final int bitrate;
  private final AudioEncoder encoder;
  private final HalfBand.Down down;
  private final int[] scaled = new int[RtpMix.SAMPLES_PER_TICK];
  private final short[] pcm;
  final byte[] payload = new byte[MAX_PAYLOAD];
  int length;

  /** The tick whose audio {@link #payload} holds, for shared streams. */
  long tick = -1;

  Outbound(AudioCodec codec, int bitrate) {
    this.codec = codec;
    this.bitrate = bitrate;
    this.encoder = codec.newEncoder(bitrate, false);
    this.pcm = new short[codec.samplesPerTick()];
    this.down =
        codec.sampleRate() == RtpMix.RATE ? null : new HalfBand.Down(RtpMix.SAMPLES_PER_TICK);
  }

  /** Whether a leg that agreed on this could share the stream. */
  boolean sharedBy(Sdp.Agreement agreement) {
    return codec == agreement.codec()
        && (codec != AudioCodec.OPUS || bitrate == agreement.bitrate());
  }

  /**
   * Encodes one tick: {@code mixed} (null for none of it) less {@code minus} (null for nothing),
   * times the mix's gain, plus {@code played} (null for nothing).
   */
  void encode(int[] mixed, int[] minus, int gainQ12, short[] played) {
    for (int i = 0; i < scaled.length; i++) {
      int sample = mixed == null ? 0 : minus == null ? mixed[i] : mixed[i] - minus[i];
      scaled[i] = (int) (((long) sample * gainQ12) >> 12) + (played == null ? 0 : played[i]);
    }
    if (down != null) {
      down.convert(scaled, scaled.length, pcm);
    } else {
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = (short) G711.clip(scaled[i]);
      }
    }
    length = encoder.encode(pcm, payload);
  }
}
