package io.xconf.mixer.rtp.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * RTP payloads as callers send them, through the jitter buffer into the Opus and G.722 decoders:
 * whatever the bytes, a payload is played or dropped, never more samples than it may carry, and
 * nothing throws (a decoder's failure on the media clock would silence a whole lane).
 */
class CodecFuzzTest {

  @FuzzTest(maxDuration = "40s")
  void payloads(FuzzedDataProvider data) {
    AudioCodec codec = data.consumeBoolean() ? AudioCodec.OPUS : AudioCodec.G722;
    AudioDecoder decoder = codec.newDecoder();
    JitterBuffer buffer = new JitterBuffer(20, 200);
    buffer.decodeWith(codec, decoder);
    short[] tick = new short[codec.samplesPerTick()];
    int timestamp = 0;
    while (data.remainingBytes() > 2) {
      byte[] payload = data.consumeBytes(data.consumeInt(0, 400));
      timestamp += data.consumeInt(0, 4) * codec.unitsPerTick() / 2;
      buffer.put(timestamp, payload, 0, payload.length);
      buffer.take(tick);
      int samples = decoder.samples(payload, 0, payload.length);
      if (samples > 1920) {
        throw new AssertionError("a payload of " + samples + " samples");
      }
    }
  }
}
