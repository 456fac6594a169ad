package io.xconf.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.DigestVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class HttpAuthenticatorTest {

  private static final String REALM = "example.com";
  private static final Account ALICE =
      new Account("alice", "xcon-userid:alice@example.com", false, List.of());

  /** Alice, password "secret": her HA1 values as the directory keeps them. */
  private static final AccountDirectory DIRECTORY =
      new AccountDirectory() {
        @Override
        public Optional<Account> byName(String name) {
          return "alice".equals(name) ? Optional.of(ALICE) : Optional.empty();
        }

        @Override
        public Optional<Account> byUserId(String userId) {
          return Optional.empty();
        }

        @Override
        public Optional<Account> byUri(String uri) {
          return Optional.empty();
        }

        @Override
        public List<Account> all() {
          return List.of(ALICE);
        }

        @Override
        public Optional<Account> authenticate(String name, String password) {
          return "alice".equals(name) && "secret".equals(password)
              ? Optional.of(ALICE)
              : Optional.empty();
        }

        @Override
        public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
          return "alice".equals(name) && REALM.equals(realm)
              ? Optional.of(DigestVerifier.hash(algorithm, "alice:" + REALM + ":secret"))
              : Optional.empty();
        }
      };

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final HttpAuthenticator authenticator =
      new HttpAuthenticator(DIRECTORY, REALM, false, now::get);

  /** What a client computes from a challenge (RFC 7616 section 3.4.1). */
  private static String answer(String challenge, String password, String uri) {
    Map<String, String> p = DigestVerifier.parameters(challenge.substring("Digest ".length()));
    DigestAlgorithm algorithm =
        p.get("algorithm").equals("MD5") ? DigestAlgorithm.MD5 : DigestAlgorithm.SHA_256;
    String ha1 = DigestVerifier.hash(algorithm, "alice:" + p.get("realm") + ":" + password);
    String ha2 = DigestVerifier.hash(algorithm, "POST:" + uri);
    String response =
        DigestVerifier.hash(
            algorithm, ha1 + ":" + p.get("nonce") + ":00000001:0a4f113b:auth:" + ha2);
    return "Digest username=\"alice\", realm=\""
        + p.get("realm")
        + "\", nonce=\""
        + p.get("nonce")
        + "\", uri=\""
        + uri
        + "\", algorithm="
        + p.get("algorithm")
        + ", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\""
        + response
        + "\"";
  }

  @Test
  public void offersSha256ThenMd5() {
    List<String> challenges = authenticator.challenges(false);
    assertTrue(
        challenges.get(0),
        challenges
            .get(0)
            .startsWith("Digest realm=\"example.com\", qop=\"auth,auth-int\", nonce=\""));
    assertTrue(challenges.get(0).endsWith("algorithm=SHA-256"));
    assertTrue(challenges.get(1).endsWith("algorithm=MD5"));
  }

  @Test
  public void qopAuthIntSignsTheBody() {
    String challenge = authenticator.challenges(false).get(0);
    Map<String, String> p = DigestVerifier.parameters(challenge.substring("Digest ".length()));
    String body = "<ccmp:ccmpRequest/>";
    String ha1 = DigestVerifier.hash(DigestAlgorithm.SHA_256, "alice:" + REALM + ":secret");
    String ha2 =
        DigestVerifier.hash(
            DigestAlgorithm.SHA_256,
            "POST:/ccmp:" + DigestVerifier.hash(DigestAlgorithm.SHA_256, body));
    String response =
        DigestVerifier.hash(
            DigestAlgorithm.SHA_256,
            ha1 + ":" + p.get("nonce") + ":00000001:0a4f113b:auth-int:" + ha2);
    String authorization =
        "Digest username=\"alice\", realm=\""
            + REALM
            + "\", nonce=\""
            + p.get("nonce")
            + "\", uri=\"/ccmp\", algorithm=SHA-256, qop=auth-int, nc=00000001,"
            + " cnonce=\"0a4f113b\", response=\""
            + response
            + "\"";
    assertNull(
        "another body",
        authenticator
            .authenticate(
                authorization,
                "POST",
                "/ccmp",
                false,
                "<ccmp:ccmpRequest>x</ccmp:ccmpRequest>".getBytes(StandardCharsets.UTF_8))
            .account());
    assertEquals(
        ALICE,
        authenticator
            .authenticate(
                authorization, "POST", "/ccmp", false, body.getBytes(StandardCharsets.UTF_8))
            .account());
  }

  @Test
  public void acceptsDigestAnswersOfBothAlgorithms() {
    for (String challenge : authenticator.challenges(false)) {
      DigestVerifier.Outcome result =
          authenticator.authenticate(answer(challenge, "secret", "/ccmp"), "POST", "/ccmp", false);
      assertEquals(challenge, ALICE, result.account());
    }
  }

  @Test
  public void refusesWrongPasswordsUrisForgedAndStaleNonces() {
    String challenge = authenticator.challenges(false).get(0);
    assertNull(
        authenticator
            .authenticate(answer(challenge, "guess", "/ccmp"), "POST", "/ccmp", false)
            .account());
    assertNull(
        authenticator
            .authenticate(answer(challenge, "secret", "/other"), "POST", "/ccmp", false)
            .account());
    String forged =
        answer(challenge, "secret", "/ccmp")
            .replaceFirst("nonce=\"[^\"]*\"", "nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"");
    assertNull(authenticator.authenticate(forged, "POST", "/ccmp", false).account());
    now.addAndGet(6 * 60 * 1000);
    DigestVerifier.Outcome stale =
        authenticator.authenticate(answer(challenge, "secret", "/ccmp"), "POST", "/ccmp", false);
    assertNull(stale.account());
    assertTrue("the client retries with a new nonce, no password prompt", stale.staleNonce());
  }

  @Test
  public void acceptsBasicOnlyOverTls() {
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    assertEquals(ALICE, authenticator.authenticate(basic, "POST", "/ccmp", true).account());
    assertNull(authenticator.authenticate(basic, "POST", "/ccmp", false).account());
    assertNull(authenticator.authenticate("Basic !!!", "POST", "/ccmp", true).account());
    assertFalse(authenticator.authenticate(null, "POST", "/ccmp", true).staleNonce());
  }
}
