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

  /**
   * The samples of a recording as the mixer writes it (RIFF WAVE, 16-bit PCM, mono, 16 kHz), as far
   * as its data size says: a file read while it is written must be whole up to there.
   *
   * @throws IllegalArgumentException when it is not such a file, or its sizes disagree
   */
  public static short[] wav(byte[] file) {
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (file.length < 44
        || !"RIFF".equals(new String(file, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
        || buffer.getInt(24) != 16000
        || buffer.getShort(34) != 16
        || buffer.getInt(4) != 36 + buffer.getInt(40)
        || 44L + buffer.getInt(40) > file.length) {
      throw new IllegalArgumentException("not a whole 16 kHz 16-bit WAV of the mixer's");
    }
    short[] samples = new short[buffer.getInt(40) / 2];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = buffer.getShort(44 + 2 * i);
    }
    return samples;
  }

  /** The root mean square of a signal. */
  public static double rms(short[] signal) {
    double sum = 0;
    for (short sample : signal) {
      sum += (double) sample * sample;
    }
    return Math.sqrt(sum / Math.max(1, signal.length));
  }

  /** Power of one frequency in a signal (Goertzel), normalised by its length. */
  public static double power(short[] signal, double frequencyHz, int sampleRate) {
    return RtpPeer.power(signal, frequencyHz, sampleRate);
  }
}
