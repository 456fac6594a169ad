package io.xconf.mixer.rtp.internal;

/**
 * Converts between 8 kHz (G.711 legs) and the 16 kHz mix with a 63-tap half-band low-pass
 * (Kaiser-windowed sinc, beta 7: flat within 0.01 dB to 3.4 kHz, all a telephone sends, and 76 dB
 * down from 4.6 kHz, so nothing of the wideband mix folds into a narrowband leg). Half of its taps
 * are zero and one is one half, so each converted sample costs 32 multiplications. Each direction
 * keeps its own history: one instance per stream.
 */
final class HalfBand {

  private static final int TAPS = 63;
  private static final int CENTRE = TAPS / 2;
  private static final int SHIFT = 15;

  /** The even-indexed taps (the odd ones are zero but the centre), Q15, symmetric. */
  private static final int[] EVEN_TAPS = evenTaps();

  /** 8 kHz samples of history the filter looks back over. */
  private static final int HISTORY = EVEN_TAPS.length;

  private HalfBand() {}

  private static int[] evenTaps() {
    double beta = 7.0;
    double[] taps = new double[TAPS];
    double sum = 0;
    for (int j = 0; j < TAPS; j++) {
      int k = j - CENTRE;
      double sinc = k == 0 ? 0.5 : Math.sin(Math.PI * k / 2) / (Math.PI * k);
      double ratio = (2.0 * j) / (TAPS - 1) - 1;
      taps[j] = sinc * bessel0(beta * Math.sqrt(1 - ratio * ratio)) / bessel0(beta);
      sum += taps[j];
    }
    int[] even = new int[(TAPS + 1) / 2];
    for (int j = 0; j < TAPS; j += 2) {
      even[j / 2] = (int) Math.round(taps[j] / sum * (1 << SHIFT));
    }
    return even;
  }

  private static double bessel0(double x) {
    double sum = 1;
    double term = 1;
    for (int k = 1; k < 30; k++) {
      term *= (x / (2 * k)) * (x / (2 * k));
      sum += term;
    }
    return sum;
  }

  /** 8 kHz to 16 kHz: each input sample gives two, delayed by the filter's half length. */
  static final class Up {
    private final int[] input;

    Up(int maxSamples) {
      input = new int[HISTORY + maxSamples];
    }

    void convert(short[] in, int count, int[] out) {
      for (int i = 0; i < count; i++) {
        input[HISTORY + i] = in[i];
      }
      for (int n = 0; n < count; n++) {
        // Output 2n comes from the even taps over inputs n .. n - HISTORY + 1 (doubled gain of
        // zero stuffing); output 2n + 1 is the centre tap's, a delayed copy.
        long acc = 0;
        int newest = HISTORY + n;
        for (int t = 0; t < HISTORY; t++) {
          acc += (long) EVEN_TAPS[t] * input[newest - t];
        }
        out[2 * n] = (int) ((acc * 2) >> SHIFT);
        out[2 * n + 1] = input[newest - CENTRE / 2];
      }
      System.arraycopy(input, count, input, 0, HISTORY);
    }
  }

  /** 16 kHz to 8 kHz, clipped to 16 bits. */
  static final class Down {
    private final int[] input;

    Down(int maxSamples) {
      input = new int[2 * HISTORY + maxSamples];
    }

    void convert(int[] in, int count, short[] out) {
      int history = 2 * HISTORY;
      System.arraycopy(in, 0, input, history, count);
      for (int n = 0; n < count / 2; n++) {
        int newest = history + 2 * n + 1;
        long acc = 0;
        for (int t = 0; t < HISTORY; t++) {
          acc += (long) EVEN_TAPS[t] * input[newest - 2 * t];
        }
        acc += (long) input[newest - CENTRE] << (SHIFT - 1);
        out[n] = (short) G711.clip((int) (acc >> SHIFT));
      }
      System.arraycopy(input, count, input, 0, history);
    }
  }
}
