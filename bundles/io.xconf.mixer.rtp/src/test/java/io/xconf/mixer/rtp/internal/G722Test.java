package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.Test;

/**
 * G.722 bit for bit against ffmpeg's coder on the fixtures of src/test/resources/g722 (see its
 * README.txt). The ITU-T test sequences, which are not ours to keep here, are checked by {@link
 * G722ItuCheck}.
 */
public class G722Test {

  /** Where input.raw's full-scale clipped sine starts (README.txt), in samples. */
  private static final int CLIP_START = 28000;

  /** Samples from an input to the decoder's output for it: the two QMFs'. */
  private static final int DELAY = 22;

  @Test
  public void encoderGivesFfmpegsOctetsUntilTheRecommendationLimitsTheQmf() throws IOException {
    short[] input = pcm("input.raw");
    byte[] ffmpeg = bytes("ffmpeg.g722");
    byte[] ours = new byte[input.length / 2];
    G722Encoder encoder = new G722Encoder();
    for (int i = 0; i < input.length; i += 320) {
      assertEquals(160, encoder.encode(input, i, 320, ours, i / 2));
    }
    // ffmpeg (like spandsp) leaves out LOWT and HIGHT, the Recommendation's limit of XL and XH
    // to 15 bits, so once the clipped sine drives the QMF past it the two coders part.
    int limited = firstPairTheRecommendationLimits(input);
    assertTrue("the limit engages within the clipped sine only", limited >= CLIP_START / 2);
    assertEquals(ffmpeg.length, ours.length);
    for (int i = 0; i < limited; i++) {
      if (ours[i] != ffmpeg[i]) {
        fail("octet " + i + ": " + (ours[i] & 0xff) + ", ffmpeg " + (ffmpeg[i] & 0xff));
      }
    }
    assertTrue(
        "the limit is kept, so the octets part from ffmpeg's after it",
        !Arrays.equals(ours, limited, ours.length, ffmpeg, limited, ffmpeg.length));
  }

  @Test
  public void decoderGivesFfmpegsSamples() throws IOException {
    assertArrayEquals(pcm("ffmpeg.raw"), decodeInPieces(bytes("ffmpeg.g722")));
  }

  @Test
  public void decoderGivesFfmpegsSamplesForRandomOctets() throws IOException {
    // Every code, the four never sent among them, drives the saturations and limits.
    assertArrayEquals(pcm("random.raw"), decodeInPieces(bytes("random.g722")));
  }

