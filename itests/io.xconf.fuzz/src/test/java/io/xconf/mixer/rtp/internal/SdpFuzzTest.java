package io.xconf.mixer.rtp.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.xconf.mixer.SdpException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * SDP as the embedded mixer reads it from callers (an offer) and callees (an answer): malformed or
 * hostile SDP is refused with an SdpException, never anything else, and the answer the mixer writes
 * to any offer it takes reads back as an answer.
 */
class SdpFuzzTest {

  private static final Set<AudioCodec> ALL = EnumSet.allOf(AudioCodec.class);

  @FuzzTest(maxDuration = "40s")
  void anOfferOrAnAnswer(byte[] input) throws Exception {
    String sdp = new String(input, StandardCharsets.UTF_8);
    Sdp.connectionAddress(sdp);
    try {
      Sdp.Answered answered = Sdp.answer(sdp, ALL, "127.0.0.1", 40000, 1);
      Sdp.answered(answered.sdp(), ALL);
    } catch (SdpException refused) {
      // what a caller gets as 488
    }
    try {
      Sdp.answered(sdp, ALL);
    } catch (SdpException refused) {
      // a callee's unusable answer: the call ends
    }
  }
}
