package io.xconf.sip.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import javax.sip.SipFactory;
import javax.sip.message.Request;
import org.junit.Test;

/** Whose asserted identities are believed, and what they say. */
public class TrustedProxiesTest {

  private static InetSocketAddress at(String address, int port) {
    return new InetSocketAddress(address, port);
  }

  @Test
  public void aSourceIsTrustedByItsAddressAndPortOnly() {
    TrustedProxies proxies = TrustedProxies.parse(" 127.0.0.1:5070, 10.0.0.7 ,[::1]:5080");
    assertTrue(proxies.trusts(at("127.0.0.1", 5070)));
    assertFalse("another port of the same host", proxies.trusts(at("127.0.0.1", 5071)));
    assertTrue("no port given: any port", proxies.trusts(at("10.0.0.7", 40123)));
    assertFalse(proxies.trusts(at("10.0.0.8", 5070)));
    assertTrue(proxies.trusts(at("::1", 5080)));
    assertFalse(proxies.trusts(at("::1", 5070)));
    assertFalse(TrustedProxies.NONE.trusts(at("127.0.0.1", 5070)));
    assertTrue(TrustedProxies.parse("").isEmpty());
  }

  @Test
  public void anythingButAPlainAddressIsRefused() {
    for (String entry :
        List.of(
            "proxy.example.com",
            "127.0.0.1:0",
            "127.0.0.1:http",
            // the last group could be a port: brackets say which
            "2001:db8::10:5070",
            "999.1.1.1",
            "1.2.3.4.5",
            "127.1",
            "2130706433",
            "0.0.0.0",
            "[::]",
            "224.0.0.1")) {
      assertThrows(entry, IllegalArgumentException.class, () -> TrustedProxies.parse(entry));
    }
  }

  @Test
  public void aSourceTheStackCouldNotTellIsNotTrusted() {
    assertFalse(TrustedProxies.parse("127.0.0.1").trusts(at("127.0.0.1", 0)));
    assertFalse(TrustedProxies.parse("127.0.0.1").trusts(null));
  }

  private static Request request(String... extraHeaders) throws Exception {
    StringBuilder text =
        new StringBuilder(
            "INVITE sip:room@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                + "From: <sip:alice@example.com>;tag=1\r\n"
                + "To: <sip:room@example.com>\r\n"
                + "Call-ID: c1\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Max-Forwards: 70\r\n");
    for (String header : extraHeaders) {
      text.append(header).append("\r\n");
    }
    text.append("Content-Length: 0\r\n\r\n");
    return SipFactory.getInstance().createMessageFactory().createRequest(text.toString());
  }

  @Test
  public void theAssertedUrisAreRead() throws Exception {
    Request request =
        request(
            "P-Asserted-Identity: \"Alice\" <sip:alice@example.com>",
            "P-Asserted-Identity: tel:+4930123");
    assertEquals(
        List.of("sip:alice@example.com", "tel:+4930123"), TrustedProxies.asserted(request));
    assertEquals(List.of(), TrustedProxies.asserted(request()));
  }

  @Test
  public void strippingRemovesBothIdentityHeaders() throws Exception {
    Request request =
        request(
            "P-Asserted-Identity: <sip:boss@example.com>",
            "P-Preferred-Identity: <sip:boss@example.com>");
    TrustedProxies.strip(request);
    assertNull(request.getHeader(TrustedProxies.ASSERTED));
    assertNull(request.getHeader(TrustedProxies.PREFERRED));
    assertEquals(List.of(), TrustedProxies.asserted(request));
  }
}
