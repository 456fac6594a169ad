package io.xconf.mixer.rtp.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * ITU-T G.722 decoder, 64 kbit/s.
 *
 * <p>Bit-exact with the Recommendation's reference code (the ITU-T STL {@code g722} module): every
 * 16-bit saturation and 15-bit limit of its basic operators is kept where it can change a result,
 * so any stream, even a corrupted one, decodes here as it does there. (ffmpeg's decoder saturates
 * the predictor's zero and pole sums only once, at the end, so long runs of extreme codes, as
 * corruption may bring but no encoder fed with audio was seen to send, decode differently there.)
 * It runs on the media clock, so decoding allocates nothing and uses int arithmetic only.
 */
final class G722Decoder {

  /**
   * h0 to h11 of the 24-tap QMF (the Recommendation's coefficients times 2^13); h12 to h23 are
   * their mirror image. The encoder's analysis filter uses the same. Never written.
   */
  static final int[] QMF_TAPS = {3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11};

  /**
   * INVQBL, mode 1: the low band's 6-bit inverse quantizer, per code; the difference it stands for
   * is scale * level >> 15. Codes 0 to 3 are never sent; they decode as the reference decodes them.
   */
  private static final int[] LOW_LEVELS_6 = {
    -136, -136, -136, -136, -24808, -21904, -19008, -16704,
    -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
    -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
    -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
    24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
    10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
    4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
    1688, 1360, 1040, 728, 432, 136, -432, -136
  };

  private final SubBand low = SubBand.low();
  private final SubBand high = SubBand.high();

  /**
   * The synthesis QMF's delay line, newest first: rl - rh and rl + rh of the last 12 octets. Each
   * is kept twice over, so the 12 in use are always in a row from {@code newest} on.
   */
  private final int[] lowMinusHigh = new int[24];

  private final int[] lowPlusHigh = new int[24];
  private int newest;

  G722Decoder() {}

  /**
   * Decodes length octets from in[offset]; writes 2*length samples (16 kHz) at pcm[pcmOffset];
   * returns 2*length. Octets may come in pieces of any size: the state carries over.
   *
   * @throws IndexOutOfBoundsException if either range falls outside its array; nothing is decoded
   */
  int decode(byte[] in, int offset, int length, short[] pcm, int pcmOffset) {
    Objects.checkFromIndexSize(offset, length, in.length);
    Objects.checkFromIndexSize(pcmOffset, 2 * length, pcm.length);
    int[] taps = QMF_TAPS;
    int out = pcmOffset;
    for (int i = offset, end = offset + length; i < end; i++) {
      int octet = in[i] & 0xff;
      int rl = decodeLow(octet & 0x3f);
      int rh = decodeHigh(octet >> 6);
      int n = newest == 0 ? 11 : newest - 1;
      newest = n;
      lowMinusHigh[n] = lowMinusHigh[n + 12] = rl - rh;
      lowPlusHigh[n] = lowPlusHigh[n + 12] = rl + rh;
      int first = 0;
      int second = 0;
      for (int k = 0; k < 12; k++) {
        first += taps[k] * lowMinusHigh[n + k];
        second += taps[11 - k] * lowPlusHigh[n + k];
      }
      pcm[out++] = (short) SubBand.saturate(first >> 11);
      pcm[out++] = (short) SubBand.saturate(second >> 11);
    }
    return 2 * length;
  }

  /** Restarts from the Recommendation's reset state, as a new decoder would. */
  void reset() {
    low.reset();
    high.reset();
    Arrays.fill(lowMinusHigh, 0);
    Arrays.fill(lowPlusHigh, 0);
    newest = 0;
  }

  /**
   * The low band alone (QMF by-passed, as Appendix II's test sequences drive it): a 6-bit code in,
   * the reconstructed signal RL (15 bits) out.
   */
  int decodeLow(int code) {
    int rl = SubBand.limit(low.estimate + ((low.scale * LOW_LEVELS_6[code]) >> 15));
    low.adaptLow(code);
    return rl;
  }

  /** The high band alone (QMF by-passed): a 2-bit code in, RH (15 bits) out. */
  int decodeHigh(int code) {
    int rh = SubBand.limit(high.estimate + high.highDifference(code));
    high.adaptHigh(code);
    return rh;
  }

  /**
   * One sub-band's ADPCM state and its adaptation (the Recommendation's blocks 2 to 4: inverse
   * quantizer in the predictor loop, scale factor, pole-zero predictor). The encoder keeps the same
   * state as the decoder it feeds, so {@link G722Encoder} uses this class too.
   */
  static final class SubBand {

    /** INVQAL: the low band's 4-bit inverse quantizer, per code >> 2, as scale * level >> 15. */
    private static final int[] LOW_LEVELS_4 = {
      0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
      20456, 12896, 8968, 6288, 4240, 2584, 1200, 0
    };

    /** LOGSCL's step per code >> 2 (the Recommendation's WL of the 4-bit magnitude). */
    private static final int[] LOW_LOG_STEPS = {
      -60, 3042, 1198, 538, 334, 172, 58, -30, 3042, 1198, 538, 334, 172, 58, -30, -60
    };

    /** INVQAH: the high band's 2-bit inverse quantizer, as scale * level >> 15. */
    private static final int[] HIGH_LEVELS = {-7408, -1616, 7408, 1616};

    /** LOGSCH's step per code. */
    private static final int[] HIGH_LOG_STEPS = {798, -214, 798, -214};

    /**
     * SCALEL and SCALEH: the scale factor 8 * 2^(k / 32), rounded as the Recommendation rounds it
     * (its ILA table, + 1, times 4), at k = nb >> 6 of the log scale factor nb for the high band
     * and at k = (nb >> 6) + 64 for the low band.
     */
    private static final int[] SCALES = scales();

