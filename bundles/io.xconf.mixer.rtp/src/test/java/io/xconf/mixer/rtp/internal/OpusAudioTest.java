package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;

/**
 * Opus payloads as an attacker writes them: concentus throws AssertionError on some (the fuzzer
 * found one, kept in the fuzz module's inputs); the decoder turns every failure into a lost packet
 * and decodes the next good one.
 */
public class OpusAudioTest {

  /** A SILK frame on which concentus asserts (found by a search like the test below). */
  static final byte[] ASSERTING =
      java.util.HexFormat.of()
          .parseHex(
              "50a8b4c6637c43853eae86b2ad20a2b2fc360010ed0077c541eefff8a54641300ea4743e10ba3ec5ba"
                  + "8e1a0faeed268112d4ed36a8bd2faec1ee1bde3c304baba747f876d0f998780687a802643e");

  @Test
  public void aPayloadOnWhichConcentusAssertsIsALostPacket() {
    AudioDecoder decoder = AudioCodec.OPUS.newDecoder();
    short[] out = new short[1920];
    assertTrue(decoder.decode(ASSERTING, 0, ASSERTING.length, out) < 0);
    decoder.conceal(ASSERTING, 0, ASSERTING.length, out, 320);
  }

  @Test
  public void noPayloadThrowsAndAGoodOneDecodesAfterBadOnes() {
    AudioDecoder decoder = AudioCodec.OPUS.newDecoder();
    AudioEncoder encoder = AudioCodec.OPUS.newEncoder(24000, true);
    short[] tone = new short[320];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
    }
    byte[] good = new byte[1400];
    int goodLength = encoder.encode(tone, good);
    Random random = new Random(17);
    short[] out = new short[1920];
    for (int n = 0; n < 20_000; n++) {
      byte[] bad = new byte[1 + random.nextInt(400)];
      random.nextBytes(bad);
      // SILK-only TOCs now and then, where concentus's assertions sit.
      if (random.nextBoolean()) {
        bad[0] = (byte) (random.nextInt(12) << 3);
      }
      int samples = decoder.decode(bad, 0, bad.length, out);
      assertTrue(samples <= out.length);
      decoder.conceal(bad, 0, bad.length, out, 160);
    }
    assertTrue(decoder.decode(good, 0, goodLength, out) == 320);
  }
}
