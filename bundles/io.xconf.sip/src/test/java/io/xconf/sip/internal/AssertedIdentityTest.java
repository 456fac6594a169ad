package io.xconf.sip.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.Test;

/** Who a request proves to be when a proxy asserts it: believed from trusted sources only. */
public class AssertedIdentityTest {

  private static final String DOMAIN = "example.com";
  private static final Account BOB =
      new Account("bob", "xcon-userid:bob@" + DOMAIN, false, List.of("tel:+4930123"));

  /** An account that lists alice's address as one of its own. */
  private static final Account MALLORY =
      new Account(
          "mallory", "xcon-userid:mallory@" + DOMAIN, false, List.of("sip:alice@" + DOMAIN));

  private static final Account ALICE =
      new Account("alice", "xcon-userid:alice@" + DOMAIN, false, List.of());
  private static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 5070);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 5071);

  /** bob alone, reached at sip:bob@example.com and his tel: number; no Digest credentials. */
  private static final AccountDirectory ACCOUNTS =
      new AccountDirectory() {
        @Override
        public Optional<Account> byName(String name) {
          return all().stream().filter(a -> a.name().equals(name)).findFirst();
        }

        @Override
        public Optional<Account> byUserId(String userId) {
          return BOB.userId().equals(userId) ? Optional.of(BOB) : Optional.empty();
        }

        @Override
        public Optional<Account> byUri(String uri) {
          if (uri.equals("sip:bob@" + DOMAIN) || uri.equals("tel:+4930123")) {
            return Optional.of(BOB);
          }
          // As the file directory does: an explicit URI comes before an implied sip:<name>@domain.
          return uri.equals("sip:alice@" + DOMAIN) ? Optional.of(MALLORY) : Optional.empty();
        }

        @Override
        public List<Account> all() {
          return List.of(BOB, MALLORY, ALICE);
        }

        @Override
        public Optional<Account> authenticate(String name, String password) {
          return Optional.empty();
        }

        @Override
        public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
          return Optional.empty();
        }
      };

  private final DigestAuthentication authentication =
      new DigestAuthentication(
          ACCOUNTS,
          headers(),
          DOMAIN,
          List.of(DigestAlgorithm.MD5),
          TrustedProxies.parse("127.0.0.1:5070"));

  private static javax.sip.header.HeaderFactory headers() {
    try {
      return SipFactory.getInstance().createHeaderFactory();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SipRequest from(InetSocketAddress source, String method, String... headers)
      throws Exception {
    StringBuilder text =
        new StringBuilder(
            method
                + " sip:room@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                + "From: <sip:mallory@example.com>;tag=1\r\n"
                + "To: <sip:room@example.com>\r\n"
                + "Call-ID: c1\r\n"
                + "CSeq: 1 "
                + method
                + "\r\nMax-Forwards: 70\r\n");
    for (String header : headers) {
      text.append(header).append("\r\n");
    }
    Request message =
        SipFactory.getInstance()
            .createMessageFactory()
            .createRequest(text.append("Content-Length: 0\r\n\r\n").toString());
    return new SipRequest() {
      @Override
      public Request message() {
        return message;
      }

      @Override
      public String method() {
        return method;
      }

      @Override
      public String callId() {
        return "c1";
      }

      @Override
      public String transport() {
        return "udp";
      }

      @Override
      public InetSocketAddress source() {
        return source;
      }

      @Override
      public SipURI target() {
        return (SipURI) message.getRequestURI();
      }

      @Override
      public boolean hasToTag() {
        return false;
      }

      @Override
      public Dialog dialog() {
        return null;
      }

      @Override
      public ServerTransaction transaction() {
        return null;
      }

      @Override
      public String body() {
        return null;
      }

      @Override
      public Response response(int status) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void send(Response response) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void respond(int status, String reason) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Test
  public void theTrustedProxysAssertionNamesTheAccount() throws Exception {
    SipIdentity identity =
        authentication.identify(
            from(PROXY, "INVITE", "P-Asserted-Identity: \"Bob\" <sip:bob@example.com>"));
    assertSame(BOB, identity.account());
    assertEquals(BOB.userId(), identity.identities().get(0));
  }

  @Test
  public void anAssertedNameOfTheDomainIsThatAccountWhoeverListsTheAddress() throws Exception {
    SipIdentity identity =
        authentication.identify(
            from(PROXY, "INVITE", "P-Asserted-Identity: <sip:alice@example.com>"));
    assertSame(ALICE, identity.account());
  }

  @Test
  public void aUserWithoutAnAccountIsKnownByTheAssertedUri() throws Exception {
    SipIdentity identity =
        authentication.identify(
            from(PROXY, "INVITE", "P-Asserted-Identity: <sip:carol@example.com;user=phone>"));
    assertNull(identity.account());
    assertEquals(List.of("sip:carol@example.com"), identity.identities());
    assertFalse(
        "the anonymous URI names no one",
        authentication
            .identify(
                from(PROXY, "INVITE", "P-Asserted-Identity: <sip:anonymous@anonymous.invalid>"))
            .authenticated());
  }

  @Test
  public void theSameAssertionFromAnotherSourceOrForARegisterProvesNothing() throws Exception {
    assertSame(
        SipIdentity.NONE,
        authentication.identify(
            from(STRANGER, "INVITE", "P-Asserted-Identity: <sip:bob@example.com>")));
    assertSame(
        "only the account's own credentials bind a contact",
        SipIdentity.NONE,
        authentication.identify(
            from(PROXY, "REGISTER", "P-Asserted-Identity: <sip:bob@example.com>")));
  }
}
