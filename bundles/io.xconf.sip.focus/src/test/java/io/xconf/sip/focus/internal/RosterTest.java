package io.xconf.sip.focus.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.model.UserLists;
import io.xconf.model.XmlElement;
import java.util.List;
import org.junit.Test;

/** The rights RFC 6501 section 4.6.5 gives a conference's users over REFER. */
public class RosterTest {

  private static final String ALICE = "xcon-userid:alice@example.com";

  private static XmlElement withUser(XmlElement user) {
    return XmlElement.of(Roster.CONFERENCE_INFO)
        .withChildren(List.of(XmlElement.of(Roster.USERS).withChildren(List.of(user))));
  }

  private static XmlElement alice(XmlElement... children) {
    return XmlElement.of(Roster.USER)
        .withAttribute("entity", ALICE)
        .withChildren(List.of(children));
  }

  @Test
  public void aRightIsGrantedOnlyWhenItsElementIsTrue() {
    String right = "allow-invite-users-dynamically";
    assertTrue(
        Roster.granted(
            withUser(alice(XmlElement.leaf(Roster.xcon(right), "true"))), List.of(ALICE), right));
    assertTrue(
        Roster.granted(
            withUser(alice(XmlElement.leaf(Roster.xcon(right), " 1 "))), List.of(ALICE), right));
    assertFalse(
        Roster.granted(
            withUser(alice(XmlElement.leaf(Roster.xcon(right), "false"))), List.of(ALICE), right));
    assertFalse("unset is false", Roster.granted(withUser(alice()), List.of(ALICE), right));
    assertFalse(
        "another right does not stand in",
        Roster.granted(
            withUser(alice(XmlElement.leaf(Roster.xcon("allow-remove-users-dynamically"), "true"))),
            List.of(ALICE),
            right));
  }

  /** Found by fuzzing: a Call-ID with a control character made the stored roster unreadable. */
  @Test
  public void whatACallerSendsIsStoredReadably() throws Exception {
    XmlElement joined =
        Roster.joined(
            ALICE,
            "x".repeat(10_000),
            "sip:caller@example.net",
            "2026-12-06T00:00:00Z",
            "audio",
            "ncl.\u001d0ha0isndaksdj2193423r542w35",
            "tag\u0000",
            "focus",
            true,
            "connected");
    byte[] written =
        io.xconf.model.XmlDocuments.toBytes(joined, io.xconf.model.XmlDocuments.RFC_PREFIXES);
    XmlElement read = io.xconf.model.XmlDocuments.parse(written, 64);
    String text = new String(written, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text, text.contains("<call-id>ncl.0ha0isndaksdj2193423r542w35</call-id>"));
    assertTrue(text, text.contains("<from-tag>tag</from-tag>"));
    assertTrue(
        "a display text of at most " + Roster.MAX_TEXT,
        read.toString().contains("x".repeat(Roster.MAX_TEXT) + "<")
            && !read.toString().contains("x".repeat(Roster.MAX_TEXT + 1)));
  }

  @Test
  public void theUserIsFoundByEntityOrAssociatedAor() {
    String right = "allow-remove-users-dynamically";
    XmlElement document =
        withUser(
            alice(
                XmlElement.of(Roster.info("associated-aors"))
                    .withChildren(
                        List.of(
                            XmlElement.of(Roster.ENTRY)
                                .withChildren(
                                    List.of(
                                        XmlElement.leaf(
                                            Roster.info("uri"), "sip:alice@example.com"))))),
                XmlElement.leaf(Roster.xcon(right), "true")));
    assertTrue(Roster.granted(document, List.of("sip:alice@example.com;transport=tcp"), right));
    assertTrue(Roster.granted(document, List.of(ALICE), right));
    assertFalse(Roster.granted(document, List.of("sip:mallory@example.com"), right));
  }

  @Test
  public void aListNamesAnAddressWhateverPortItComesWith() {
    XmlElement deny =
        XmlElement.of(Roster.xcon("deny-users-list"))
            .withChildren(
                List.of(
                    XmlElement.of(Roster.xcon("target"))
                        .withAttribute("uri", "sip:mallory@evil.example"),
                    XmlElement.of(Roster.xcon("target")).withAttribute("uri", "*@bad.example")));
    XmlElement document =
        XmlElement.of(Roster.CONFERENCE_INFO)
            .withChildren(List.of(XmlElement.of(Roster.USERS).withChildren(List.of(deny))));
    for (String denied :
        List.of(
            "sip:mallory@evil.example:5080",
            "<sip:mallory@EVIL.example:5080;transport=tcp>",
            "sip:eve@bad.example:5061")) {
      assertTrue(denied, UserLists.listed(document, UserLists.DENIED, List.of(denied)));
    }
    assertFalse(
        UserLists.listed(document, UserLists.DENIED, List.of("sip:alice@evil.example:5080")));
    assertEquals("sip:m@[::1]", UserLists.listable("sip:m@[::1]:5060"));
    assertEquals("sip:m@[::1]", UserLists.listable("sip:m@[::1]"));
    assertEquals("a number is no port", "tel:4930123", UserLists.listable("tel:4930123"));
  }
}
