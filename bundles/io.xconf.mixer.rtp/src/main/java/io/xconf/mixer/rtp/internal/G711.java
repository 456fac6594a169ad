package io.xconf.mixer.rtp.internal;

/**
 * G.711 u-law and A-law (ITU-T G.711), by table: decoding is one lookup, encoding one lookup of the
 * 14-bit (u-law) or 13-bit (A-law) sample.
 */
final class G711 {

  private static final short[] ULAW_DECODE = new short[256];
  private static final short[] ALAW_DECODE = new short[256];
  private static final byte[] ULAW_ENCODE = new byte[1 << 14];
  private static final byte[] ALAW_ENCODE = new byte[1 << 13];

  static {
    for (int i = 0; i < 256; i++) {
      ULAW_DECODE[i] = ulawToLinear((byte) i);
      ALAW_DECODE[i] = alawToLinear((byte) i);
    }
    for (int i = 0; i < ULAW_ENCODE.length; i++) {
      ULAW_ENCODE[i] = linearToUlaw((short) ((i - (1 << 13)) << 2));
    }
    for (int i = 0; i < ALAW_ENCODE.length; i++) {
      ALAW_ENCODE[i] = linearToAlaw((short) ((i - (1 << 12)) << 3));
    }
  }

  private G711() {}

  static short decodeUlaw(byte code) {
    return ULAW_DECODE[code & 0xff];
  }

  static short decodeAlaw(byte code) {
    return ALAW_DECODE[code & 0xff];
  }

  static byte encodeUlaw(int sample) {
    return ULAW_ENCODE[(clip(sample) >> 2) + (1 << 13)];
  }

  static byte encodeAlaw(int sample) {
    return ALAW_ENCODE[(clip(sample) >> 3) + (1 << 12)];
  }

  static int clip(int sample) {
    return sample > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(sample, Short.MIN_VALUE);
  }

  private static short ulawToLinear(byte code) {
    int u = ~code & 0xff;
    int t = ((u & 0x0f) << 3) + 0x84;
    t <<= (u & 0x70) >> 4;
    return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
  }

  private static byte linearToUlaw(short pcm) {
    int sample = pcm;
    int mask;
    if (sample < 0) {
      sample = -sample;
      mask = 0x7f;
    } else {
      mask = 0xff;
    }
    sample = Math.min(sample + 0x84, 0x7fff);
    int segment = 7;
    for (int probe = 0x4000; (sample & probe) == 0 && segment > 0; probe >>= 1) {
      segment--;
    }
    int code = (segment << 4) | ((sample >> (segment + 3)) & 0x0f);
    return (byte) (code ^ mask);
  }

  private static short alawToLinear(byte code) {
    int a = (code ^ 0x55) & 0xff;
    int t = (a & 0x0f) << 4;
    int segment = (a & 0x70) >> 4;
    switch (segment) {
      case 0 -> t += 8;
      case 1 -> t += 0x108;
      default -> {
        t += 0x108;
        t <<= segment - 1;
      }
    }
    return (short) ((a & 0x80) != 0 ? t : -t);
  }

  private static byte linearToAlaw(short pcm) {
    int sample = pcm;
    int mask;
    if (sample >= 0) {
      mask = 0xd5;
    } else {
      mask = 0x55;
      sample = -sample - 1;
    }
    int segment = 0;
    for (int bound = 0xff; sample > bound && segment < 8; bound = (bound << 1) | 1) {
      segment++;
    }
    if (segment >= 8) {
      return (byte) (0x7f ^ mask);
    }
    int code = segment << 4;
    code |= segment < 2 ? (sample >> 4) & 0x0f : (sample >> (segment + 3)) & 0x0f;
    return (byte) (code ^ mask);
  }
}
