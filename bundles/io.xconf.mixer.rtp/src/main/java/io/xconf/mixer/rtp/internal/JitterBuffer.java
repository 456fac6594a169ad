package io.xconf.mixer.rtp.internal;

import java.util.Arrays;

/**
 * An adaptive, bounded playout buffer for one incoming 8 kHz stream, in 10 ms granules. Packets are
 * placed by RTP timestamp; the media clock takes 20 ms every tick. A missing granule is concealed
 * by repeating the last one at half level, then by silence; a late packet is dropped and grows the
 * delay by one granule, and a buffer that stays fuller than it needs shrinks by one. Everything is
 * preallocated: no allocation per packet or per tick.
 */
final class JitterBuffer {

  static final int GRANULE = 80;
  private static final int SLOTS = 64;
  private static final int CONCEALED_GRANULES = 2;
  private static final int SHRINK_AFTER_TICKS = 50;

  private final short[] samples = new short[SLOTS * GRANULE];
  private final boolean[] filled = new boolean[SLOTS];
  private final short[] last = new short[GRANULE];
  private final int minGranules;
  private final int maxGranules;

  private boolean started;
  private int head;
  private int playout;
  private int newestEnd;
  private int targetGranules;
  private int missing;
  private int comfortableTicks;
  private long late;

  JitterBuffer(int minMillis, int maxMillis) {
    this.minGranules = Math.max(1, minMillis / 10);
    this.maxGranules = Math.min(SLOTS / 2, Math.max(this.minGranules, maxMillis / 10));
    this.targetGranules = Math.min(this.maxGranules, Math.max(this.minGranules, 4));
  }

  /** Forgets the stream (a new SSRC, a re-INVITE): the next packet starts it afresh. */
  void reset() {
    started = false;
    Arrays.fill(filled, false);
    missing = 0;
    comfortableTicks = 0;
  }

  long late() {
    return late;
  }

  int delayMillis() {
    return targetGranules * 10;
  }

  /**
   * Stores {@code count} decoded samples that start at RTP timestamp {@code timestamp}.
   *
   * @return false when they came too late to be played
   */
  boolean put(int timestamp, short[] decoded, int count) {
    if (count <= 0 || count % GRANULE != 0) {
      return false;
    }
    if (!started) {
      restartAt(timestamp);
    }
    int offset = timestamp - playout;
    if (offset < 0) {
      late++;
      if (targetGranules < maxGranules) {
        // Play one granule of concealment without advancing, so later packets find room.
        targetGranules++;
        playout -= GRANULE;
        head = Math.floorMod(head - 1, SLOTS);
        filled[head] = false;
      }
      return false;
    }
    if (offset % GRANULE != 0 || offset + count > (SLOTS - 1) * GRANULE) {
      // A timestamp jump (a new talk spurt far ahead, a restarted sender): start over from it.
      restartAt(timestamp);
      offset = timestamp - playout;
    }
    int first = offset / GRANULE;
    for (int g = 0; g < count / GRANULE; g++) {
      int slot = (head + first + g) % SLOTS;
      System.arraycopy(decoded, g * GRANULE, samples, slot * GRANULE, GRANULE);
      filled[slot] = true;
    }
    newestEnd = Math.max(newestEnd, offset + count);
    return true;
  }

  private void restartAt(int timestamp) {
    Arrays.fill(filled, false);
    started = true;
    head = 0;
    playout = timestamp - targetGranules * GRANULE;
    newestEnd = targetGranules * GRANULE;
    missing = 0;
  }

  /**
   * Takes the next 20 ms into {@code out}.
   *
   * @return false when there was nothing to play (no stream yet, or only concealment left)
   */
  boolean take(short[] out) {
    if (!started) {
      Arrays.fill(out, 0, 2 * GRANULE, (short) 0);
      return false;
    }
    boolean heard = false;
    for (int g = 0; g < 2; g++) {
      int slot = head;
      int at = g * GRANULE;
      if (filled[slot]) {
        System.arraycopy(samples, slot * GRANULE, out, at, GRANULE);
        System.arraycopy(samples, slot * GRANULE, last, 0, GRANULE);
        missing = 0;
        heard = true;
      } else if (++missing <= CONCEALED_GRANULES) {
        for (int i = 0; i < GRANULE; i++) {
          last[i] = (short) (last[i] >> 1);
          out[at + i] = last[i];
        }
        heard = true;
      } else {
        Arrays.fill(out, at, at + GRANULE, (short) 0);
      }
      filled[slot] = false;
      head = (head + 1) % SLOTS;
      playout += GRANULE;
      newestEnd -= GRANULE;
    }
    adapt();
    return heard;
  }

  /** Drops a granule when the buffer has held more than its target for a second. */
  private void adapt() {
    int buffered = newestEnd / GRANULE;
    if (buffered > targetGranules + 2) {
      if (++comfortableTicks >= SHRINK_AFTER_TICKS) {
        comfortableTicks = 0;
        filled[head] = false;
        head = (head + 1) % SLOTS;
        playout += GRANULE;
        newestEnd -= GRANULE;
        if (targetGranules > minGranules) {
          targetGranules--;
        }
      }
    } else {
      comfortableTicks = 0;
    }
  }
}
