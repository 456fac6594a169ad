package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.xconf.mixer.SdpException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/**
 * Offer/answer: which codec is picked and how it is written; and SDP the fuzzer found, malformed
 * lines refused as SDP errors, not runtime failures.
 */
public class SdpTest {

  private static final Set<AudioCodec> ALL = EnumSet.allOf(AudioCodec.class);

  private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

  @Test
  public void aPortOfOnlyASlashIsRefused() {
    assertThrows(
        SdpException.class,
        () ->
            Sdp.answer(
                HEAD + "c=IN IP4 127.0.0.1\r\nm=audio / RTP/AVP 0\r\n", ALL, "127.0.0.1", 4000, 1));
  }

  @Test
  public void anRtcpPortBeyond65535IsRefused() {
    for (String media :
        List.of("m=audio 5004 RTP/AVP 0\r\na=rtcp:78000\r\n", "m=audio 65535 RTP/AVP 0\r\n")) {
      assertThrows(
          media,
          SdpException.class,
          () -> Sdp.answer(HEAD + "c=IN IP4 127.0.0.1\r\n" + media, ALL, "127.0.0.1", 4000, 1));
    }
  }

  @Test
  public void anAddressOfOnlyASlashOrAnEmptyRtcpPortIsNoAddress() {
    assertThrows(
        SdpException.class,
        () ->
            Sdp.answer(
                HEAD + "c=IN IP4 /\r\nm=audio 5004 RTP/AVP 0\r\na=rtcp: \r\n",
                ALL,
                "127.0.0.1",
                4000,
                1));
    assertEquals("", Sdp.connectionAddress(HEAD + "c=IN IP4 /\r\n"));
  }

  private static final String LINPHONE_LIKE =
      HEAD
          + "c=IN IP4 192.0.2.7\r\n"
          + "m=audio 7078 RTP/AVP 0 8 9 96 101 97\r\n"
          + "a=rtpmap:96 opus/48000/2\r\n"
          + "a=fmtp:96 useinbandfec=1; maxaveragebitrate=20000\r\n"
          + "a=rtpmap:101 telephone-event/8000\r\n"
          + "a=rtpmap:97 telephone-event/48000\r\n";

  @Test
  public void opusIsPreferredWhereverTheOffererListsIt() throws Exception {
    Sdp.Answered answered = Sdp.answer(LINPHONE_LIKE, ALL, "192.0.2.1", 4000, 1);
    Sdp.Agreement agreed = answered.agreement();
    assertEquals(AudioCodec.OPUS, agreed.codec());
    assertEquals(96, agreed.payloadType());
    // The telephone-event whose clock is Opus's, as RFC 4733 wants.
    assertEquals(97, agreed.telephoneEventPayloadType());
    assertEquals(16000, agreed.bitrate()); // the highest step under the 20 kbit/s it allows
    assertTrue(answered.sdp(), answered.sdp().contains("m=audio 4000 RTP/AVP 96 97\r\n"));
    assertTrue(answered.sdp().contains("a=rtpmap:96 opus/48000/2\r\n"));
    assertTrue(answered.sdp().contains("a=fmtp:96 maxplaybackrate=16000;"));
    assertTrue(answered.sdp().contains("a=rtpmap:97 telephone-event/48000\r\n"));
  }

  @Test
  public void withoutOpusG722ComesBeforeG711AndG711KeepsTheOfferersOrder() throws Exception {
    Set<AudioCodec> noOpus = EnumSet.complementOf(EnumSet.of(AudioCodec.OPUS));
    assertEquals(
        AudioCodec.G722,
        Sdp.answer(LINPHONE_LIKE, noOpus, "192.0.2.1", 4000, 1).agreement().codec());
    Set<AudioCodec> narrow = EnumSet.of(AudioCodec.PCMU, AudioCodec.PCMA);
    String alawFirst = LINPHONE_LIKE.replace("RTP/AVP 0 8 9", "RTP/AVP 8 0 9");
    assertEquals(
        AudioCodec.PCMA, Sdp.answer(alawFirst, narrow, "192.0.2.1", 4000, 1).agreement().codec());
    SdpException refused =
        assertThrows(
            SdpException.class,
            () -> Sdp.answer(LINPHONE_LIKE, EnumSet.noneOf(AudioCodec.class), "h", 4000, 1));
    assertTrue(refused.getMessage(), refused.getMessage().contains("none"));
  }

  @Test
  public void aDialOutOffersWhatIsAllowedInOurOrderAndTakesTheAnswersFirstChoice()
      throws Exception {
    String offer = Sdp.offer(ALL, "192.0.2.1", 4000, 1);
    assertTrue(offer, offer.contains("m=audio 4000 RTP/AVP 111 9 0 8 101\r\n"));
    assertTrue(offer.contains("a=rtpmap:111 opus/48000/2\r\n"));
    assertTrue(offer.contains("a=rtpmap:9 G722/8000\r\n"));
    String answer =
        HEAD
            + "c=IN IP4 192.0.2.9\r\nm=audio 5000 RTP/AVP 9 0 101\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n";
    Sdp.Agreement agreed = Sdp.answered(answer, ALL);
    assertEquals(AudioCodec.G722, agreed.codec());
    assertEquals(101, agreed.telephoneEventPayloadType());
    assertThrows(SdpException.class, () -> Sdp.answered(answer, EnumSet.of(AudioCodec.OPUS)));
  }
}
