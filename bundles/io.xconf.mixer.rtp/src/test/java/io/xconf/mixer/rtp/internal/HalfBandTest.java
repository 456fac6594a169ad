package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** The 8/16 kHz converters: flat where telephones speak, nothing folded from above 4 kHz. */
public class HalfBandTest {

  private static double ratioDb(double frequency) {
    HalfBand.Up up = new HalfBand.Up(160);
    HalfBand.Down down = new HalfBand.Down(320);
    short[] in = new short[160];
    int[] wide = new int[320];
    short[] out = new short[160];
    double before = 0;
    double after = 0;
    for (int t = 0; t < 50; t++) {
      for (int i = 0; i < 160; i++) {
        in[i] = (short) (10000 * Math.sin(2 * Math.PI * frequency * (t * 160 + i) / 8000));
      }
      up.convert(in, 160, wide);
      down.convert(wide, 320, out);
      if (t > 2) {
        for (int i = 0; i < 160; i++) {
          before += (double) in[i] * in[i];
          after += (double) out[i] * out[i];
        }
      }
    }
    return 10 * Math.log10(after / before);
  }

  @Test
  public void upAndDownAgainIsFlatUpTo3400Hz() {
    for (double frequency : new double[] {100, 300, 1000, 2000, 3000, 3400}) {
      double db = ratioDb(frequency);
      assertTrue(frequency + " Hz: " + db + " dB", Math.abs(db) < 0.5);
    }
  }

  @Test
  public void wideAudioAbove4600HzDoesNotFoldIntoTheNarrowBand() {
    for (double frequency : new double[] {4600, 5000, 6000, 7500}) {
      HalfBand.Down down = new HalfBand.Down(320);
      int[] wide = new int[320];
      short[] out = new short[160];
      double energy = 0;
      for (int t = 0; t < 50; t++) {
        for (int i = 0; i < 320; i++) {
          wide[i] = (int) (10000 * Math.sin(2 * Math.PI * frequency * (t * 320 + i) / 16000));
        }
        down.convert(wide, 320, out);
        if (t > 2) {
          for (short sample : out) {
            energy += (double) sample * sample;
          }
        }
      }
      double db = 10 * Math.log10(energy / (47 * 160) / (10000.0 * 10000 / 2));
      assertTrue(frequency + " Hz folded at " + db + " dB", db < -60);
    }
  }

  @Test
  public void upsamplingLeavesNothingAtTheImageFrequencies() {
    HalfBand.Up up = new HalfBand.Up(160);
    short[] in = new short[160];
    int[] wide = new int[320];
    short[] image = new short[320];
    for (int t = 0; t < 10; t++) {
      for (int i = 0; i < 160; i++) {
        in[i] = (short) (10000 * Math.sin(2 * Math.PI * 1000 * (t * 160 + i) / 8000));
      }
      up.convert(in, 160, wide);
    }
    for (int i = 0; i < 320; i++) {
      image[i] = (short) wide[i];
    }
    double signal = RtpPeer.power(image, 1000, 16000);
    double folded = RtpPeer.power(image, 7000, 16000);
    assertTrue(signal / folded > 1e6);
  }
}
