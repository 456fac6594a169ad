package io.xconf.sip.focus.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

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
}
