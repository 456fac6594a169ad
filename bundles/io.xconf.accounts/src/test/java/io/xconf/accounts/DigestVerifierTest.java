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
  private static final Account CAROL =
      new Account("carol", "xcon-userid:carol@" + REALM, false, List.of());

  private static final AccountDirectory DIRECTORY =
      new AccountDirectory() {
        @Override
        public Optional<Account> byName(String name) {
          return "bob".equals(name)
              ? Optional.of(BOB)
              : "carol".equals(name) ? Optional.of(CAROL) : Optional.empty();
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
          return ("bob".equals(name) || "carol".equals(name)) && REALM.equals(realm)
              ? Optional.of(DigestVerifier.hash(algorithm, name + ":" + REALM + ":pw"))
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

  /** A qop=auth answer with the given nonce count, as RFC 3261 and RFC 7616 clients send. */
  private static String answer(String challenge, String method, String uri, int nonceCount) {
    return answerAs("bob", challenge, method, uri, nonceCount);
  }

  private static String answerAs(
      String user, String challenge, String method, String uri, int nonceCount) {
    Map<String, String> p = DigestVerifier.parameters(challenge.substring("Digest ".length()));
    DigestAlgorithm algorithm = DigestAlgorithm.fromToken(p.get("algorithm"));
    String ha1 = DigestVerifier.hash(algorithm, user + ":" + REALM + ":pw");
    String nc = String.format("%08x", nonceCount);
    String response =
        DigestVerifier.hash(
            algorithm,
            ha1
                + ":"
                + p.get("nonce")
                + ":"
                + nc
                + ":c0ffee:auth:"
                + DigestVerifier.hash(algorithm, method + ":" + uri));
    return "username=\""
        + user
        + "\",realm=\""
        + REALM
        + "\",nonce=\""
        + p.get("nonce")
        + "\",uri=\""
        + uri
        + "\",qop=auth,nc="
        + nc
        + ",cnonce=\"c0ffee\",response=\""
        + response
        + "\",algorithm="
        + p.get("algorithm");
  }

  @Test
  public void aReplayedNonceCountIsRefusedAsStale() {
    DigestVerifier verifier =
        new DigestVerifier(DIRECTORY, REALM, List.of(DigestAlgorithm.SHA_256), now::get);
    String uri = "sip:conf1@" + REALM;
    String challenge = verifier.challenges(false).get(0);
    String first = answer(challenge, "INVITE", uri, 1);
    assertEquals(BOB, verifier.verify(first, "INVITE", uri::equals).account());
    DigestVerifier.Outcome replayed = verifier.verify(first, "INVITE", uri::equals);
    assertNull("the same nonce count twice", replayed.account());
    assertTrue("refused as stale, so an honest client asks again", replayed.staleNonce());
    assertEquals(
        "the next nonce count of the same nonce",
        BOB,
        verifier.verify(answer(challenge, "INVITE", uri, 2), "INVITE", uri::equals).account());
    now.addAndGet(10 * 60 * 1000);
    assertTrue(
        "an expired nonce stays stale", verifier.verify(first, "INVITE", uri::equals).staleNonce());
  }

  @Test
  public void anRfc2069AnswerIsGoodOnce() {
    DigestVerifier verifier =
        new DigestVerifier(DIRECTORY, REALM, List.of(DigestAlgorithm.MD5), now::get);
    String uri = "sip:" + REALM;
    String once = answer(verifier.challenges(false).get(0), "REGISTER", uri);
    assertEquals(BOB, verifier.verify(once, "REGISTER", uri::equals).account());
    assertNull(verifier.verify(once, "REGISTER", uri::equals).account());
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

  @Test
  public void countsMayComeOutOfOrderButEachOnlyOnce() {
    DigestVerifier verifier =
        new DigestVerifier(DIRECTORY, REALM, List.of(DigestAlgorithm.SHA_256), now::get);
    String uri = "sip:conf1@" + REALM;
    String challenge = verifier.challenges(false).get(0);
    for (int count : new int[] {3, 1, 2, 70}) {
      assertEquals(
          "count " + count,
          BOB,
          verifier
              .verify(answer(challenge, "INVITE", uri, count), "INVITE", uri::equals)
              .account());
    }
    for (int count : new int[] {1, 70, 5}) {
      assertNull(
          "count " + count + " (used, or too far behind to tell)",
          verifier
              .verify(answer(challenge, "INVITE", uri, count), "INVITE", uri::equals)
              .account());
    }
    assertEquals(
        BOB,
        verifier.verify(answer(challenge, "INVITE", uri, 69), "INVITE", uri::equals).account());
  }

  /** One account that asks for nonce after nonce fills only its own share of what is remembered. */
  @Test
  public void anAccountThatUsesUpItsNoncesLocksOutOnlyItself() {
    DigestVerifier verifier =
        new DigestVerifier(
            DIRECTORY, REALM, List.of(DigestAlgorithm.SHA_256), now::get, 100, 3, "auth");
    String uri = "sip:" + REALM;
    String kept = verifier.challenges(false).get(0);
    assertEquals(
        BOB, verifier.verify(answer(kept, "REGISTER", uri, 1), "REGISTER", uri::equals).account());
    for (int i = 0; i < 2; i++) {
      String fresh = verifier.challenges(false).get(0);
      assertEquals(
          BOB,
          verifier.verify(answer(fresh, "REGISTER", uri, 1), "REGISTER", uri::equals).account());
    }
    DigestVerifier.Outcome beyond =
        verifier.verify(
            answer(verifier.challenges(false).get(0), "REGISTER", uri, 1), "REGISTER", uri::equals);
    assertNull("a fourth nonce of bob's", beyond.account());
    assertTrue(beyond.staleNonce());
    assertEquals(
        "another account is not held back",
        CAROL,
        verifier
            .verify(
                answerAs("carol", verifier.challenges(false).get(0), "REGISTER", uri, 1),
                "REGISTER",
                uri::equals)
            .account());
    assertEquals(
        "bob's nonces in hand still serve",
        BOB,
        verifier.verify(answer(kept, "REGISTER", uri, 2), "REGISTER", uri::equals).account());
    now.addAndGet(6 * 60 * 1000);
    assertEquals(
        "once they expire, bob is served again",
        BOB,
        verifier
            .verify(
                answer(verifier.challenges(false).get(0), "REGISTER", uri, 1),
                "REGISTER",
                uri::equals)
            .account());
  }

  /** Requests racing with fresh nonces of one account never remember more than its share. */
  @Test
  public void racingFirstUsesStayWithinTheAccountsShare() throws Exception {
    String uri = "sip:" + REALM;
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 50; round++) {
        DigestVerifier verifier =
            new DigestVerifier(
                DIRECTORY, REALM, List.of(DigestAlgorithm.SHA_256), now::get, 100, 3, "auth");
        List<String> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          answers.add(answer(verifier.challenges(false).get(0), "REGISTER", uri, 1));
        }
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Boolean>> served = new java.util.ArrayList<>();
        for (String answer : answers) {
          served.add(
              threads.submit(
                  () -> {
                    start.await();
                    return verifier.verify(answer, "REGISTER", uri::equals).account() != null;
                  }));
        }
        start.countDown();
        int accepted = 0;
        for (java.util.concurrent.Future<Boolean> one : served) {
          accepted += one.get() ? 1 : 0;
        }
        assertEquals("round " + round, 3, accepted);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
