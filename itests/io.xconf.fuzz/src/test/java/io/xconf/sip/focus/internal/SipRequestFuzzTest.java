package io.xconf.sip.focus.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.DigestVerifier;
import io.xconf.model.UserIds;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.events.internal.EventsFuzzing;
import io.xconf.sip.focus.Admission;
import io.xconf.sip.focus.Focus.Purpose;
import io.xconf.sip.internal.StackFuzzing;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.message.Request;

/**
 * A datagram from anyone, as the focus sees it once the stack has parsed it: who it claims and
 * proves to be, what the admission policy decides for it in conferences of every kind, the roster
 * entry and NOTIFY bodies written from its headers, the target of its REFER. Nothing it carries may
 * throw anything but the parser's refusal, let a stranger pass for a listed user, or make the focus
 * write XML it cannot read back.
 */
class SipRequestFuzzTest {

  private static final String DOMAIN = "example.com";
  private static final String ROOM = "xcon:room@" + DOMAIN;
  private static final String ANONYMOUS = "xcon-userid:anonymous@" + DOMAIN;
  private static final Account BOB =
      new Account("bob", "xcon-userid:bob@" + DOMAIN, false, List.of("sip:bob@phones.example"));

  private static final AccountDirectory ACCOUNTS =
      new AccountDirectory() {
        @Override
        public Optional<Account> byName(String name) {
          return "bob".equals(name) ? Optional.of(BOB) : Optional.empty();
        }

        @Override
        public Optional<Account> byUserId(String userId) {
          return BOB.userId().equals(userId) ? Optional.of(BOB) : Optional.empty();
        }

        @Override
        public Optional<Account> byUri(String uri) {
          String address = UserIds.comparable(uri);
          return address.equals("sip:bob@" + DOMAIN) || address.equals("sip:bob@phones.example")
              ? Optional.of(BOB)
              : Optional.empty();
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
          return "bob".equals(name) && DOMAIN.equals(realm)
              ? Optional.of(DigestVerifier.hash(algorithm, "bob:" + DOMAIN + ":builder"))
              : Optional.empty();
        }
      };

  private static final StackFuzzing STACK = new StackFuzzing(ACCOUNTS, DOMAIN);
  private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();
  private static final DialOutPolicy DIAL_OUT = DialOutPolicy.of("sip,sips", false, "*");

  /** Conferences of every kind: open, moderated, denying, closed, anonymous, blocked. */
  private static final List<XmlElement> CONFERENCES =
      List.of(
          conference(),
          conference(
              XmlElement.leaf(Roster.xcon("join-handling"), "confirm"),
              list("allowed-users-list", "sip:carol@friends.example")),
          conference(list("deny-users-list", "*@evil.example")),
          conference(
              XmlElement.leaf(Roster.xcon("user-admission-policy"), "closedAuthenticated"),
              list("allowed-users-list", BOB.userId())),
          conference(XmlElement.leaf(Roster.xcon("user-admission-policy"), "anonymous")),
          conference(XmlElement.leaf(Roster.xcon("join-handling"), "block")));

  @FuzzTest(maxDuration = "40s")
  void aRequestAsTheFocusSeesIt(byte[] datagram) throws Exception {
    SIPMessage message;
    try {
      message = StackFuzzing.parse(datagram);
    } catch (ParseException refused) {
      return; // the stack answers 400
    }
    if (!(message instanceof SIPRequest request)
        || request.getCallId() == null
        || !(request.getHeader(FromHeader.NAME) instanceof FromHeader from)
        || StackFuzzing.refused(request)) {
      return; // dropped or refused by the stack before any handler
    }
    String claimed = UserIds.comparable(from.getAddress().getURI().toString());
    boolean claimsLocal =
        from.getAddress().getURI() instanceof SipURI uri
            && uri.getHost() != null
            && uri.getHost().equalsIgnoreCase(DOMAIN);
    SipIdentity identity = STACK.identify(request);
    if (identity.authenticated() && identity.account() != BOB) {
      throw new AssertionError("authenticated as nobody's account: " + identity);
    }
    AdmissionPolicy.Caller caller =
        new AdmissionPolicy.Caller(
            identity,
            claimed,
            claimsLocal,
            identity.account() != null && ACCOUNTS.byUri(claimed).isPresent(),
            false);
    for (XmlElement conference : CONFERENCES) {
      for (Purpose purpose : Purpose.values()) {
        Admission admission =
            AdmissionPolicy.decide(conference, caller, purpose, () -> ANONYMOUS, List.of());
        if (!identity.authenticated()
            && admission.entity() != null
            && !admission.entity().equals(ANONYMOUS)) {
          throw new AssertionError("a stranger passed for " + admission.entity());
        }
      }
    }
    XmlElement joined =
        Roster.joined(
            identity.authenticated() ? BOB.userId() : ANONYMOUS,
            from.getAddress().getDisplayName(),
            claimed,
            "2026-12-06T00:00:00Z",
            "audio",
            request.getCallId().getCallId(),
            from.getTag(),
            "focus-tag",
            !identity.authenticated(),
            "connected");
    readBack(joined);
    for (byte[] body : EventsFuzzing.bodies(ROOM, CONFERENCES.get(0), withUser(joined))) {
      XmlDocuments.parse(body, 64);
    }
    if (Request.SUBSCRIBE.equals(request.getMethod())) {
      EventsFuzzing.format(request);
    }
    if (request.getHeader(ReferToHeader.NAME) instanceof ReferToHeader referTo) {
      String target = UserIds.comparable(referTo.getAddress().getURI().toString());
      try {
        DIAL_OUT.refusal(ADDRESSES.createURI(target), uri -> DOMAIN.equals(uri.getHost()));
      } catch (ParseException refused) {
        // not a URI the focus would call
      }
    }
  }

  /** What the focus writes into the model must read back, and write again, as it was written. */
  private static void readBack(XmlElement update) throws Exception {
    byte[] written = XmlDocuments.toBytes(update, XmlDocuments.RFC_PREFIXES);
    XmlElement read = XmlDocuments.parse(written, 64);
    byte[] again = XmlDocuments.toBytes(read, XmlDocuments.RFC_PREFIXES);
    if (!java.util.Arrays.equals(written, again)) {
      throw new AssertionError(
          "written "
              + new String(written, java.nio.charset.StandardCharsets.UTF_8)
              + ", read back "
              + new String(again, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static XmlElement withUser(XmlElement joined) {
    List<XmlElement> users = new ArrayList<>();
    users.addAll(joined.child(Roster.USERS).orElseThrow().children());
    return XmlElement.of(Roster.CONFERENCE_INFO)
        .withChildren(List.of(XmlElement.of(Roster.USERS).withChildren(users)));
  }

  private static XmlElement conference(XmlElement... settings) {
    List<XmlElement> users = new ArrayList<>(List.of(settings));
    users.add(
        0,
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
    return XmlElement.of(Roster.CONFERENCE_INFO)
        .withChildren(List.of(XmlElement.of(Roster.USERS).withChildren(users)));
  }

  private static XmlElement list(String name, String uri) {
    return XmlElement.of(Roster.xcon(name))
        .withChildren(
            List.of(
                XmlElement.of(Roster.xcon("target"))
                    .withAttribute("uri", uri)
                    .withAttribute("method", "dial-in")));
  }
}
