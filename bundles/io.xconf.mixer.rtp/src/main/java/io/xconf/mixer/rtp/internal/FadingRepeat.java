package io.xconf.mixer.rtp.internal;

/**
 * Concealment for codecs that have none: the last 10 ms heard, repeated at half its level each
 * time, so a lost packet or two pass unnoticed and a longer gap fades out.
 */
final class FadingRepeat {

  private final short[] last;
  private int length;

  FadingRepeat(int sampleRate) {
    last = new short[sampleRate / 100];
  }

  /** Keeps the end of what was just decoded. */
  void heard(short[] decoded, int count) {
    length = Math.min(count, last.length);
    System.arraycopy(decoded, count - length, last, 0, length);
  }

  void conceal(short[] out, int samples) {
    if (length == 0) {
      java.util.Arrays.fill(out, 0, samples, (short) 0);
      return;
    }
    for (int i = 0; i < length; i++) {
      last[i] = (short) (last[i] >> 1);
    }
    for (int i = 0; i < samples; i++) {
      out[i] = last[i % length];
    }
  }
}
