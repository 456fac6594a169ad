package io.xconf.mixer.rtp.internal;

import io.github.jaredmdobson.concentus.OpusException;

/**
 * The audio codecs the embedded mixer speaks, in the order it prefers them: wideband first, so a
 * phone that can do better than G.711 does.
 */
enum AudioCodec {
  /** RFC 7587: always a 48 kHz RTP clock and "/2" in the rtpmap, whatever is really sent. */
  OPUS("opus", -1, 48000, 16000),
  /** RFC 3551 section 4.5.2: 16 kHz audio under an 8 kHz RTP clock, a historical mistake kept. */
  G722("G722", 9, 8000, 16000),
  PCMU("PCMU", 0, 8000, 8000),
  PCMA("PCMA", 8, 8000, 8000);

  /** Our dynamic payload type for Opus in offers (the one most phones use). */
  static final int OPUS_PAYLOAD_TYPE = 111;

  private final String subtype;
  private final int staticPayloadType;
  private final int clockRate;
  private final int sampleRate;

  AudioCodec(String subtype, int staticPayloadType, int clockRate, int sampleRate) {
    this.subtype = subtype;
    this.staticPayloadType = staticPayloadType;
    this.clockRate = clockRate;
    this.sampleRate = sampleRate;
  }

  /** The media subtype (RFC 4855), as the rtpmap writes it. */
  String subtype() {
    return subtype;
  }

  /** The static payload type of RFC 3551, or -1. */
  int staticPayloadType() {
    return staticPayloadType;
  }

  /** The payload type we offer it under. */
  int offeredPayloadType() {
    return staticPayloadType >= 0 ? staticPayloadType : OPUS_PAYLOAD_TYPE;
  }

  /** RTP timestamp units per second. */
  int clockRate() {
    return clockRate;
  }

  /** The rate of the PCM it is decoded to and encoded from here. */
  int sampleRate() {
    return sampleRate;
  }

  /** RTP timestamp units per 20 ms tick. */
  int unitsPerTick() {
    return clockRate / 50;
  }

  /** PCM samples per 20 ms tick, at {@link #sampleRate()}. */
  int samplesPerTick() {
    return sampleRate / 50;
  }

  /** The rtpmap's encoding (what follows the payload type). */
  String rtpmap() {
    return this == OPUS ? "opus/48000/2" : subtype + "/" + clockRate;
  }

  /** Whether an rtpmap encoding (case-insensitive, channels optional) names this codec. */
  boolean named(String encoding) {
    String upper = encoding.toUpperCase(java.util.Locale.ROOT);
    String expected = (subtype + "/" + clockRate).toUpperCase(java.util.Locale.ROOT);
    if (this == OPUS) {
      return upper.equals("OPUS/48000/2") || upper.equals("OPUS/48000");
    }
    return upper.equals(expected) || upper.equals(expected + "/1");
  }

  AudioDecoder newDecoder() {
    return switch (this) {
      case OPUS -> opus(() -> new OpusAudio.Decoder());
      case G722 -> new G722Audio.Decoder();
      case PCMU -> new G711Audio.Decoder(false);
      case PCMA -> new G711Audio.Decoder(true);
    };
  }

  /**
   * An encoder for one outgoing stream.
   *
   * @param bitrate for Opus, in bit/s; the other codecs have one rate
   * @param voice for Opus: encode as a phone does (SILK, with in-band FEC), not as the mixer does
   *     (CELT only, a third of the CPU)
   */
  AudioEncoder newEncoder(int bitrate, boolean voice) {
    return switch (this) {
      case OPUS -> opus(() -> new OpusAudio.Encoder(bitrate, voice));
      case G722 -> new G722Audio.Encoder();
      case PCMU -> new G711Audio.Encoder(false);
      case PCMA -> new G711Audio.Encoder(true);
    };
  }

  private interface OpusFactory<T> {
    T make() throws OpusException;
  }

  private static <T> T opus(OpusFactory<T> factory) {
    try {
      return factory.make();
    } catch (OpusException e) {
      // Only bad constant arguments make concentus refuse.
      throw new IllegalStateException("Opus refused its settings", e);
    }
  }
}
