package io.xconf.mixer.rtp.internal;

/**
 * Keys pressed in the audio itself (DTMF tones, ITU-T Q.23), for callers whose phones send no RFC
 * 4733 events: each 20 ms frame is measured at the eight DTMF frequencies (Goertzel), and a key is
 * a strongest row and column tone standing well above the others and carrying most of the frame's
 * energy, in two frames running; it is reported once, and again only after a frame without it.
 * Speech rarely passes all of these at once (ITU-T Q.24 sets the same kind of limits).
 */
final class ToneDigits {

  private static final double[] ROWS = {697, 770, 852, 941};
  private static final double[] COLUMNS = {1209, 1336, 1477, 1633};
  private static final char[][] KEYS = {
    {'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}
  };
  private static final double SAMPLE_RATE = 8000;

  /** A tone of amplitude 400 (about -38 dBm0) or more counts; quieter ones are noise. */
  private static final double MIN_TONE_AMPLITUDE = 400;

  /** A strongest tone stands 6 dB above the next of its group. */
  private static final double OVER_NEXT = 4;

  /** Row and column within 8 dB of each other (Q.24's twist). */
  private static final double MAX_TWIST = 6.3;

  /** The two tones carry at least this share of the frame's energy. */
  private static final double MIN_SHARE = 0.6;

  private final double[] rowCoefficients = coefficients(ROWS);
  private final double[] columnCoefficients = coefficients(COLUMNS);
  private final double[] rowPower = new double[4];
  private final double[] columnPower = new double[4];
  private char candidate;
  private char held;

  private static double[] coefficients(double[] frequencies) {
    double[] coefficients = new double[frequencies.length];
    for (int i = 0; i < frequencies.length; i++) {
      coefficients[i] = 2 * Math.cos(2 * Math.PI * frequencies[i] / SAMPLE_RATE);
    }
    return coefficients;
  }

  /** The key newly pressed in this frame, or 0. */
  char feed(short[] frame, int length) {
    char key = keyIn(frame, length);
    char pressed = 0;
    if (key != 0 && key == candidate && key != held) {
      held = key;
      pressed = key;
    } else if (key == 0) {
      held = 0;
    }
    candidate = key;
    return pressed;
  }

  private char keyIn(short[] frame, int length) {
    double energy = 0;
    for (int i = 0; i < length; i++) {
      energy += (double) frame[i] * frame[i];
    }
    double minPower = Math.pow(MIN_TONE_AMPLITUDE * length / 2.0, 2);
    if (energy < 2 * minPower / length) {
      return 0;
    }
    goertzel(frame, length, rowCoefficients, rowPower);
    goertzel(frame, length, columnCoefficients, columnPower);
    int row = strongest(rowPower);
    int column = strongest(columnPower);
    if (row < 0 || column < 0 || rowPower[row] < minPower || columnPower[column] < minPower) {
      return 0;
    }
    double twist = rowPower[row] / columnPower[column];
    if (twist > MAX_TWIST || twist < 1 / MAX_TWIST) {
      return 0;
    }
    // A pure tone's Goertzel power is (amplitude * length / 2)^2 and its energy length *
    // amplitude^2 / 2: the share of the frame's energy in the two tones.
    double share = (rowPower[row] + columnPower[column]) / (energy * length / 2);
    return share < MIN_SHARE ? 0 : KEYS[row][column];
  }

  private static void goertzel(short[] frame, int length, double[] coefficients, double[] power) {
    for (int k = 0; k < coefficients.length; k++) {
      double coefficient = coefficients[k];
      double previous = 0;
      double beforePrevious = 0;
      for (int i = 0; i < length; i++) {
        double current = frame[i] + coefficient * previous - beforePrevious;
        beforePrevious = previous;
        previous = current;
      }
      power[k] =
          previous * previous
              + beforePrevious * beforePrevious
              - coefficient * previous * beforePrevious;
    }
  }

  /** The index of the strongest, when it stands above all others of its group; else -1. */
  private static int strongest(double[] power) {
    int best = 0;
    for (int i = 1; i < power.length; i++) {
      if (power[i] > power[best]) {
        best = i;
      }
    }
    for (int i = 0; i < power.length; i++) {
      if (i != best && power[best] < OVER_NEXT * power[i]) {
        return -1;
      }
    }
    return best;
  }
}
