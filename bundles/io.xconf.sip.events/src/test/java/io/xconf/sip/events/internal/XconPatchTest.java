package io.xconf.sip.events.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** RFC 6502 partial notifications as RFC 5261 patches. */
public class XconPatchTest {

  private static final String CONFERENCE = "xcon:c1@example.com";

  private static XmlElement description(String name) {
    return XmlElement.of(Names.DESCRIPTION)
        .withChildren(List.of(XmlElement.leaf(Names.info("display-text"), name)));
  }

  private static XmlElement user(String entity, String status) {
    XmlElement user = XmlElement.of(Names.USER).withAttribute("entity", entity);
    return status == null
        ? user
        : user.withChildren(
            List.of(
                XmlElement.of(Names.ENDPOINT)
                    .withAttribute("entity", "sip:a@example.com")
                    .withChildren(List.of(XmlElement.leaf(Names.info("status"), status)))));
  }

  private static XmlElement document(XmlElement... children) {
    return XmlElement.of(Names.CONFERENCE_INFO).withChildren(List.of(children));
  }

  private static XmlElement users(XmlElement... children) {
    return XmlElement.of(Names.USERS).withChildren(List.of(children));
  }

  private static String written(XmlElement patch) {
    return new String(
        XmlDocuments.toBytes(
            patch,
            Map.of(
                io.xconf.model.Namespaces.CONFERENCE_INFO, "",
                io.xconf.model.Namespaces.XCON, "xcon")),
        StandardCharsets.UTF_8);
  }

  @Test
  public void sameDocumentsOnlyMoveTheVersion() {
    XmlElement same = document(description("A"), users(user("xcon-userid:a@example.com", null)));
    XmlElement patch = XconPatch.between(same, same, CONFERENCE, 7);
    assertEquals(1, patch.children().size());
    assertEquals("/conference-info/@version", patch.children().get(0).attribute("sel"));
    assertEquals("7", patch.children().get(0).text());
  }

  @Test
  public void changedElementsAreReplacedUsersAddedAndRemovedByEntity() {
    XmlElement before =
        document(
            description("Old"),
            users(
                user("xcon-userid:a@example.com", "connected"),
                user("xcon-userid:b@example.com", null),
                XmlElement.leaf(Names.xcon("join-handling"), "allow")));
    XmlElement after =
        document(
            description("New"),
            users(
                user("xcon-userid:a@example.com", "on-hold"),
                user("xcon-userid:c@example.com", null),
                XmlElement.leaf(Names.xcon("join-handling"), "block")));
    String patch = written(XconPatch.between(before, after, CONFERENCE, 2));
    assertTrue(patch, patch.contains("<xcon:conference-info-diff"));
    assertTrue(patch, patch.contains("xmlns=\"urn:ietf:params:xml:ns:conference-info\""));
    assertTrue(patch, patch.contains("entity=\"" + CONFERENCE + "\""));
    assertTrue(
        patch,
        patch.contains(
            "<xcon:replace sel=\"/conference-info/conference-description\">"
                + "<conference-description><display-text>New</display-text>"));
    assertTrue(
        patch,
        patch.contains(
            "<xcon:replace sel=\"/conference-info/users/user[@entity='xcon-userid:a@example.com']\">"));
    assertTrue(
        patch,
        patch.contains(
            "<xcon:add sel=\"/conference-info/users/user[@entity='xcon-userid:a@example.com']\""
                + " pos=\"after\"><user entity=\"xcon-userid:c@example.com\""));
    assertTrue(
        patch,
        patch.contains(
            "<xcon:remove sel=\"/conference-info/users/user[@entity='xcon-userid:b@example.com']\""));
    assertTrue(
        patch,
        patch.contains(
            "<xcon:replace sel=\"/conference-info/users/xcon:join-handling\">"
                + "<xcon:join-handling>block</xcon:join-handling>"));
  }

  @Test
  public void topLevelElementsComeAndGo() {
    XmlElement before = document(description("A"));
    XmlElement after = document(users(user("xcon-userid:a@example.com", null)));
    XmlElement patch = XconPatch.between(before, after, CONFERENCE, 2);
    assertEquals(3, patch.children().size());
    assertEquals("remove", patch.children().get(0).name().getLocalPart());
    assertEquals(
        "/conference-info/conference-description", patch.children().get(0).attribute("sel"));
    assertEquals("add", patch.children().get(1).name().getLocalPart());
    assertEquals("/conference-info", patch.children().get(1).attribute("sel"));
  }

  @Test
  public void addedElementsKeepTheDocumentsOrder() {
    XmlElement join = XmlElement.leaf(Names.xcon("join-handling"), "allow");
    XmlElement before = document(description("A"), users(join));
    XmlElement after =
        document(
            description("A"),
            users(
                user("xcon-userid:a@example.com", null),
                user("xcon-userid:b@example.com", null),
                join));
    XmlElement patch = XconPatch.between(before, after, CONFERENCE, 2);
    // The first user goes before join-handling, the second after the first.
    assertEquals("/conference-info/users", patch.children().get(0).attribute("sel"));
    assertEquals("prepend", patch.children().get(0).attribute("pos"));
    assertEquals(
        "/conference-info/users/user[@entity='xcon-userid:a@example.com']",
        patch.children().get(1).attribute("sel"));
    assertEquals("after", patch.children().get(1).attribute("pos"));
  }
}
