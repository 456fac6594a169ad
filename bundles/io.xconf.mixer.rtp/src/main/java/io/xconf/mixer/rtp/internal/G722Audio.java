package io.xconf.mixer.rtp.internal;

/** G.722 at 64 kbit/s as the mixer's {@link AudioDecoder} and {@link AudioEncoder}. */
final class G722Audio {

  private G722Audio() {}

  static final class Decoder implements AudioDecoder {
    private final G722Decoder decoder = new G722Decoder();
    private final FadingRepeat repeat = new FadingRepeat(16000);

    @Override
    public int samples(byte[] payload, int offset, int length) {
      return 2 * length;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out) {
      int samples = decoder.decode(payload, offset, length, out, 0);
      repeat.heard(out, samples);
      return samples;
    }

    @Override
    public void conceal(byte[] next, int offset, int length, short[] out, int samples) {
      repeat.conceal(out, samples);
    }
  }

  static final class Encoder implements AudioEncoder {
    private final G722Encoder encoder = new G722Encoder();

    @Override
    public int encode(short[] pcm, byte[] out) {
      return encoder.encode(pcm, 0, AudioCodec.G722.samplesPerTick(), out, 0);
    }
  }
}
