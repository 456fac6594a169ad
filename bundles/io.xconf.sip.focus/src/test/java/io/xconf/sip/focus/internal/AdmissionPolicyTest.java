package io.xconf.sip.focus.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.Account;
import io.xconf.model.XmlElement;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.focus.Admission;
import io.xconf.sip.focus.Admission.Verdict;
import io.xconf.sip.focus.Focus.Purpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** Who may join, watch and refer, and as whom: only what a request proved grants anything. */
public class AdmissionPolicyTest {

  private static final String DOMAIN = "example.com";
  private static final String ANONYMOUS = "xcon-userid:anonymous@" + DOMAIN;
  private static final Account BOB =
      new Account("bob", "xcon-userid:bob@" + DOMAIN, false, List.of("sip:bob@phones.example"));
  private static final SipIdentity BOB_PROVED =
      new SipIdentity(
          BOB, List.of(BOB.userId(), "sip:bob@" + DOMAIN, "sip:bob@phones.example"), false);

  /** A conference document with these elements under users. */
  private static XmlElement conference(XmlElement... users) {
    return XmlElement.of(Roster.CONFERENCE_INFO)
        .withChildren(List.of(XmlElement.of(Roster.USERS).withChildren(List.of(users))));
  }

  private static XmlElement joinHandling(String value) {
    return XmlElement.leaf(Roster.xcon("join-handling"), value);
  }

  private static XmlElement policy(String value) {
    return XmlElement.leaf(Roster.xcon("user-admission-policy"), value);
  }

  private static XmlElement list(String name, String... uris) {
    List<XmlElement> targets = new ArrayList<>();
    for (String uri : uris) {
      targets.add(
          XmlElement.of(Roster.xcon("target"))
              .withAttribute("uri", uri)
              .withAttribute("method", "dial-in"));
    }
    return XmlElement.of(Roster.xcon(name)).withChildren(targets);
  }

  /** Someone who proved nothing and claims {@code from}. */
  private static AdmissionPolicy.Caller stranger(String from) {
    return new AdmissionPolicy.Caller(
        SipIdentity.NONE, from, from.endsWith("@" + DOMAIN), false, false);
  }

  private static AdmissionPolicy.Caller bob(String from) {
    return new AdmissionPolicy.Caller(BOB_PROVED, from, from.endsWith("@" + DOMAIN), true, false);
  }

  private static Admission decide(XmlElement document, AdmissionPolicy.Caller caller) {
    return AdmissionPolicy.decide(document, caller, Purpose.JOIN, () -> ANONYMOUS, List.of());
  }

  @Test
  public void aStrangerJoinsAnOpenConferenceAsANewAnonymousUserWhateverItsFromSays() {
    XmlElement open =
        conference(
            XmlElement.of(Roster.USER)
                .withAttribute("entity", BOB.userId())
                .withChildren(
                    List.of(
                        XmlElement.of(Roster.info("associated-aors"))
                            .withChildren(
                                List.of(
                                    XmlElement.of(Roster.ENTRY)
                                        .withChildren(
                                            List.of(
                                                XmlElement.leaf(
                                                    Roster.info("uri"),
                                                    "sip:bob@phones.example"))))))));
    Admission admission = decide(open, stranger("sip:bob@phones.example"));
    assertEquals(Verdict.ADMIT, admission.verdict());
    assertEquals("not bob, whose address it claims", ANONYMOUS, admission.entity());
    assertTrue(admission.addedByCall());
    Admission proved = decide(open, bob("sip:bob@phones.example"));
    assertEquals("the listed user it proved to be", BOB.userId(), proved.entity());
    assertFalse(proved.addedByCall());
  }

  @Test
  public void aFromOfThisDomainMustBeProved() {
    assertEquals(
        Verdict.CHALLENGE, decide(conference(), stranger("sip:alice@" + DOMAIN)).verdict());
    AdmissionPolicy.Caller bobAsAlice =
        new AdmissionPolicy.Caller(BOB_PROVED, "sip:alice@" + DOMAIN, true, false, false);
    Admission refused = decide(conference(), bobAsAlice);
    assertEquals(Verdict.REFUSE, refused.verdict());
    assertEquals(403, refused.status());
    assertEquals(Verdict.ADMIT, decide(conference(), bob("sip:bob@" + DOMAIN)).verdict());
  }

