package io.xconf.sip.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** Which certificates name the host the focus called. */
public class PeerIdentityTest {

  private static List<List<?>> names(Object... typeAndValue) {
    List<List<?>> names = new java.util.ArrayList<>();
    for (int i = 0; i < typeAndValue.length; i += 2) {
      names.add(List.of(typeAndValue[i], typeAndValue[i + 1]));
    }
    return names;
  }

  @Test
  public void dnsNamesAndOneLabelWildcards() {
    assertTrue(PeerIdentity.names(names(2, "sip.example.com"), "SIP.example.com"));
    assertTrue(PeerIdentity.names(names(2, "*.example.com"), "pbx.example.com"));
    assertFalse(PeerIdentity.names(names(2, "*.example.com"), "a.pbx.example.com"));
    assertFalse(PeerIdentity.names(names(2, "*.example.com"), "example.com"));
    assertFalse(PeerIdentity.names(names(2, "other.example.com"), "sip.example.com"));
  }

  @Test
  public void ipAddressesOnlyAsAddresses() {
    assertTrue(PeerIdentity.names(names(7, "127.0.0.1"), "127.0.0.1"));
    assertTrue(PeerIdentity.names(names(7, "0:0:0:0:0:0:0:1"), "[::1]"));
    assertFalse(PeerIdentity.names(names(2, "127.0.0.1"), "127.0.0.1"));
    assertFalse(PeerIdentity.names(names(7, "127.0.0.2"), "127.0.0.1"));
  }

  @Test
  public void sipUrisOfTheDomain() {
    assertTrue(PeerIdentity.names(names(6, "sip:example.com"), "example.com"));
    assertFalse(PeerIdentity.names(names(6, "sip:other.com"), "example.com"));
    assertFalse(PeerIdentity.names(null, "example.com"));
  }
}
