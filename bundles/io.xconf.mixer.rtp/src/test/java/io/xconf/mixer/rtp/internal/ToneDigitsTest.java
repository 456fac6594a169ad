package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class ToneDigitsTest {

  private static final String KEYS = "123A456B789C*0#D";
  private static final double[] ROWS = {697, 770, 852, 941};
  private static final double[] COLUMNS = {1209, 1336, 1477, 1633};

  private long phase;

  private short[] frame(double first, double second, int amplitude, double noise) {
    short[] frame = new short[160];
    java.util.Random random = new java.util.Random(phase);
    for (int i = 0; i < frame.length; i++) {
      double t = (phase++) / 8000.0;
      double sample =
          amplitude * (Math.sin(2 * Math.PI * first * t) + Math.sin(2 * Math.PI * second * t))
              + noise * random.nextGaussian();
      frame[i] = (short) Math.max(-32768, Math.min(32767, Math.round(sample)));
    }
    return frame;
  }

  private String keyed(
      ToneDigits detector, double first, double second, int amplitude, int frames) {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < frames; i++) {
      char key = detector.feed(frame(first, second, amplitude, 50), 160);
      if (key != 0) {
        keys.append(key);
      }
    }
    return keys.toString();
  }

  @Test
  public void everyKeyIsHeardOncePerPress() {
    ToneDigits detector = new ToneDigits();
    StringBuilder heard = new StringBuilder();
    for (int row = 0; row < 4; row++) {
      for (int column = 0; column < 4; column++) {
        heard.append(keyed(detector, ROWS[row], COLUMNS[column], 4000, 5)); // 100 ms pressed
        heard.append(keyed(detector, 0, 0, 0, 3)); // 60 ms released
      }
    }
    assertEquals(KEYS, heard.toString());
  }

  @Test
  public void aKeyHeldLongIsOnePressAndTwoPressesAreTwo() {
    ToneDigits detector = new ToneDigits();
    assertEquals("5", keyed(detector, 770, 1336, 3000, 50)); // a second held
    assertEquals("", keyed(detector, 0, 0, 0, 2));
    assertEquals("5", keyed(detector, 770, 1336, 3000, 4));
  }

  @Test
  public void speechLikeSoundsAndQuietTonesAreNoKeys() {
    ToneDigits detector = new ToneDigits();
    assertEquals("one tone", "", keyed(detector, 400, 400, 6000, 20));
    assertEquals("a row tone alone", "", keyed(detector, 770, 770, 6000, 20));
    assertEquals("two row tones", "", keyed(detector, 770, 852, 6000, 20));
    assertEquals("too quiet", "", keyed(detector, 770, 1336, 150, 20));
    assertEquals("a chord off the grid", "", keyed(detector, 500, 1000, 6000, 20));
    assertEquals("one frame is too short", "", keyed(detector, 770, 1336, 4000, 1));
  }
}
