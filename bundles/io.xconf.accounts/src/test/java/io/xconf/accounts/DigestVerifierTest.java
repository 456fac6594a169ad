package io.xconf.accounts;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** Digest as SIP uses it: a request URI rather than a path, a restricted set of algorithms. */
public class DigestVerifierTest {

  private static final String REALM = "focus.example.net";
  private static final Account BOB =
      new Account("bob", "xcon-userid:bob@" + REALM, false, List.of());

  private static final AccountDirectory DIRECTORY =
      new AccountDirectory() {
        @Override
        public Optional<Account> byName(String name) {
          return "bob".equals(name) ? Optional.of(BOB) : Optional.empty();
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
          return List.of(BOB);
        }

        @Override
        public Optional<Account> authenticate(String name, String password) {
          return Optional.empty();
        }

        @Override
        public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
          return "bob".equals(name) && REALM.equals(realm)
              ? Optional.of(DigestVerifier.hash(algorithm, "bob:" + REALM + ":pw"))
              : Optional.empty();
        }
      };

  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);

  /** An RFC 2069-style answer (no qop), as some SIP phones still send. */
  private static String answer(String challenge, String method, String uri) {
    Map<String, String> p = DigestVerifier.parameters(challenge.substring("Digest ".length()));
    DigestAlgorithm algorithm =
        p.get("algorithm").equals("MD5") ? DigestAlgorithm.MD5 : DigestAlgorithm.SHA_256;
    String ha1 = DigestVerifier.hash(algorithm, "bob:" + REALM + ":pw");
    String response =
        DigestVerifier.hash(
            algorithm,
            ha1 + ":" + p.get("nonce") + ":" + DigestVerifier.hash(algorithm, method + ":" + uri));
    return "username=\"bob\",realm=\""
        + REALM
        + "\",nonce=\""
        + p.get("nonce")
        + "\",uri=\""
        + uri
        + "\",response=\""
        + response
        + "\",algorithm="
        + p.get("algorithm");
  }

  @Test
  public void verifiesSipRequestsAgainstTheirRequestUri() {
    DigestVerifier verifier =
        new DigestVerifier(
            DIRECTORY, REALM, List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), now::get);
    String uri = "sip:conf1@" + REALM;
    for (String challenge : verifier.challenges(false)) {
      assertEquals(
          BOB, verifier.verify(answer(challenge, "INVITE", uri), "INVITE", uri::equals).account());
      assertNull(
          "signed for INVITE, replayed on SUBSCRIBE",
          verifier.verify(answer(challenge, "INVITE", uri), "SUBSCRIBE", uri::equals).account());
      assertNull(
          "another conference",
          verifier
              .verify(answer(challenge, "INVITE", "sip:conf2@" + REALM), "INVITE", uri::equals)
              .account());
    }
  }

  @Test
  public void takesOnlyTheAlgorithmsItOffers() {
    DigestVerifier sha256Only =
        new DigestVerifier(DIRECTORY, REALM, List.of(DigestAlgorithm.SHA_256), now::get);
    List<String> challenges = sha256Only.challenges(true);
    assertEquals(1, challenges.size());
    assertTrue(challenges.get(0), challenges.get(0).contains("stale=true"));
    String md5 = answer(challenges.get(0).replace("SHA-256", "MD5"), "REGISTER", "sip:" + REALM);
    assertNull(sha256Only.verify(md5, "REGISTER", u -> true).account());
  }
}
