package io.xconf.accounts;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;

public class AddressesTest {

  @Test
  public void comparesSipUrisAsAddresses() {
    assertEquals(
        "sip:Alice@example.com", Addresses.normalize("SIP:Alice@Example.COM;transport=tcp"));
    assertEquals("sip:Alice@example.com", Addresses.normalize("<sips:Alice@example.com:5061>"));
    assertEquals("sip:bob@10.0.0.1:5070", Addresses.normalize("sip:bob@10.0.0.1:5070?subject=x"));
  }

  @Test
  public void comparesTelNumbersWithoutSeparators() {
    assertEquals("tel:+4930123456", Addresses.normalize("tel:+49-30 (123) 456;phone-context=x"));
  }

  @Test
  public void ignoresWhatIsNoUserAddress() {
    assertNull(Addresses.normalize(null));
    assertNull(Addresses.normalize("alice"));
    assertNull(Addresses.normalize("https://example.com"));
    assertNull(Addresses.normalize("sip:"));
  }
}
