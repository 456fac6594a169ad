package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Before;
import org.junit.Test;

/**
 * The playout buffer with a codec that writes down what it is asked: packets are decoded in order
 * as they are played, a lost one is rebuilt from the next one's FEC when that is at hand, and
 * concealment stops after two granules.
 */
public class JitterBufferTest {

  private static final int UNITS = 480; // 10 ms of Opus's 48 kHz RTP clock
  private static final int SAMPLES = 160; // 10 ms at 16 kHz

  /** A payload is {granules, level}; it decodes to its level, FEC to -level, concealment to -1. */
  private static final class Recording implements AudioDecoder {
    final List<String> calls = new ArrayList<>();

    @Override
    public int samples(byte[] payload, int offset, int length) {
      return length == 2 ? payload[offset] * SAMPLES : -1;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out) {
      calls.add("decode " + payload[offset + 1]);
      int samples = payload[offset] * SAMPLES;
      Arrays.fill(out, 0, samples, payload[offset + 1]);
      return samples;
    }

    @Override
    public void conceal(byte[] next, int offset, int length, short[] out, int samples) {
      calls.add(next == null ? "conceal " + samples : "fec " + next[offset + 1] + " " + samples);
      Arrays.fill(out, 0, samples, (short) (next == null ? -1 : -next[offset + 1]));
    }
  }

  private final Recording decoder = new Recording();
  private final JitterBuffer buffer = new JitterBuffer(20, 200);
  private final short[] tick = new short[2 * SAMPLES];

  @Before
  public void opus() {
    buffer.decodeWith(AudioCodec.OPUS, decoder);
  }

  private void put(int granuleIndex, int granules, int level) {
    buffer.put(granuleIndex * UNITS, new byte[] {(byte) granules, (byte) level}, 0, 2);
  }

  /** Plays ticks until the first audio, then returns the levels of the next {@code ticks}. */
  private List<Integer> levels(int ticks) {
    List<Integer> levels = new ArrayList<>();
    int guard = 0;
    while (levels.isEmpty() && guard++ < 20) {
      if (buffer.take(tick)) {
        levels.add((int) tick[0]);
        levels.add((int) tick[SAMPLES]);
      }
    }
    for (int t = 1; t < ticks; t++) {
      buffer.take(tick);
      levels.add((int) tick[0]);
      levels.add((int) tick[SAMPLES]);
    }
    return levels;
  }

  @Test
  public void packetsAreDecodedInOrderWhateverOrderTheyCameIn() {
    put(0, 2, 1);
    put(4, 2, 3);
    put(2, 2, 2);
    assertEquals(List.of(1, 1, 2, 2, 3, 3), levels(3));
    assertEquals(List.of("decode 1", "decode 2", "decode 3"), decoder.calls);
  }

  @Test
  public void aLostPacketIsRebuiltFromTheNextOnesFec() {
    put(0, 2, 1);
    put(4, 2, 3);
    assertEquals(List.of(1, 1, -3, -3, 3, 3), levels(3));
    assertEquals(List.of("decode 1", "fec 3 320", "decode 3"), decoder.calls);
  }

  @Test
  public void withoutANextPacketConcealmentLastsTwoGranulesThenItIsSilence() {
    put(0, 2, 1);
    List<Integer> levels = levels(3);
    assertEquals(List.of(1, 1, -1, -1, 0, 0), levels);
    assertEquals(List.of("decode 1", "conceal 160", "conceal 160"), decoder.calls);
    assertFalse(buffer.take(tick));
  }

  @Test
  public void sixtyMillisecondPacketsAndDuplicates() {
    put(0, 6, 5);
    put(0, 6, 5);
    assertEquals(List.of(5, 5, 5, 5, 5, 5), levels(3));
    assertEquals(List.of("decode 5"), decoder.calls);
  }

  @Test
  public void nothingBeforeTheFirstPacketIsTakenForALoss() {
    put(0, 2, 1);
    assertTrue(levels(1).contains(1));
    assertFalse(decoder.calls.stream().anyMatch(call -> call.startsWith("fec")));
    assertFalse(decoder.calls.stream().anyMatch(call -> call.startsWith("conceal")));
  }

  @Test
  public void payloadsThatAreNotWholeGranulesOrTooLongAreRefused() {
    assertFalse(buffer.put(0, new byte[] {7, 1}, 0, 2)); // 70 ms
    assertFalse(buffer.put(0, new byte[] {0, 1}, 0, 2));
    assertFalse(buffer.put(0, new byte[] {1, 1, 1}, 0, 3));
    short[] silence = new short[2 * SAMPLES];
    assertFalse(buffer.take(tick));
    assertArrayEquals(silence, tick);
  }

  @Test
  public void aLatePacketIsCountedAndNotPlayed() {
    put(10, 2, 1);
    levels(2);
    put(10, 2, 9);
    assertEquals(1, buffer.late());
    assertFalse(decoder.calls.contains("decode 9"));
  }
}
