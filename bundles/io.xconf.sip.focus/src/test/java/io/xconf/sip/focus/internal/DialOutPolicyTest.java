package io.xconf.sip.focus.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import org.junit.Test;

/** Whom the focus calls: no free phone line for whoever can list a target or send a REFER. */
public class DialOutPolicyTest {

  private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();
  private static final Predicate<SipURI> LOCAL = uri -> "example.com".equals(uri.getHost());

  private static Optional<String> refusal(DialOutPolicy policy, String target) throws Exception {
    URI uri = ADDRESSES.createURI(target);
    return policy.refusal(uri, LOCAL);
  }

  @Test
  public void byDefaultSipUsersAnywhereButNoNumbersAbroadAndNoTel() throws Exception {
    DialOutPolicy policy = DialOutPolicy.of("sip,sips", false, "*");
    assertEquals(Optional.empty(), refusal(policy, "sip:carol@elsewhere.example"));
    assertEquals(Optional.empty(), refusal(policy, "sips:carol@elsewhere.example"));
    assertEquals(Optional.empty(), refusal(policy, "sip:+4930123456@example.com"));
    assertTrue(refusal(policy, "sip:+4930123456@gateway.example").isPresent());
    assertTrue(refusal(policy, "sip:0049-30-123456@gateway.example").isPresent());
    assertTrue(refusal(policy, "sip:carol@gateway.example;user=phone").isPresent());
    assertTrue(refusal(policy, "tel:+4930123456").isPresent());
  }

  @Test
  public void anOperatorMayAllowNumbersAndLimitHosts() throws Exception {
    DialOutPolicy gateway = DialOutPolicy.of("sip,tel", true, "gw.example.net,*.example.org");
    assertEquals(Optional.empty(), refusal(gateway, "sip:+4930123456@gw.example.net"));
    assertEquals(Optional.empty(), refusal(gateway, "sip:carol@pbx.example.org"));
    assertEquals(Optional.empty(), refusal(gateway, "tel:+4930123456"));
    assertTrue(refusal(gateway, "sip:carol@elsewhere.example").isPresent());
    assertTrue(refusal(gateway, "sips:carol@pbx.example.org").isPresent());
  }
}
