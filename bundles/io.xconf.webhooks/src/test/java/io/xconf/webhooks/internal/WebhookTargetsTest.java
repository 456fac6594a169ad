package io.xconf.webhooks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class WebhookTargetsTest {

  @Test
  public void httpsAnywhereAndPlainHttpToThisMachine() {
    assertEquals(
        List.of("https://hooks.example.com/xconf", "http://127.0.0.1:9000/in"),
        WebhookTargets.parse(
            " https://hooks.example.com/xconf, http://127.0.0.1:9000/in ,,https://hooks.example.com/xconf",
            false));
    assertEquals(List.of(), WebhookTargets.parse("", false));
  }

  @Test
  public void plainHttpElsewhereCredentialsAndOtherSchemesAreRefused() {
    IllegalArgumentException plain =
        assertThrows(
            IllegalArgumentException.class,
            () -> WebhookTargets.parse("http://192.0.2.7/hook", false));
    assertTrue(plain.getMessage(), plain.getMessage().contains("https://"));
    assertEquals(
        List.of("http://192.0.2.7/hook"), WebhookTargets.parse("http://192.0.2.7/hook", true));
    assertThrows(
        IllegalArgumentException.class,
        () -> WebhookTargets.parse("https://user:pw@hooks.example.com/", false));
    assertThrows(
        IllegalArgumentException.class, () -> WebhookTargets.parse("file:///etc/passwd", true));
    assertThrows(IllegalArgumentException.class, () -> WebhookTargets.parse("not a url", true));
  }

  @Test
  public void theSignatureIsTheHmacOfTheBody() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    assertEquals(
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        new WebhookSignature("Jefe").of("what do ya want for nothing?"));
  }
}
