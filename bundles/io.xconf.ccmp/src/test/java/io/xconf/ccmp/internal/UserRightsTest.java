package io.xconf.ccmp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import io.xconf.accounts.Account;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.List;
import javax.xml.namespace.QName;
import org.junit.Test;

public class UserRightsTest {

  private static final Account BOB =
      new Account("bob", "xcon-userid:bob@example.com", false, List.of("sip:bob@pbx.example.com"));

  private static QName info(String name) {
    return new QName(Namespaces.CONFERENCE_INFO, name);
  }

  private static QName xcon(String name) {
    return new QName(Namespaces.XCON, name);
  }

  private static XmlElement bob(XmlElement... parts) {
    return XmlElement.of(info("user"))
        .withAttribute("entity", BOB.userId())
        .withChildren(List.of(parts));
  }

  private static XmlElement endpoint(String uri) {
    return XmlElement.of(info("endpoint")).withAttribute("entity", uri);
  }

  private static XmlElement users(XmlElement... settings) {
    return XmlElement.of(info("conference-info"))
        .withChildren(List.of(XmlElement.of(info("users")).withChildren(List.of(settings))));
  }

  private static XmlElement list(String name, String... uris) {
    return XmlElement.of(xcon(name))
        .withChildren(
            java.util.Arrays.stream(uris)
                .map(uri -> XmlElement.of(xcon("target")).withAttribute("uri", uri))
                .toList());
  }

  @Test
  public void aUserDescribesItselfAtItsOwnAddresses() {
    assertNull(
        UserRights.onItself(
            bob(
                XmlElement.leaf(info("display-text"), "Bob"),
                endpoint("sip:bob@pbx.example.com;transport=tcp"),
                endpoint("sip:bob@example.com")),
            BOB,
            null));
  }

  @Test
  public void aUserSilencesItsOwnMediaButDoesNotUndoAModeratorsMute() {
    String phone = "sip:bob@pbx.example.com";
    XmlElement stored = media(phone, "recvonly");
    assertNull(UserRights.onItself(media(phone, "inactive"), BOB, stored));
    assertNotNull(UserRights.onItself(media(phone, "sendrecv"), BOB, stored));
    assertNull("a medium nobody stopped", UserRights.onItself(media(phone, "sendrecv"), BOB, null));
  }

  private static XmlElement media(String phone, String status) {
    return bob(
        endpoint(phone)
            .withChildren(
                List.of(
                    XmlElement.of(info("media"))
                        .withAttribute("id", "1")
                        .withChildren(List.of(XmlElement.leaf(info("status"), status))))));
  }

  @Test
  public void rightsRolesAndOthersAddressesAreTheManagers() {
    for (XmlElement part :
        List.of(
            XmlElement.leaf(xcon("allow-refer-users-dynamically"), "true"),
            XmlElement.leaf(xcon("allow-invite-users-dynamically"), "true"),
            XmlElement.leaf(xcon("allow-remove-users-dynamically"), "true"),
            XmlElement.leaf(xcon("provide-anonymity"), "hidden"),
            XmlElement.of(info("roles"))
                .withChildren(List.of(XmlElement.leaf(info("entry"), "moderator"))),
            XmlElement.leaf(info("cascaded-focus"), "sip:focus@elsewhere.example"),
            endpoint("sip:carol@example.com"),
            endpoint("sip:bob@pbx.example.com")
                .withChildren(List.of(XmlElement.leaf(info("status"), "connected"))))) {
      UserRights.Refusal refusal = UserRights.onItself(bob(part), BOB, null);
      assertNotNull(part.name().getLocalPart(), refusal);
      assertEquals(CcmpResponseCode.UNAUTHORIZED, refusal.code());
    }
  }

  @Test
  public void aJoinFollowsJoinHandlingAndAdmissionPolicyAsADialInWould() {
    XmlElement joiner = bob(endpoint("sip:bob@pbx.example.com"));
    assertNull(UserRights.join(users(), BOB, joiner));
    assertEquals(
        CcmpResponseCode.FORBIDDEN,
        UserRights.join(users(XmlElement.leaf(xcon("join-handling"), "block")), BOB, joiner)
            .code());
    assertEquals(
        CcmpResponseCode.UNAUTHORIZED,
        UserRights.join(users(list("deny-users-list", "sip:bob@pbx.example.com")), BOB, joiner)
            .code());
    assertEquals(
        "a deny list makes joiners prove who they are",
        CcmpResponseCode.AUTHENTICATION_REQUIRED,
        UserRights.join(users(list("deny-users-list", "sip:x@y.example")), null, joiner).code());
    XmlElement closed = XmlElement.leaf(xcon("user-admission-policy"), "closedAuthenticated");
    assertEquals(CcmpResponseCode.UNAUTHORIZED, UserRights.join(users(closed), BOB, joiner).code());
    assertNull(
        UserRights.join(users(closed, list("allowed-users-list", BOB.userId())), BOB, joiner));
    assertEquals(
        CcmpResponseCode.UNAUTHORIZED,
        UserRights.join(users(XmlElement.leaf(xcon("join-handling"), "confirm")), BOB, joiner)
            .code());
    assertNull(
        UserRights.join(
            users(XmlElement.leaf(xcon("user-admission-policy"), "anonymous")), null, joiner));
  }
}
