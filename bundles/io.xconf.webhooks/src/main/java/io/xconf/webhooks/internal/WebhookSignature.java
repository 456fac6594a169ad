package io.xconf.webhooks.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Xconf-Signature: sha256=<hex>}: HMAC-SHA256 of the exact body bytes with the shared
 * secret, as GitHub's and Stripe's webhooks sign theirs, so receivers know the event came from this
 * server and was not altered.
 */
final class WebhookSignature {

  static final String HEADER = "X-Xconf-Signature";

  private final SecretKeySpec key;

  WebhookSignature(String secret) {
    this.key =
        secret.isEmpty()
            ? null
            : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  String of(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return "sha256="
          + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
