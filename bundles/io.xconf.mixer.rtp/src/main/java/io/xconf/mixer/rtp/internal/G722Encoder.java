package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.rtp.internal.G722Decoder.SubBand;
import java.util.Arrays;
import java.util.Objects;

/**
 * ITU-T G.722 encoder, 64 kbit/s: 16 kHz 16-bit PCM in, one octet per two samples out.
 *
 * <p>Bit-exact with the Recommendation's reference code (the ITU-T STL {@code g722} module),
 * including its limit of the analysis QMF's outputs to 15 bits (LOWT, HIGHT): ffmpeg and spandsp
 * leave that limit out, so on input loud enough for the QMF to overshoot (full-scale clipping)
 * their octets differ from these. It runs on the media clock, so encoding allocates nothing and
 * uses int arithmetic only.
 */
final class G722Encoder {

  /**
   * QUANTL's decision levels at indices 1 to 29 (a level is scale * it >> 12); two more above the
   * last let a search go in strides of 16, 8, 4, 2 and 1.
   */
  private static final int[] LOW_DECISION_LEVELS = {
    0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023,
    1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 1 << 16, 1 << 16
  };

  /**
   * The 6-bit code per magnitude index 1 to 30: from 0 for a non-negative difference, from 32 for a
   * negative one. Codes 0 to 3 are never sent.
   */
  private static final int[] LOW_CODES = {
    0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
    46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0,
    0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
    18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0
  };

  private final SubBand low = SubBand.low();
  private final SubBand high = SubBand.high();

  /**
   * The analysis QMF's delay line, newest first: the first and the second sample of each of the
   * last 12 pairs. Each is kept twice over, so the 12 in use are always in a row from {@code
   * newest} on.
   */
  private final int[] firstOfPairs = new int[24];

  private final int[] secondOfPairs = new int[24];
  private int newest;

  G722Encoder() {}

  /**
   * Encodes count samples (count even) from pcm[offset]; writes count/2 octets at out[outOffset];
   * returns count/2. Samples may come in pieces of any even size: the state carries over.
   *
   * @throws IllegalArgumentException if count is odd (each octet codes a pair of samples)
   * @throws IndexOutOfBoundsException if either range falls outside its array
   */
  int encode(short[] pcm, int offset, int count, byte[] out, int outOffset) {
    if ((count & 1) != 0) {
      throw new IllegalArgumentException("G.722 codes samples in pairs, not " + count);
    }
    Objects.checkFromIndexSize(offset, count, pcm.length);
    int octets = count >> 1;
    Objects.checkFromIndexSize(outOffset, octets, out.length);
    int[] taps = G722Decoder.QMF_TAPS;
    for (int i = 0; i < octets; i++) {
      int n = newest == 0 ? 11 : newest - 1;
      newest = n;
      firstOfPairs[n] = firstOfPairs[n + 12] = pcm[offset + 2 * i];
      secondOfPairs[n] = secondOfPairs[n + 12] = pcm[offset + 2 * i + 1];
      int even = 0; // through h0, h2, ... h22
      int odd = 0; // through h1, h3, ... h23
      for (int k = 0; k < 12; k++) {
        even += taps[k] * secondOfPairs[n + k];
        odd += taps[11 - k] * firstOfPairs[n + k];
      }
      // LOWT and HIGHT: the Recommendation's limit, which ffmpeg and spandsp leave out.
      int xl = SubBand.limit((even + odd) >> 14);
      int xh = SubBand.limit((even - odd) >> 14);
      out[outOffset + i] = (byte) (encodeHigh(xh) << 6 | encodeLow(xl));
    }
    return octets;
  }

  /** Restarts from the Recommendation's reset state, as a new encoder would. */
  void reset() {
    low.reset();
    high.reset();
    Arrays.fill(firstOfPairs, 0);
    Arrays.fill(secondOfPairs, 0);
    newest = 0;
  }

  /**
   * The low band alone (QMF by-passed, as Appendix II's test sequences drive it): XL (15 bits) in,
   * its 6-bit code out.
   */
  int encodeLow(int xl) {
    int el = SubBand.saturate(xl - low.estimate);
    int negative = el >> 31;
    int magnitude = el ^ negative; // -(el + 1) when negative, as the reference has it
    int scale = low.scale;
    // How many of the 29 levels the magnitude reaches (they rise), found without branches: the
    // magnitude index, 1 to 30, is one more.
    int reached = 0;
    for (int stride = 16; stride > 0; stride >>= 1) {
      int level = (LOW_DECISION_LEVELS[reached + stride] * scale) >> 12;
      reached += stride & ~((magnitude - level) >> 31);
    }
    int code = LOW_CODES[(negative & 32) + Math.min(reached, 29) + 1];
    low.adaptLow(code);
    return code;
  }

  /** The high band alone (QMF by-passed): XH (15 bits) in, its 2-bit code out. */
  int encodeHigh(int xh) {
    int eh = SubBand.saturate(xh - high.estimate);
    boolean outer = (eh >= 0 ? eh : ~eh) >= (564 * high.scale) >> 12;
    int code = eh >= 0 ? (outer ? 2 : 3) : (outer ? 0 : 1);
    high.adaptHigh(code);
    return code;
  }
}
