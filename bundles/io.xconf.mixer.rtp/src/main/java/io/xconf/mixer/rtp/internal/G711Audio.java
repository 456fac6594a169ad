package io.xconf.mixer.rtp.internal;

/** G.711 (PCMU, PCMA) as the mixer's {@link AudioDecoder} and {@link AudioEncoder}. */
final class G711Audio {

  private G711Audio() {}

  static final class Decoder implements AudioDecoder {
    private final boolean alaw;
    private final FadingRepeat repeat = new FadingRepeat(8000);

    Decoder(boolean alaw) {
      this.alaw = alaw;
    }

    @Override
    public int samples(byte[] payload, int offset, int length) {
      return length;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out) {
      for (int i = 0; i < length; i++) {
        byte code = payload[offset + i];
        out[i] = alaw ? G711.decodeAlaw(code) : G711.decodeUlaw(code);
      }
      repeat.heard(out, length);
      return length;
    }

    @Override
    public void conceal(byte[] next, int offset, int length, short[] out, int samples) {
      repeat.conceal(out, samples);
    }
  }

  static final class Encoder implements AudioEncoder {
    private final boolean alaw;

    Encoder(boolean alaw) {
      this.alaw = alaw;
    }

    @Override
    public int encode(short[] pcm, byte[] out) {
      int samples = AudioCodec.PCMU.samplesPerTick();
      for (int i = 0; i < samples; i++) {
        out[i] = alaw ? G711.encodeAlaw(pcm[i]) : G711.encodeUlaw(pcm[i]);
      }
      return samples;
    }
  }
}
