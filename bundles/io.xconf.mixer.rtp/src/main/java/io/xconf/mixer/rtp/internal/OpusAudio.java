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
 *
 * <p>concentus checks libopus's internal assertions always, throwing {@link AssertionError} (an
 * Error, not an exception) on some malformed packets: the fuzzer found one. Every call into it
 * catches that too, and a decoder that threw is reset, since its state is then unknown.
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
      try {
        int samples = OpusPacketInfo.getNumSamples(payload, offset, length, RATE);
        return samples > 0 && samples <= MAX_SAMPLES ? samples : -1;
      } catch (RuntimeException | AssertionError e) {
        return -1;
      }
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out) {
      try {
        return decoder.decode(payload, offset, length, out, 0, out.length, false);
      } catch (OpusException | RuntimeException | AssertionError e) {
        decoder.resetState();
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
      } catch (OpusException | RuntimeException | AssertionError e) {
        decoder.resetState();
        Arrays.fill(out, 0, samples, (short) 0);
      }
    }
  }

  static final class Encoder implements AudioEncoder {
    private final OpusEncoder encoder;

    /**
     * @param voice SILK with in-band FEC, as phones send; else CELT only (the mixer's streams)
     */
    Encoder(int bitrate, boolean voice) throws OpusException {
      encoder =
          new OpusEncoder(
              RATE,
              1,
              voice
                  ? OpusApplication.OPUS_APPLICATION_VOIP
                  : OpusApplication.OPUS_APPLICATION_RESTRICTED_LOWDELAY);
      encoder.setBitrate(bitrate);
      encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
      encoder.setComplexity(voice ? 5 : COMPLEXITY);
      encoder.setUseInbandFEC(voice);
      encoder.setPacketLossPercent(voice ? 5 : 0);
      encoder.setUseDTX(false);
    }

    @Override
    public int encode(short[] pcm, byte[] out) {
      try {
        return encoder.encode(pcm, 0, AudioCodec.OPUS.samplesPerTick(), out, 0, out.length);
      } catch (OpusException | RuntimeException | AssertionError e) {
        encoder.resetState();
        throw new IllegalStateException("Opus could not encode a frame", e);
      }
    }
  }

  /**
   * The mixer encodes with CELT only (restricted low delay), at complexity 2: in concentus that is
   * about 70 us per 20 ms frame against 200 us and more for SILK at any complexity, which decides
   * how many Opus callers two cores carry (docs/performance.md). Its price: no in-band FEC in what
   * callers get (CELT has none); what they send is still decoded with theirs.
   */
  static final int COMPLEXITY = 2;
}