    /** The signal estimate SL or SH: the predictor's guess at the next sub-band sample. */
    int estimate;

    /** The quantizer scale factor DETL or DETH. */
    int scale;

    private final int initialScale;
    private final int maxLogScale;
    private int logScale;
    private int zeroEstimate;
    private int pole1;
    private int pole2;

    /** Zero-section coefficients b1 to b6. */
    private final int[] zeros = new int[6];

    /**
     * Past quantized differences, newest first: d(n - i) is at differences[newest + i - 1], kept
     * twice over so the 6 in use are always in a row.
     */
    private final int[] differences = new int[12];

    private int newest;
    private int partial1;
    private int partial2;
    private int reconstructed1;
    private int reconstructed2;

    private SubBand(int initialScale, int maxLogScale) {
      this.initialScale = initialScale;
      this.maxLogScale = maxLogScale;
      this.scale = initialScale;
    }

    static SubBand low() {
      return new SubBand(32, 18432);
    }

    static SubBand high() {
      return new SubBand(8, 22528);
    }

    void reset() {
      estimate = 0;
      scale = initialScale;
      logScale = 0;
      zeroEstimate = 0;
      pole1 = 0;
      pole2 = 0;
      Arrays.fill(zeros, 0);
      Arrays.fill(differences, 0);
      newest = 0;
      partial1 = 0;
      partial2 = 0;
      reconstructed1 = 0;
      reconstructed2 = 0;
    }

    /** Adapts to a low-band code: only its 4 most significant bits reach the predictor. */
    void adaptLow(int code) {
      int magnitude = code >> 2;
      int difference = (scale * LOW_LEVELS_4[magnitude]) >> 15;
      logScale = clamp(((logScale * 32512) >> 15) + LOW_LOG_STEPS[magnitude], 0, maxLogScale);
      scale = SCALES[(logScale >> 6) + 64];
      predict(difference);
    }

    /** The high band's quantized difference signal DH for a code, at the current scale. */
    int highDifference(int code) {
      return (scale * HIGH_LEVELS[code]) >> 15;
    }

    /** Adapts to a high-band code. */
    void adaptHigh(int code) {
      int difference = highDifference(code);
      logScale = clamp(((logScale * 32512) >> 15) + HIGH_LOG_STEPS[code], 0, maxLogScale);
      scale = SCALES[logScale >> 6];
      predict(difference);
    }

    /**
     * Block 4: updates the pole and zero predictors with the quantized difference d and computes
     * the next estimate. Sign tests compare sign bits, zero counting as positive, as the reference
     * does; they are done with masks (-1 where two signs differ), without branches, since the signs
     * are as good as random.
     */
    private void predict(int d) {
      int partial = saturate(d + zeroEstimate);
      int reconstructed = saturate(estimate + d);

      // UPZERO: b leaks and steps towards the sign agreement of d with each past d. |b| stays
      // within 16 bits without saturating.
      int step = d == 0 ? 0 : 128;
      int n = newest;
      for (int i = 0; i < 6; i++) {
        int differ = (d ^ differences[n + i]) >> 31;
        zeros[i] = ((zeros[i] * 32640) >> 15) + ((step ^ differ) - differ);
      }
      n = n == 0 ? 5 : n - 1;
      newest = n;
      differences[n] = differences[n + 6] = d;

      // UPPOL2, then UPPOL1 with the new a2.
      int differ1 = (partial ^ partial1) >> 31;
      int differ2 = (partial ^ partial2) >> 31;
      int a1Times4 = saturate(pole1 << 2);
      int wd2 = saturate((a1Times4 ^ ~differ1) - ~differ1); // -4 a1 when the signs agree
      int a2 = (wd2 >> 7) + ((128 ^ differ2) - differ2) + ((pole2 * 32512) >> 15);
      pole2 = clamp(a2, -12288, 12288);
      int a1 = ((192 ^ differ1) - differ1) + ((pole1 * 32640) >> 15);
      int a1Limit = 15360 - pole2;
      pole1 = clamp(a1, -a1Limit, a1Limit);
      partial2 = partial1;
      partial1 = partial;

      // FILTEZ, saturating after each term (b6 first) as the reference does; 2d fits 16 bits.
      int sz = 0;
      for (int i = 5; i >= 0; i--) {
        sz = saturate(sz + ((zeros[i] * (differences[n + i] << 1)) >> 15));
      }
      zeroEstimate = sz;

      // FILTEP and PREDIC.
      reconstructed2 = reconstructed1;
      reconstructed1 = reconstructed;
      int sp =
          saturate(
              ((pole1 * saturate(reconstructed1 << 1)) >> 15)
                  + ((pole2 * saturate(reconstructed2 << 1)) >> 15));
      estimate = saturate(sp + sz);
    }

    /** To 16 bits, as the reference's saturating add and subtract. */
    static int saturate(int value) {
      return value > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(value, Short.MIN_VALUE);
    }

    /** To 15 bits: the Recommendation's LIMIT. */
    static int limit(int value) {
      return value > 16383 ? 16383 : Math.max(value, -16384);
    }

    private static int clamp(int value, int min, int max) {
      return value > max ? max : Math.max(value, min);
    }

    private static int[] scales() {
      // ILB: 2048 * 2^(i / 32), rounded; the Recommendation's ILA is these shifted, less 1.
      int[] ilb = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774,
        2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838,
        3922, 4008
      };
      int[] scales = new int[353];
      for (int k = 0; k < scales.length; k++) {
        int shift = 10 - (k >> 5);
        int mantissa = ilb[k & 31];
        scales[k] = (shift >= 0 ? mantissa >> shift : mantissa << -shift) << 2;
      }
      return scales;
    }
  }
}