  @Test
  public void anAllowedListLetsInOnlyWhoProvedToBeOnIt() {
    XmlElement confirm =
        conference(joinHandling("confirm"), list("allowed-users-list", "sip:bob@phones.example"));
    assertEquals(
        "a forged From waits for a moderator",
        Verdict.AWAIT_MODERATOR,
        decide(confirm, stranger("sip:bob@phones.example")).verdict());
    assertEquals(Verdict.ADMIT, decide(confirm, bob("sip:anything@else.example")).verdict());
    Admission watcher =
        AdmissionPolicy.decide(
            confirm, stranger("sip:bob@phones.example"), Purpose.WATCH, () -> ANONYMOUS, List.of());
    assertEquals("a watcher must prove it is listed", Verdict.CHALLENGE, watcher.verdict());
    XmlElement closed =
        conference(policy("closedAuthenticated"), list("allowed-users-list", BOB.userId()));
    assertEquals(Verdict.CHALLENGE, decide(closed, stranger("sip:bob@phones.example")).verdict());
    assertEquals(Verdict.ADMIT, decide(closed, bob("sip:bob@phones.example")).verdict());
  }

  @Test
  public void aModeratorLetsAWaitingCallerInByTheUserTheFocusGaveIt() {
    XmlElement confirm = conference(joinHandling("confirm"), list("allowed-users-list", ANONYMOUS));
    Admission admitted =
        AdmissionPolicy.decide(
            confirm,
            stranger("sip:whoever@else.example"),
            Purpose.JOIN,
            () -> "xcon-userid:someone-else@" + DOMAIN,
            List.of(ANONYMOUS));
    assertEquals(Verdict.ADMIT, admitted.verdict());
  }

  @Test
  public void aDenyListRefusesWhatItNamesAndNeedsProofFromEveryoneElse() {
    XmlElement denying = conference(list("deny-users-list", "*@evil.example"));
    Admission claimed = decide(denying, stranger("sip:mallory@evil.example"));
    assertEquals("refused by its own claim", Verdict.REFUSE, claimed.verdict());
    assertEquals(
        "under another name it must prove who it is",
        Verdict.CHALLENGE,
        decide(denying, stranger("sip:mallory@nice.example")).verdict());
    assertEquals(Verdict.ADMIT, decide(denying, bob("sip:bob@phones.example")).verdict());
    XmlElement denyingBob = conference(list("deny-users-list", BOB.userId()));
    assertEquals(
        "bob is denied under any From",
        Verdict.REFUSE,
        decide(denyingBob, bob("sip:nobody@nice.example")).verdict());
  }

  @Test
  public void anonymousIgnoresTheListsAndClosedIgnoresTheDenyList() {
    XmlElement anonymous =
        conference(policy("anonymous"), list("deny-users-list", "*@evil.example"));
    assertEquals(Verdict.ADMIT, decide(anonymous, stranger("sip:mallory@evil.example")).verdict());
    XmlElement closed =
        conference(
            policy("closedAuthenticated"),
            list("allowed-users-list", BOB.userId()),
            list("deny-users-list", BOB.userId()));
    assertEquals(Verdict.ADMIT, decide(closed, bob("sip:bob@phones.example")).verdict());
  }

  @Test
  public void blockAndDirectedOperatorLetNobodyIn() {
    for (String refusing : List.of("block", "directed-operator")) {
      Admission admission =
          decide(conference(joinHandling(refusing)), bob("sip:bob@phones.example"));
      assertEquals(refusing, Verdict.REFUSE, admission.verdict());
      assertEquals(403, admission.status());
    }
    assertEquals(
        Verdict.CHALLENGE,
        decide(conference(joinHandling("authenticate")), stranger("sip:x@y.example")).verdict());
  }

  @Test
  public void aReferNeedsProofAndTheRightOfItsMethod() {
    XmlElement granted =
        conference(
            XmlElement.of(Roster.USER)
                .withAttribute("entity", BOB.userId())
                .withChildren(
                    List.of(
                        XmlElement.leaf(Roster.xcon("allow-invite-users-dynamically"), "true"))));
    assertEquals(Optional.empty(), AdmissionPolicy.refer(granted, BOB_PROVED, "INVITE"));
    assertEquals(
        Verdict.CHALLENGE,
        AdmissionPolicy.refer(granted, SipIdentity.NONE, "INVITE").orElseThrow().verdict());
    assertEquals(403, AdmissionPolicy.refer(granted, BOB_PROVED, "BYE").orElseThrow().status());
    assertEquals(501, AdmissionPolicy.refer(granted, BOB_PROVED, "MESSAGE").orElseThrow().status());
  }
}
