package io.xconf.mixer.rtp.internal;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusPacketInfo;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.util.Arrays;

/**
 * Opus (RFC 7587, through concentus, a pure-Java port of libopus) at the mix rate: whatever band
 * the phone sends is decoded to 16 kHz, and what it gets is wideband.
 */
final class OpusAudio {

  static final int RATE = 16000;

  /** The longest payload RFC 6716 allows in one packet (120 ms at 16 kHz is 1920 samples). */
  private static final int MAX_SAMPLES = 1920;

  private OpusAudio() {}

  static final class Decoder implements AudioDecoder {
    private final OpusDecoder decoder;

    Decoder() throws OpusException {
      decoder = new OpusDecoder(RATE, 1);
    }

    @Override
    public int samples(byte[] payload, int offset, int length) {
      if (length <= 0) {
        return -1;
      }
      int samples = OpusPacketInfo.getNumSamples(payload, offset, length, RATE);
      return samples > 0 && samples <= MAX_SAMPLES ? samples : -1;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out) {
      try {
        return decoder.decode(payload, offset, length, out, 0, out.length, false);
      } catch (OpusException | RuntimeException e) {
        return -1;
      }
    }

    @Override
    public void conceal(byte[] next, int offset, int length, short[] out, int samples) {
      try {
        // With the next packet at hand, its in-band FEC (the previous frame again, at a lower rate)
        // restores what was lost; libopus falls back to its concealment where the packet has none.
        int got =
            next == null
                ? decoder.decode(null, 0, 0, out, 0, samples, false)
                : decoder.decode(next, offset, length, out, 0, samples, true);
        if (got < samples) {
          Arrays.fill(out, Math.max(0, got), samples, (short) 0);
        }
      } catch (OpusException | RuntimeException e) {
        Arrays.fill(out, 0, samples, (short) 0);
      }
    }
  }

  static final class Encoder implements AudioEncoder {
    private final OpusEncoder encoder;

    Encoder(int bitrate, boolean fec) throws OpusException {
      encoder = new OpusEncoder(RATE, 1, OpusApplication.OPUS_APPLICATION_VOIP);
      encoder.setBitrate(bitrate);
      encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
      encoder.setComplexity(COMPLEXITY);
      encoder.setUseInbandFEC(fec);
      encoder.setPacketLossPercent(fec ? 5 : 0);
      encoder.setUseDTX(false);
    }

    @Override
    public int encode(short[] pcm, byte[] out) {
      try {
        return encoder.encode(pcm, 0, AudioCodec.OPUS.samplesPerTick(), out, 0, out.length);
      } catch (OpusException e) {
        throw new IllegalStateException("Opus could not encode a frame", e);
      }
    }
  }

  /** libopus's default is 10; speech at 16 kHz sounds no different at 5 and costs half. */
  static final int COMPLEXITY = 5;
}
