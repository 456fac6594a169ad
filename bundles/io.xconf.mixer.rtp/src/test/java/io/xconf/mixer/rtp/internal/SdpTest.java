package io.xconf.mixer.rtp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.xconf.mixer.SdpException;
import java.util.List;
import org.junit.Test;

/** SDP the fuzzer found: malformed lines are refused as SDP errors, not runtime failures. */
public class SdpTest {

  private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

  @Test
  public void aPortOfOnlyASlashIsRefused() {
    assertThrows(
        SdpException.class,
        () ->
            Sdp.answer(
                HEAD + "c=IN IP4 127.0.0.1\r\nm=audio / RTP/AVP 0\r\n", "127.0.0.1", 4000, 1));
  }

  @Test
  public void anRtcpPortBeyond65535IsRefused() {
    for (String media :
        List.of("m=audio 5004 RTP/AVP 0\r\na=rtcp:78000\r\n", "m=audio 65535 RTP/AVP 0\r\n")) {
      assertThrows(
          media,
          SdpException.class,
          () -> Sdp.answer(HEAD + "c=IN IP4 127.0.0.1\r\n" + media, "127.0.0.1", 4000, 1));
    }
  }

  @Test
  public void anAddressOfOnlyASlashOrAnEmptyRtcpPortIsNoAddress() {
    assertThrows(
        SdpException.class,
        () ->
            Sdp.answer(
                HEAD + "c=IN IP4 /\r\nm=audio 5004 RTP/AVP 0\r\na=rtcp: \r\n",
                "127.0.0.1",
                4000,
                1));
    assertEquals("", Sdp.connectionAddress(HEAD + "c=IN IP4 /\r\n"));
  }
}
