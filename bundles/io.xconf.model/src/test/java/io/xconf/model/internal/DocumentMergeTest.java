package io.xconf.model.internal;

import static io.xconf.model.internal.Docs.conference;
import static org.junit.Assert.assertEquals;

import io.xconf.model.XmlElement;
import org.junit.Test;

public class DocumentMergeTest {

  private static final String DESCRIPTION =
      "<conference-description><display-text>Weekly</display-text><subject>Plans</subject>"
          + "<maximum-user-count>10</maximum-user-count></conference-description>";
  private static final String USERS =
      "<users><user entity=\"xcon-userid:alice@x\"><display-text>Alice</display-text>"
          + "<roles><entry>administrator</entry><entry>participant</entry></roles></user>"
          + "<user entity=\"xcon-userid:bob@x\"><display-text>Bob</display-text></user></users>";

  /** Applies an update to a conference that sets everything itself (no parent). */
  private static XmlElement update(XmlElement current, XmlElement update) {
    XmlElement own = DocumentMerge.applyUpdate(current, update, current);
    return DocumentMerge.overlay(null, own);
  }

  @Test
  public void anElementPresentReplacesItsMatch() {
    XmlElement result =
        update(
            conference(DESCRIPTION),
            conference(
                "<conference-description><display-text>New title</display-text></conference-description>"));
    assertEquals(
        conference(
            "<conference-description><display-text>New title</display-text><subject>Plans</subject>"
                + "<maximum-user-count>10</maximum-user-count></conference-description>"),
        result);
  }

  @Test
  public void anElementSentEmptyIsRemoved() {
    XmlElement result =
        update(
            conference(DESCRIPTION),
            conference("<conference-description><display-text/></conference-description>"));
    assertEquals(
        conference(
            "<conference-description><subject>Plans</subject><maximum-user-count>10</maximum-user-count>"
                + "</conference-description>"),
        result);
  }

  @Test
  public void usersAreMatchedByEntity() {
    XmlElement result =
        update(
            conference(USERS),
            conference(
                "<users><user entity=\"xcon-userid:bob@x\"><display-text>Robert</display-text></user>"
                    + "<user entity=\"xcon-userid:carol@x\"><display-text>Carol</display-text></user></users>"));
    assertEquals(
        conference(
            "<users><user entity=\"xcon-userid:alice@x\"><display-text>Alice</display-text>"
                + "<roles><entry>administrator</entry><entry>participant</entry></roles></user>"
                + "<user entity=\"xcon-userid:bob@x\"><display-text>Robert</display-text></user>"
                + "<user entity=\"xcon-userid:carol@x\"><display-text>Carol</display-text></user></users>"),
        result);
  }

  @Test
  public void aKeyedElementSentEmptyRemovesAnExistingOneAndAddsAnAbsentOne() {
    XmlElement removed =
        update(
            conference(USERS), conference("<users><user entity=\"xcon-userid:alice@x\"/></users>"));
    assertEquals(
        conference(
            "<users><user entity=\"xcon-userid:bob@x\"><display-text>Bob</display-text></user></users>"),
        removed);
    XmlElement added =
        update(
            conference(USERS), conference("<users><user entity=\"xcon-userid:dave@x\"/></users>"));
    assertEquals(3, added.child(Names.USERS).orElseThrow().children().size());
  }

  @Test
  public void stateDeletedRemovesAnElementWithContent() {
    XmlElement result =
        update(
            conference(USERS),
            conference(
                "<users><user entity=\"xcon-userid:bob@x\" state=\"deleted\"><display-text>Bob</display-text></user></users>"));
    assertEquals(1, result.child(Names.USERS).orElseThrow().children().size());
  }

