package io.xconf.mixer;

import java.util.Arrays;

/**
 * Audio a mixer plays to a participant (a voice prompt): mono 16-bit samples at {@link #RATE}.
 * Immutable.
 */
public final class Sound {

  /** The one sample rate sounds are given in: wideband, what the embedded mixer mixes at. */
  public static final int RATE = 16000;

  private final short[] samples;

  private Sound(short[] samples) {
    this.samples = samples;
  }

  /** A sound of these samples at {@link #RATE} (copied). */
  public static Sound of(short[] samples) {
    return new Sound(samples.clone());
  }

  /** Samples at {@link #RATE}. */
  public int length() {
    return samples.length;
  }

  public long millis() {
    return samples.length * 1000L / RATE;
  }

  /** Copies {@code count} samples from {@code from} into {@code into} at {@code at}. */
  public void copy(int from, short[] into, int at, int count) {
    System.arraycopy(samples, from, into, at, count);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Sound sound && Arrays.equals(samples, sound.samples);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(samples);
  }
}
