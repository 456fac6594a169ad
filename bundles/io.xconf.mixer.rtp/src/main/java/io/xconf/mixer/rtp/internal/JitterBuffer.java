package io.xconf.mixer.rtp.internal;

import java.util.Arrays;

/**
 * An adaptive, bounded playout buffer for one incoming stream, in 10 ms granules. Packets are kept
 * encoded, placed by RTP timestamp, and decoded in order as they are played, which stateful codecs
 * (G.722, Opus) need and which lets Opus rebuild a lost packet from the next one's in-band FEC. A
 * missing granule is concealed by the codec (or a fading repeat) twice, then it is silence; a late
 * packet is dropped and grows the delay by one granule, and a buffer that stays fuller than it
 * needs shrinks by one. Everything is preallocated: no allocation per packet or per tick.
 */
final class JitterBuffer {

  private static final int SLOTS = 64;
  private static final int CONCEALED_GRANULES = 2;
  private static final int SHRINK_AFTER_TICKS = 50;

  /** Longest packet taken: 60 ms, six granules. */
  static final int MAX_PACKET_GRANULES = 6;

  /** Payload room per granule: 10 ms at 256 kbit/s, more than any voice codec sends. */
  private static final int SLOT_BYTES = 320;

  private static final int EMPTY = 0;
  private static final int CONTINUED = -1;

  private final byte[] payloads = new byte[(SLOTS + MAX_PACKET_GRANULES) * SLOT_BYTES];

  /** Per slot: a packet's length where one starts, {@link #CONTINUED} under a longer packet. */
  private final int[] lengths = new int[SLOTS];

  private final int[] granulesOf = new int[SLOTS];
  private final int minGranules;
  private final int maxGranules;

  private AudioDecoder decoder;
  private int unitsPerGranule;
  private int samplesPerGranule;
  private short[] pcm = new short[0];
  private short[] dropped = new short[0];
  private int pcmAt;
  private int pcmEnd;

  private boolean started;

  /** A packet was played since the stream (re)started: only then is a gap a loss. */
  private boolean played;

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

  /** Takes a (new) codec: what was buffered under the old one is forgotten. */
  void decodeWith(AudioCodec codec, AudioDecoder decoder) {
    this.decoder = decoder;
    this.unitsPerGranule = codec.clockRate() / 100;
    this.samplesPerGranule = codec.sampleRate() / 100;
    int room = (MAX_PACKET_GRANULES + 1) * samplesPerGranule * 2;
    if (pcm.length < room) {
      pcm = new short[room];
      dropped = new short[samplesPerGranule];
    }
    reset();
  }

  /** Forgets the stream (a new SSRC, a re-INVITE): the next packet starts it afresh. */
  void reset() {
    started = false;
    Arrays.fill(lengths, EMPTY);
    pcmAt = pcmEnd = 0;
    missing = 0;
    comfortableTicks = 0;
  }

  long late() {
    return late;
  }

  /**
   * Stores an encoded payload that starts at RTP timestamp {@code timestamp}.
   *
   * @return false when it was dropped: too late, malformed, or not whole granules long
   */
  boolean put(int timestamp, byte[] payload, int offset, int length) {
    int samples = decoder == null ? -1 : decoder.samples(payload, offset, length);
    if (samples <= 0 || samples % samplesPerGranule != 0) {
      return false;
    }
    int granules = samples / samplesPerGranule;
    if (granules > MAX_PACKET_GRANULES || length > granules * SLOT_BYTES) {
      return false;
    }
    if (!started) {
      restartAt(timestamp);
    }
    int offsetUnits = timestamp - playout;
    if (offsetUnits < 0) {
      late++;
      if (targetGranules < maxGranules) {
        // Play one granule of concealment without advancing, so later packets find room.
        targetGranules++;
        playout -= unitsPerGranule;
        head = Math.floorMod(head - 1, SLOTS);
        lengths[head] = EMPTY;
      }
      return false;
    }
    int span = granules * unitsPerGranule;
    if (offsetUnits % unitsPerGranule != 0 || offsetUnits + span > (SLOTS - 1) * unitsPerGranule) {
      // A timestamp jump (a new talk spurt far ahead, a restarted sender): start over from it.
      restartAt(timestamp);
      offsetUnits = timestamp - playout;
    }
    int slot = (head + offsetUnits / unitsPerGranule) % SLOTS;
    if (lengths[slot] != EMPTY) {
      return true; // a duplicate, or inside a packet already here (its bytes stay whole)
    }
    System.arraycopy(payload, offset, payloads, slot * SLOT_BYTES, length);
    lengths[slot] = length;
    granulesOf[slot] = granules;
    for (int g = 1; g < granules; g++) {
      int next = (slot + g) % SLOTS;
      if (lengths[next] == EMPTY) {
        lengths[next] = CONTINUED;
      }
    }
    newestEnd = Math.max(newestEnd, offsetUnits + span);
    return true;
  }

