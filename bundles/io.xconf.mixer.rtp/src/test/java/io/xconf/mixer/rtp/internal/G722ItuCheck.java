package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Checks the G.722 coder against ITU-T G.722 Appendix II's digital test sequences, mode 1 (64
 * kbit/s), run as the appendix has it: on the sub-band ADPCM coders with the QMFs by-passed. The
 * sequences are the ITU's, so they are not kept in the repository; with them in DIR (the ASCII
 * files T1C1.XMT ... or the binary little-endian bt1c1.xmt ... of the Recommendation's
 * distribution): {@code java -cp <test classpath> io.xconf.mixer.rtp.internal.G722ItuCheck DIR}
 * (docs/media.md). It fails with an assertion at the first word that differs.
 */
public final class G722ItuCheck {

  private G722ItuCheck() {}

  /**
   * ITU-T G.722 Appendix II's digital test sequences, mode 1 (64 kbit/s), run as the appendix has
   * it: on the sub-band ADPCM coders with the QMFs by-passed. They are the ITU's, not kept here:
   * {@code -Dg722.itu.dir=DIR}, DIR holding the ASCII files (T1C1.XMT ...) or the binary
   * little-endian ones (bt1c1.xmt ...) of the Recommendation's distribution.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: G722ItuCheck DIR (the ITU-T test sequences)");
    }
    Path path = Paths.get(args[0]);
    ituEncoder(path, "T1C1.XMT", "T2R1.COD");
    ituEncoder(path, "T1C2.XMT", "T2R2.COD");
    ituDecoder(path, "T2R1.COD", "T3L1.RC1", "T3H1.RC0");
    ituDecoder(path, "T2R2.COD", "T3L2.RC1", "T3H2.RC0");
    ituDecoder(path, "T1D3.COD", "T3L3.RC1", "T3H3.RC0");
    java.util.logging.Logger.getLogger("G722ItuCheck")
        .info("all five mode-1 configurations bit-exact");
  }

  /**
   * Encoder input: each word is XL << 1, XH the same, or 1 for a reset; its output word holds the
   * octet in its upper 8 bits, or 1 for a reset.
   */
  private static void ituEncoder(Path dir, String input, String reference) throws IOException {
    int[] in = itu(dir, input);
    int[] expected = itu(dir, reference);
    assertEquals(input, expected.length, in.length);
    G722Encoder encoder = new G722Encoder();
    for (int i = 0; i < in.length; i++) {
      int word = 1;
      if ((in[i] & 1) != 0) {
        encoder.reset();
      } else {
        int x = (short) in[i] >> 1;
        int low = encoder.encodeLow(x);
        word = (encoder.encodeHigh(x) << 6 | low) << 8;
      }
      if (word != expected[i]) {
        fail(String.format("%s word %d: %x, %s %x", input, i, word, reference, expected[i]));
      }
    }
  }

  /** Decoder output: RL and RH each << 1, or 1 for a reset. */
  private static void ituDecoder(Path dir, String input, String low, String high)
      throws IOException {
    int[] in = itu(dir, input);
    int[] expectedLow = itu(dir, low);
    int[] expectedHigh = itu(dir, high);
    assertEquals(input, expectedLow.length, in.length);
    assertEquals(input, expectedHigh.length, in.length);
    G722Decoder decoder = new G722Decoder();
    for (int i = 0; i < in.length; i++) {
      int rl = 1;
      int rh = 1;
      if ((in[i] & 1) != 0) {
        decoder.reset();
      } else {
        rl = (decoder.decodeLow(in[i] >> 8 & 0x3f) << 1) & 0xffff;
        rh = (decoder.decodeHigh(in[i] >> 14 & 3) << 1) & 0xffff;
      }
      assertEquals(input + " -> " + low + " word " + i, expectedLow[i], rl);
      assertEquals(input + " -> " + high + " word " + i, expectedHigh[i], rh);
    }
  }

  /**
   * A test sequence's 16-bit words: from the ASCII file (16 words in hex a line, then a checksum
   * that brings the line's character sum to 0 modulo 256; comments in slash-stars), else from the
   * binary little-endian one.
   */
  private static int[] itu(Path dir, String name) throws IOException {
    Path ascii = dir.resolve(name);
    if (!Files.exists(ascii)) {
      byte[] binary = Files.readAllBytes(dir.resolve("b" + name.toLowerCase(Locale.ROOT)));
      int[] words = new int[binary.length / 2];
      for (int i = 0; i < words.length; i++) {
        words[i] = (binary[2 * i] & 0xff) | (binary[2 * i + 1] & 0xff) << 8;
      }
      return words;
    }
    IntStream.Builder words = IntStream.builder();
    for (String line : Files.readAllLines(ascii, StandardCharsets.ISO_8859_1)) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("/*")) {
        continue;
      }
      int sum = Integer.parseInt(line.substring(line.length() - 2), 16);
      for (int i = 0; i < line.length() - 2; i++) {
        sum += line.charAt(i);
      }
      assertEquals(name + ": checksum of " + line, 0, sum & 0xff);
      for (int i = 0; i + 4 <= line.length() - 2; i += 4) {
        words.add(Integer.parseInt(line.substring(i, i + 4), 16));
      }
    }
    return words.build().toArray();
  }

  /**
   * The first pair whose transmit-QMF output XL or XH leaves 15 bits, computed as the
   * Recommendation writes the filter (h0 to h23 on the input, newest first), independently of the
   * encoder's own arrangement of it.
   */
}