  @Test
  public void stateFullReplacesWhatItCovers() {
    // Linphone sends the whole document; a participant it left out must disappear.
    XmlElement result =
        update(
            conference(DESCRIPTION + USERS),
            conference(
                "<users state=\"full\"><user entity=\"xcon-userid:alice@x\"><display-text>Alice</display-text></user></users>"));
    assertEquals(
        conference(
            DESCRIPTION
                + "<users><user entity=\"xcon-userid:alice@x\"><display-text>Alice</display-text></user></users>"),
        result);
  }

  @Test
  public void unkeyedListsAreReplacedAsAWhole() {
    XmlElement result =
        update(
            conference(USERS),
            conference(
                "<users><user entity=\"xcon-userid:alice@x\"><roles><entry>participant</entry></roles></user></users>"));
    XmlElement alice = result.child(Names.USERS).orElseThrow().children().get(0);
    assertEquals(
        Docs.parse(
            "<roles xmlns=\"urn:ietf:params:xml:ns:conference-info\"><entry>participant</entry></roles>"),
        alice.child(Names.info("roles")).orElseThrow());
  }

  @Test
  public void newElementsTakeTheirSchemaPosition() {
    XmlElement result =
        update(
            conference("<conference-description><subject>S</subject></conference-description>"),
            conference(
                "<conference-description><maximum-user-count>5</maximum-user-count><display-text>T</display-text></conference-description>"));
    assertEquals(
        conference(
            "<conference-description><display-text>T</display-text><subject>S</subject><maximum-user-count>5</maximum-user-count></conference-description>"),
        result);
  }

  @Test
  public void overlayInheritsOverridesAndHidesWithTombstones() {
    XmlElement parent = conference(DESCRIPTION);
    XmlElement own =
        DocumentMerge.applyUpdate(
            null,
            conference(
                "<conference-description><display-text/><subject>Mine</subject></conference-description>"),
            parent);
    XmlElement effective = DocumentMerge.overlay(parent, own);
    assertEquals(
        conference(
            "<conference-description><subject>Mine</subject><maximum-user-count>10</maximum-user-count>"
                + "</conference-description>"),
        effective);
  }

  /** A batch of roster-like updates in one pass gives what applying them one by one gives. */
  @Test
  public void aBatchOfUpdatesEqualsThemOneByOne() {
    XmlElement own = conference(USERS + DESCRIPTION);
    java.util.List<XmlElement> batch =
        java.util.List.of(
            conference(
                "<users><user entity=\"xcon-userid:carol@x\"><endpoint entity=\"sip:c@x\">"
                    + "<status>connected</status></endpoint></user></users>"),
            conference(
                "<users><user entity=\"xcon-userid:bob@x\"><endpoint entity=\"sip:b@x\">"
                    + "<status>dialing-out</status></endpoint></user></users>"),
            conference(
                "<users><user entity=\"xcon-userid:carol@x\"><endpoint entity=\"sip:c@x\">"
                    + "<status>muted-via-focus</status></endpoint></user></users>"),
            conference("<users><user entity=\"xcon-userid:alice@x\" state=\"deleted\"/></users>"),
            conference(
                "<users><user entity=\"xcon-userid:bob@x\"><endpoint entity=\"sip:b@x\""
                    + " state=\"deleted\"/></user></users>"),
            conference(
                "<users><user entity=\"xcon-userid:alice@x\"><display-text>Alice again</display-text>"
                    + "</user></users>"),
            conference(
                "<conference-description><subject>Changed</subject></conference-description>"),
            conference(
                "<users><user entity=\"xcon-userid:dave@x\"><roles><entry>a</entry><entry>b</entry>"
                    + "</roles></user></users>"));
    XmlElement oneByOne = own;
    for (XmlElement update : batch) {
      oneByOne = DocumentMerge.applyUpdate(oneByOne, update, own);
    }
    assertEquals(oneByOne, DocumentMerge.applyUpdates(own, batch, own));
    assertEquals(
        DocumentMerge.overlay(null, oneByOne),
        DocumentMerge.overlay(null, DocumentMerge.applyUpdates(own, batch, own)));
  }
}
