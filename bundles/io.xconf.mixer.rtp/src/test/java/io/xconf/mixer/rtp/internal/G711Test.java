package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** G.711 against the values of ITU-T G.711's tables. */
public class G711Test {

  @Test
  public void knownCodesDecodeToTheirValues() {
    assertEquals(0, G711.decodeUlaw((byte) 0xff));
    assertEquals(-32124, G711.decodeUlaw((byte) 0x00));
    assertEquals(32124, G711.decodeUlaw((byte) 0x80));
    assertEquals(8, G711.decodeAlaw((byte) 0xd5));
    assertEquals(-8, G711.decodeAlaw((byte) 0x55));
    assertEquals(32256, G711.decodeAlaw((byte) 0xaa));
    assertEquals((byte) 0xff, G711.encodeUlaw(0));
    assertEquals((byte) 0xd5, G711.encodeAlaw(0));
  }

  @Test
  public void everyCodeSurvivesARoundTripAndErrorsStayWithinTheSegment() {
    for (int code = 0; code < 256; code++) {
      short u = G711.decodeUlaw((byte) code);
      assertEquals(u, G711.decodeUlaw(G711.encodeUlaw(u)));
      short a = G711.decodeAlaw((byte) code);
      assertEquals(a, G711.decodeAlaw(G711.encodeAlaw(a)));
    }
    for (int sample = -32768; sample <= 32767; sample += 7) {
      int tolerance = Math.max(16, Math.abs(sample) / 16);
      assertTrue(Math.abs(G711.decodeUlaw(G711.encodeUlaw(sample)) - sample) <= tolerance);
      assertTrue(Math.abs(G711.decodeAlaw(G711.encodeAlaw(sample)) - sample) <= tolerance);
    }
  }
}
