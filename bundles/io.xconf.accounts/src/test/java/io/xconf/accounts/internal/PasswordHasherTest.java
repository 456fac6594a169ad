package io.xconf.accounts.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.DigestAlgorithm;
import org.junit.Test;

public class PasswordHasherTest {

  private final PasswordHasher hasher = new PasswordHasher(1_000);

  @Test
  public void matchesOnlyTheRightPassword() {
    String encoded = hasher.hash("secret");
    assertTrue(encoded.startsWith("pbkdf2-sha256$1000$"));
    assertFalse(encoded.contains("secret"));
    assertTrue(PasswordHasher.matches("secret", encoded));
    assertFalse(PasswordHasher.matches("Secret", encoded));
    assertFalse(PasswordHasher.matches("", encoded));
  }

  @Test
  public void saltsEveryHash() {
    assertNotEquals(hasher.hash("secret"), hasher.hash("secret"));
  }

  @Test
  public void rejectsMalformedHashesInsteadOfThrowing() {
    for (String bad :
        new String[] {
          "",
          "plain",
          "pbkdf2-sha256$x$a$b",
          "md5$1$a$b",
          "pbkdf2-sha256$0$AA$AA",
          "pbkdf2-sha256$1$!$!"
        }) {
      assertFalse(bad, PasswordHasher.matches("secret", bad));
    }
  }

  @Test
  public void computesDigestHa1AsRfc2617AndRfc7616Do() {
    // RFC 2617 section 3.5's example credentials.
    assertEquals(
        "939e7578ed9e3c518a452acee763bce9",
        PasswordHasher.digestHa1(
            DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life"));
    // RFC 7616 section 3.9.1's SHA-256 example: H(A1) of Mufasa / http-auth@example.org.
    assertEquals(
        "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
        PasswordHasher.digestHa1(
            DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org", "Circle of Life"));
  }
}
