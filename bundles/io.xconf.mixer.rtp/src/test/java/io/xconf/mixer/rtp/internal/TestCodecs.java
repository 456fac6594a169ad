package io.xconf.mixer.rtp.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The mixer's codecs for tests outside this bundle (the integration tests make the RTP their sipp
 * callers play, and decode what the server sent them). Codecs by RTP subtype: opus, G722, PCMU,
 * PCMA.
 */
public final class TestCodecs {

  private TestCodecs() {}

  private static AudioCodec codec(String subtype) {
    return AudioCodec.valueOf(subtype.toUpperCase(Locale.ROOT));
  }

  public static int sampleRate(String subtype) {
    return codec(subtype).sampleRate();
  }

  /** RTP timestamp units per 20 ms packet. */
  public static int unitsPerPacket(String subtype) {
    return codec(subtype).unitsPerTick();
  }

  public static int payloadType(String subtype) {
    return codec(subtype).offeredPayloadType();
  }

  /** The rtpmap line's encoding, e.g. {@code opus/48000/2}. */
  public static String rtpmap(String subtype) {
    return codec(subtype).rtpmap();
  }

  /** Encodes PCM at the codec's rate into 20 ms payloads (a last partial frame is dropped). */
  public static List<byte[]> encode(String subtype, short[] pcm) {
    AudioCodec codec = codec(subtype);
    AudioEncoder encoder = codec.newEncoder(24000, true);
    int frame = codec.samplesPerTick();
    List<byte[]> payloads = new ArrayList<>();
    byte[] out = new byte[Outbound.MAX_PAYLOAD];
    for (int at = 0; at + frame <= pcm.length; at += frame) {
      int length = encoder.encode(Arrays.copyOfRange(pcm, at, at + frame), out);
      payloads.add(Arrays.copyOf(out, length));
    }
    return payloads;
  }

  /** Decodes payloads in order into PCM at the codec's rate; a null payload is a lost packet. */
  public static short[] decode(String subtype, List<byte[]> payloads) {
    AudioCodec codec = codec(subtype);
    AudioDecoder decoder = codec.newDecoder();
    short[] frame = new short[codec.sampleRate() * 120 / 1000];
    short[] all = new short[0];
    int length = 0;
    for (byte[] payload : payloads) {
      int samples;
      if (payload == null) {
        samples = codec.samplesPerTick();
        decoder.conceal(null, 0, 0, frame, samples);
      } else {
        samples = Math.max(0, decoder.decode(payload, 0, payload.length, frame));
      }
      if (length + samples > all.length) {
        all = Arrays.copyOf(all, Math.max(2 * all.length, length + samples));
      }
      System.arraycopy(frame, 0, all, length, samples);
      length += samples;
    }
    return Arrays.copyOf(all, length);
  }

  /** Power of one frequency in a signal (Goertzel), normalised by its length. */
  public static double power(short[] signal, double frequencyHz, int sampleRate) {
    return RtpPeer.power(signal, frequencyHz, sampleRate);
  }
}