  @Test
  public void aToneComesBackWithinTheCodecsNoise() {
    short[] tone = new short[16000];
    double amplitude = 32768 * Math.pow(10, -10 / 20.0);
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 1000 * i / 16000));
    }
    byte[] coded = new byte[tone.length / 2];
    new G722Encoder().encode(tone, 0, tone.length, coded, 0);
    short[] decoded = new short[tone.length];
    new G722Decoder().decode(coded, 0, coded.length, decoded, 0);
    double signal = 0;
    double noise = 0;
    for (int i = 1600; i < tone.length; i++) {
      double error = decoded[i] - tone[i - DELAY];
      signal += (double) tone[i - DELAY] * tone[i - DELAY];
      noise += error * error;
    }
    double snr = 10 * Math.log10(signal / noise);
    assertTrue("SNR " + snr + " dB", snr > 40); // 47.6 dB
  }

  @Test
  public void resetStartsOverAsNew() throws IOException {
    short[] input = Arrays.copyOf(pcm("input.raw"), 16000);
    G722Encoder encoder = new G722Encoder();
    byte[] first = new byte[8000];
    encoder.encode(input, 0, input.length, first, 0);
    encoder.reset();
    byte[] again = new byte[8000];
    encoder.encode(input, 0, input.length, again, 0);
    assertArrayEquals(first, again);

    G722Decoder decoder = new G722Decoder();
    short[] decoded = new short[16000];
    decoder.decode(first, 0, first.length, decoded, 0);
    decoder.reset();
    short[] decodedAgain = new short[16000];
    decoder.decode(first, 0, first.length, decodedAgain, 0);
    assertArrayEquals(decoded, decodedAgain);
  }

  @Test
  public void piecesCodeAsTheWhole() throws IOException {
    short[] input = Arrays.copyOf(pcm("input.raw"), 8000);
    byte[] whole = new byte[4000];
    new G722Encoder().encode(input, 0, input.length, whole, 0);
    byte[] pieces = new byte[4000];
    G722Encoder encoder = new G722Encoder();
    int[] sizes = {2, 0, 320, 6, 158, 2, 1000};
    for (int done = 0, k = 0; done < input.length; k++) {
      int count = Math.min(sizes[k % sizes.length], input.length - done);
      assertEquals(count / 2, encoder.encode(input, done, count, pieces, done / 2));
      done += count;
    }
    assertArrayEquals(whole, pieces);

    short[] decoded = new short[8000];
    new G722Decoder().decode(whole, 0, whole.length, decoded, 0);
    assertArrayEquals(decoded, decodeInPieces(whole));
  }

  @Test
  public void rangesAreHonouredAndOddCountsRefused() {
    short[] pcm = new short[330];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (short) (i * 997);
    }
    byte[] expected = new byte[160];
    new G722Encoder().encode(pcm, 7, 320, expected, 0);

    G722Encoder encoder = new G722Encoder();
    byte[] out = new byte[170];
    Arrays.fill(out, (byte) 0x5a);
    assertEquals(0, encoder.encode(pcm, 0, 0, out, 170));
    assertThrows(IllegalArgumentException.class, () -> encoder.encode(pcm, 7, 3, out, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(pcm, 12, 320, out, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(pcm, 7, 320, out, 11));
    assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(pcm, -2, 320, out, 5));
    byte[] untouched = new byte[170];
    Arrays.fill(untouched, (byte) 0x5a);
    assertArrayEquals("refused calls write nothing", untouched, out);
    assertEquals(160, encoder.encode(pcm, 7, 320, out, 5));
    assertArrayEquals("and leave no state", expected, Arrays.copyOfRange(out, 5, 165));
    assertEquals(0x5a, out[4]);
    assertEquals(0x5a, out[165]);

    short[] decodedExpected = new short[320];
    new G722Decoder().decode(expected, 0, 160, decodedExpected, 0);
    G722Decoder decoder = new G722Decoder();
    short[] decoded = new short[330];
    Arrays.fill(decoded, (short) 0x5a5a);
    assertEquals(0, decoder.decode(expected, 160, 0, decoded, 330));
    assertThrows(
        IndexOutOfBoundsException.class, () -> decoder.decode(expected, 1, 160, decoded, 0));
    assertThrows(
        IndexOutOfBoundsException.class, () -> decoder.decode(expected, 0, 160, decoded, 11));
    assertEquals(320, decoder.decode(expected, 0, 160, decoded, 3));
    assertArrayEquals(decodedExpected, Arrays.copyOfRange(decoded, 3, 323));
    assertEquals(0x5a5a, decoded[2]);
    assertEquals(0x5a5a, decoded[323]);
  }

  private static int firstPairTheRecommendationLimits(short[] x) {
    int[] h = {
      3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
      3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3
    };
    for (int pair = 0; 2 * pair + 1 < x.length; pair++) {
      int j = 2 * pair + 1; // the pair's second sample, the newest
      long a = 0;
      long b = 0;
      for (int i = 0; i < 12; i++) {
        a += j - 2 * i >= 0 ? (long) h[2 * i] * x[j - 2 * i] : 0;
        b += j - 2 * i - 1 >= 0 ? (long) h[2 * i + 1] * x[j - 2 * i - 1] : 0;
      }
      long xl = (a + b) >> 14;
      long xh = (a - b) >> 14;
      if (xl < -16384 || xl > 16383 || xh < -16384 || xh > 16383) {
        return pair;
      }
    }
    return x.length / 2;
  }

  /** Decodes in pieces of 0 to 199 octets, as RTP payloads come. */
  private static short[] decodeInPieces(byte[] coded) {
    G722Decoder decoder = new G722Decoder();
    short[] out = new short[2 * coded.length];
    for (int done = 0, k = 0; done < coded.length; k++) {
      int length = Math.min((k * 7919) % 200, coded.length - done);
      assertEquals(2 * length, decoder.decode(coded, done, length, out, 2 * done));
      done += length;
    }
    return out;
  }

  private static byte[] bytes(String name) throws IOException {
    try (InputStream in = G722Test.class.getResourceAsStream("/g722/" + name)) {
      if (in == null) {
        throw new IOException("no fixture g722/" + name);
      }
      return in.readAllBytes();
    }
  }

  private static short[] pcm(String name) throws IOException {
    byte[] raw = bytes(name);
    short[] samples = new short[raw.length / 2];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    return samples;
  }
}