  private void restartAt(int timestamp) {
    Arrays.fill(lengths, EMPTY);
    started = true;
    played = false;
    head = 0;
    playout = timestamp - targetGranules * unitsPerGranule;
    newestEnd = targetGranules * unitsPerGranule;
    missing = 0;
    pcmAt = pcmEnd = 0;
  }

  /**
   * Takes the next 20 ms into {@code out}, at the codec's sample rate.
   *
   * @return false when there was nothing to play (no stream yet, or only silence left)
   */
  boolean take(short[] out) {
    if (!started || decoder == null) {
      Arrays.fill(out, (short) 0);
      return false;
    }
    boolean heard = granule(out, 0);
    heard |= granule(out, samplesPerGranule);
    adapt();
    return heard;
  }

  /** Plays the head granule into {@code out} at {@code at}; false when it is silence. */
  private boolean granule(short[] out, int at) {
    int slot = head;
    boolean heard = true;
    if (lengths[slot] > 0) {
      int decoded = decoder.decode(payloads, slot * SLOT_BYTES, lengths[slot], pcm);
      pcmAt = 0;
      pcmEnd = Math.max(0, decoded);
      played = true;
    }
    if (pcmAt >= pcmEnd) {
      pcmAt = pcmEnd = 0;
      heard = conceal();
    }
    if (heard) {
      System.arraycopy(pcm, pcmAt, out, at, samplesPerGranule);
      pcmAt += samplesPerGranule;
      if (lengths[slot] != EMPTY) {
        missing = 0;
      }
    } else {
      Arrays.fill(out, at, at + samplesPerGranule, (short) 0);
    }
    lengths[slot] = EMPTY;
    head = (head + 1) % SLOTS;
    playout += unitsPerGranule;
    newestEnd -= unitsPerGranule;
    return heard;
  }

  /**
   * Fills {@link #pcm} for a granule that never came: the whole gap up to the next packet at once
   * when that packet can rebuild it (its in-band FEC covers its own length before it), else one
   * granule of concealment, at most {@link #CONCEALED_GRANULES} in a row.
   */
  private boolean conceal() {
    if (!played || ++missing > CONCEALED_GRANULES) {
      return false;
    }
    for (int ahead = 1; ahead <= MAX_PACKET_GRANULES; ahead++) {
      int slot = (head + ahead) % SLOTS;
      if (lengths[slot] > 0) {
        if (granulesOf[slot] <= ahead) {
          int samples = ahead * samplesPerGranule;
          decoder.conceal(payloads, slot * SLOT_BYTES, lengths[slot], pcm, samples);
          pcmEnd = samples;
          return true;
        }
        break;
      }
      if (lengths[slot] == CONTINUED) {
        break;
      }
    }
    decoder.conceal(null, 0, 0, pcm, samplesPerGranule);
    pcmEnd = samplesPerGranule;
    return true;
  }

  /** Drops a granule when the buffer has held more than its target for a second. */
  private void adapt() {
    int buffered = newestEnd / unitsPerGranule;
    if (buffered > targetGranules + 2) {
      if (++comfortableTicks >= SHRINK_AFTER_TICKS) {
        comfortableTicks = 0;
        // Played into the scratch and discarded: a stateful decoder must see every packet.
        granule(dropped, 0);
        if (targetGranules > minGranules) {
          targetGranules--;
        }
      }
    } else {
      comfortableTicks = 0;
    }
  }
}
