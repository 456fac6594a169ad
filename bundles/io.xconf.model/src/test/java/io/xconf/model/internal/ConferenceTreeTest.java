package io.xconf.model.internal;

import static io.xconf.model.internal.Docs.conference;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceObject;
import io.xconf.model.CreateRequest;
import io.xconf.model.ModelException;
import io.xconf.model.ModelFailure;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;

public class ConferenceTreeTest {

  private static final String DOMAIN = "example.com";
  private static final String AUDIO_ROOM = "xcon:audio-room@example.com";

  private MemoryStore store;
  private List<ConferenceChange> changes;
  private ConferenceTree tree;

  @Before
  public void createTree() throws Exception {
    store = new MemoryStore();
    changes = Collections.synchronizedList(new ArrayList<>());
    tree = newTree();
  }

  private ConferenceTree newTree() throws Exception {
    return newTree(ConferenceTree.Limits.DEFAULTS);
  }

  private ConferenceTree newTree(ConferenceTree.Limits limits) throws Exception {
    return new ConferenceTree(
        DOMAIN,
        store,
        BlueprintFiles.builtIn(),
        "default",
        List.of("https://meet.example.com/{id}"),
        limits,
        changes::add,
        Clock.systemUTC());
  }

  @Test
  public void noChangeMakesADocumentOrItsUsersGrowPastTheirLimits() throws Exception {
    tree = newTree(new ConferenceTree.Limits(8192, 3));
    ConferenceObject created = create(AUDIO_ROOM, null);
    String big = "x".repeat(10_000);
    try {
      tree.update(
          created.uri(),
          conference(
              "<conference-description><display-text>"
                  + big
                  + "</display-text></conference-description>"),
          "xcon-userid:alice@example.com");
      fail("a document of more than 8 KiB was stored");
    } catch (ModelException e) {
      assertEquals(ModelFailure.RESOURCES_NOT_AVAILABLE, e.failure());
    }
    StringBuilder users = new StringBuilder("<users>");
    for (int i = 0; i < 4; i++) {
      users.append("<user entity=\"xcon-userid:u").append(i).append("@example.com\"/>");
    }
    try {
      tree.update(
          created.uri(),
          conference(users.append("</users>").toString()),
          "xcon-userid:alice@example.com");
      fail("four users were listed where three may be");
    } catch (ModelException e) {
      assertEquals(ModelFailure.RESOURCES_NOT_AVAILABLE, e.failure());
    }
    ConferenceObject after = tree.get(created.uri()).orElseThrow();
    assertEquals("nothing changed", created.version(), after.version());
    assertEquals(created.document(), after.document());
  }

  private ConferenceObject create(String parent, XmlElement document) throws ModelException {
    return tree.create(CreateRequest.conference(parent, document, "xcon-userid:alice@example.com"));
  }

  private static String text(XmlElement document, String... path) {
    XmlElement current = document;
    for (String step : path) {
      current =
          current
              .child(step.startsWith("xcon:") ? Names.xcon(step.substring(5)) : Names.info(step))
              .orElse(null);
      if (current == null) {
        return null;
      }
    }
    return current.text();
  }

  private static int countUsers(XmlElement document) {
    return document
        .child(Names.USERS)
        .map(users -> users.children(Names.info("user")).size())
        .orElse(0);
  }

  @Test
  public void aCloneInheritsItsParentAndOverridesWhatItSets() throws Exception {
    ConferenceObject created =
        create(
            AUDIO_ROOM,
            conference(
                "<conference-description><display-text>Standup</display-text></conference-description>"));
    XmlElement document = created.document();
    assertEquals(1, created.version());
    assertTrue(created.uri().matches("xcon:[a-z2-7]{24}@example\\.com"));
    assertEquals(created.uri(), document.attribute("entity"));
    assertEquals("Standup", text(document, "conference-description", "display-text"));
    assertEquals("100", text(document, "conference-description", "maximum-user-count"));
    assertEquals(AUDIO_ROOM, text(document, "conference-description", "xcon:cloning-parent"));
    assertEquals(
        "audio", text(document, "conference-description", "available-media", "entry", "type"));
    // Exactly one SIP URI, the focus's.
    XmlElement confUris =
        document
            .child(Names.CONFERENCE_DESCRIPTION)
            .orElseThrow()
            .child(Names.CONF_URIS)
            .orElseThrow();
    assertEquals(2, confUris.children().size());
    assertEquals(created.sipUri(), text(confUris, "entry", "uri"));
    assertEquals(
        "https://meet.example.com/" + created.uri().substring(5, created.uri().indexOf('@')),
        text(confUris.children().get(1), "uri"));
    assertEquals(created.sipUri(), created.uri().replace("xcon:", "sip:"));
  }

  @Test
  public void aClientCannotAddSipUrisToConfUris() throws Exception {
    ConferenceObject created =
        create(
            null,
            conference(
                "<conference-description><conf-uris><entry><uri>sip:mine@elsewhere.org</uri></entry>"
                    + "<entry><uri>tel:+4930555</uri></entry></conf-uris></conference-description>"));
    List<XmlElement> entries =
        created
            .document()
            .child(Names.CONFERENCE_DESCRIPTION)
            .orElseThrow()
            .child(Names.CONF_URIS)
            .orElseThrow()
            .children();
    String id = created.uri().substring(5, created.uri().indexOf('@'));
    assertEquals(
        List.of(created.sipUri(), "https://meet.example.com/" + id, "tel:+4930555"),
        entries.stream().map(entry -> text(entry, "uri")).toList());
  }

  @Test
  public void aWholeDocumentAtCreationTakesNothingFromTheBlueprint() throws Exception {
    ConferenceObject created =
        create(
            AUDIO_ROOM,
            conference(
                "state=\"full\"",
                "<conference-description><subject>Weekly</subject><available-media>"
                    + "<entry label=\"AUTO_GENERATE_2\"><type>audio</type><status>sendrecv</status></entry>"
                    + "</available-media></conference-description>"));
    XmlElement media =
        created
            .document()
            .child(Names.CONFERENCE_DESCRIPTION)
            .orElseThrow()
            .child(Names.info("available-media"))
            .orElseThrow();
    assertEquals(
        "only the client's media, not the blueprint's as well", 1, media.children().size());
    assertTrue(media.children().get(0).attribute("label").matches("[a-z2-7]{24}"));
    assertNull(text(created.document(), "conference-description", "display-text"));
    assertEquals(
        AUDIO_ROOM, text(created.document(), "conference-description", "xcon:cloning-parent"));
  }

  @Test
  public void creatingWithoutParentOrDocumentClonesTheSystemDefault() throws Exception {
    ConferenceObject created = create(null, null);
    assertEquals("xcon:default@example.com", created.parentUri());
    assertEquals("Conference", text(created.document(), "conference-description", "display-text"));
  }

  @Test
  public void changesOfAParentReachItsClonesUnlessTheyOverride() throws Exception {
    ConferenceObject parent =
        create(
            null,
            conference("<conference-description><subject>A</subject></conference-description>"));
    ConferenceObject child = create(parent.uri(), null);
    ConferenceObject overriding =
        create(
            parent.uri(),
            conference("<conference-description><subject>Mine</subject></conference-description>"));
    tree.update(
        parent.uri(),
        conference("<conference-description><subject>B</subject></conference-description>"),
        "alice");
    assertEquals(
        "B",
        text(tree.get(child.uri()).orElseThrow().document(), "conference-description", "subject"));
    assertEquals(
        "Mine",
        text(
            tree.get(overriding.uri()).orElseThrow().document(),
            "conference-description",
            "subject"));
  }

  @Test
  public void removingAnInheritedValueHidesIt() throws Exception {
    ConferenceObject created = create(AUDIO_ROOM, null);
    ConferenceObject updated =
        tree.update(
            created.uri(),
            conference("<conference-description><maximum-user-count/></conference-description>"),
            "alice");
    assertNull(text(updated.document(), "conference-description", "maximum-user-count"));
    assertEquals("Audio room", text(updated.document(), "conference-description", "display-text"));
  }

  @Test
  public void aFullDocumentReplacesTheParticipantList() throws Exception {
    ConferenceObject created =
        create(
            null,
            conference(
                "<users><user entity=\"xcon-userid:bob@example.com\"/><user entity=\"xcon-userid:carol@example.com\"/></users>"));
    assertEquals(2, countUsers(created.document()));
    // Linphone sends the whole document each time; carol left out must disappear.
    XmlElement whole =
        conference(
            "state=\"full\"", "<users><user entity=\"xcon-userid:bob@example.com\"/></users>");
    ConferenceObject updated = tree.update(created.uri(), whole, "alice");
    assertEquals(1, countUsers(updated.document()));
    assertEquals(2, updated.version());
  }

  @Test
  public void enforcedPropertiesCannotChangeInChildren() throws Exception {
    ConferenceObject parent =
        create(
            null,
            conference(
                "<conference-description><maximum-user-count>7</maximum-user-count></conference-description>"
                    + "<xconf:parent-enforceable><xconf:path>conference-description/maximum-user-count</xconf:path></xconf:parent-enforceable>"));
    ModelException onCreate =
        assertThrows(
            ModelException.class,
            () ->
                create(
                    parent.uri(),
                    conference(
                        "<conference-description><maximum-user-count>9</maximum-user-count></conference-description>")));
    assertEquals(ModelFailure.FORBIDDEN_CHANGE_PROTECTED, onCreate.failure());

    ConferenceObject child = create(parent.uri(), null);
    assertEquals("7", text(child.document(), "conference-description", "maximum-user-count"));
    assertFalse(
        "the policy is the parent's, not inherited",
        child.document().child(Names.PARENT_ENFORCEABLE).isPresent());
    for (String attempt :
        new String[] {"<maximum-user-count>9</maximum-user-count>", "<maximum-user-count/>"}) {
      ModelException e =
          assertThrows(
              ModelException.class,
              () ->
                  tree.update(
                      child.uri(),
                      conference(
                          "<conference-description>" + attempt + "</conference-description>"),
                      "bob"));
      assertEquals(ModelFailure.FORBIDDEN_CHANGE_PROTECTED, e.failure());
    }
    // The same value again (a client sending back the whole document) is no change.
    ConferenceObject same =
        tree.update(
            child.uri(),
            conference(
                "<conference-description><display-text>x</display-text><maximum-user-count>7</maximum-user-count></conference-description>"),
            "bob");
    assertEquals(2, same.version());
    // Still the parent's when the parent changes it.
    tree.update(
        parent.uri(),
        conference(
            "<conference-description><maximum-user-count>8</maximum-user-count></conference-description>"),
        "alice");
    assertEquals(
        "8",
        text(
            tree.get(child.uri()).orElseThrow().document(),
            "conference-description",
            "maximum-user-count"));
  }

  @Test
  public void aParentCannotBeDeletedWhileOthersCloneIt() throws Exception {
    ConferenceObject parent = create(null, null);
    ConferenceObject child = create(parent.uri(), null);
    ModelException e = assertThrows(ModelException.class, () -> tree.delete(parent.uri(), "alice"));
    assertEquals(ModelFailure.FORBIDDEN_DELETE_PARENT, e.failure());
    tree.delete(child.uri(), "alice");
    tree.delete(parent.uri(), "alice");
    assertTrue(tree.get(parent.uri()).isEmpty());
    assertEquals(
        ModelFailure.NOT_FOUND,
        assertThrows(ModelException.class, () -> tree.delete(parent.uri(), "alice")).failure());
  }

  @Test
  public void aConferenceListsItsSidebarsAndCountsThemAsChanges() throws Exception {
    ConferenceObject conference = create(AUDIO_ROOM, null);
    ConferenceObject byVal =
        tree.create(
            new CreateRequest(
                ObjectKind.SIDEBAR_BY_VAL, conference.uri(), null, "xcon-userid:bob@example.com"));
    ConferenceObject byRef =
        tree.create(
            new CreateRequest(
                ObjectKind.SIDEBAR_BY_REF,
                conference.uri(),
                conference(
                    "<conference-description><display-text>Side</display-text></conference-description>"),
                "xcon-userid:bob@example.com"));
    ConferenceObject main = tree.get(conference.uri()).orElseThrow();
    assertEquals("each sidebar changes the main conference", 3, main.version());
    XmlElement byValList = main.document().child(Names.SIDEBARS_BY_VAL).orElseThrow();
    assertEquals(byVal.uri(), byValList.children().get(0).attribute("entity"));
    assertEquals(
        "Audio room", text(byValList.children().get(0), "conference-description", "display-text"));
    XmlElement byRefList = main.document().child(Names.SIDEBARS_BY_REF).orElseThrow();
    assertEquals(byRef.uri(), text(byRefList.children().get(0), "uri"));
    assertEquals("Side", text(byRefList.children().get(0), "display-text"));
    assertFalse(
        "sidebars inherit no sidebar lists",
        byRef.document().child(Names.SIDEBARS_BY_VAL).isPresent());

    tree.delete(byVal.uri(), "bob");
    main = tree.get(conference.uri()).orElseThrow();
    assertEquals(4, main.version());
    assertFalse(main.document().child(Names.SIDEBARS_BY_VAL).isPresent());
    ConferenceTree restarted = newTree();
    assertEquals(main, restarted.get(conference.uri()).orElseThrow());
  }

  @Test
  public void sidebarsHangOffConferences() throws Exception {
    ConferenceObject conference = create(AUDIO_ROOM, null);
    ConferenceObject sidebar =
        tree.create(
            new CreateRequest(
                ObjectKind.SIDEBAR_BY_VAL,
                conference.uri(),
                conference(
                    "<conference-description><display-text>Side</display-text></conference-description>"),
                "xcon-userid:bob@example.com"));
    assertEquals(ObjectKind.SIDEBAR_BY_VAL, sidebar.kind());
    assertEquals(
        conference.uri(),
        text(sidebar.document(), "conference-description", "xcon:sidebar-parent"));
    assertNull(text(sidebar.document(), "conference-description", "xcon:cloning-parent"));
    assertEquals("100", text(sidebar.document(), "conference-description", "maximum-user-count"));
    assertEquals(
        List.of(sidebar.uri()),
        tree.list(null, conference.uri()).stream().map(ConferenceObject::uri).toList());
    assertEquals(
        ModelFailure.FORBIDDEN,
        assertThrows(
                ModelException.class,
                () ->
                    tree.create(
                        new CreateRequest(ObjectKind.SIDEBAR_BY_REF, AUDIO_ROOM, null, null)))
            .failure());
    assertEquals(
        ModelFailure.FORBIDDEN,
        assertThrows(ModelException.class, () -> create(sidebar.uri(), null)).failure());
    assertEquals(
        ModelFailure.FORBIDDEN_DELETE_PARENT,
        assertThrows(ModelException.class, () -> tree.delete(conference.uri(), "alice")).failure());
  }

  @Test
  public void blueprintsAreReadOnlyAndUnknownObjectsAreNotFound() {
    assertEquals(
        ModelFailure.FORBIDDEN,
        assertThrows(ModelException.class, () -> tree.update(AUDIO_ROOM, conference(""), "a"))
            .failure());
    assertEquals(
        ModelFailure.FORBIDDEN,
        assertThrows(ModelException.class, () -> tree.delete(AUDIO_ROOM, "a")).failure());
    assertEquals(
        ModelFailure.NOT_FOUND,
        assertThrows(
                ModelException.class,
                () -> tree.update("xcon:nope@example.com", conference(""), "a"))
            .failure());
    assertEquals(
        ModelFailure.NOT_FOUND,
        assertThrows(ModelException.class, () -> create("xcon:nope@example.com", null)).failure());
    assertEquals(
        ModelFailure.BAD_REQUEST,
        assertThrows(ModelException.class, () -> create(null, Docs.parse("<other/>"))).failure());
  }

  @Test
  public void autoGeneratePlaceholdersGetOneFreshIdEach() throws Exception {
    ConferenceObject created =
        create(
            null,
            conference(
                "<users><user entity=\"xcon-userid:AUTO_GENERATE_1@example.com\"><display-text>AUTO_GENERATE_1</display-text></user>"
                    + "<user entity=\"xcon-userid:AUTO_GENERATE_2@EXAMPLE.com\"/></users>"));
    List<XmlElement> users =
        created.document().child(Names.USERS).orElseThrow().children(Names.info("user"));
    String first = users.get(0).attribute("entity");
    String second = users.get(1).attribute("entity");
    assertTrue(first, first.matches("xcon-userid:[a-z2-7]{24}@example\\.com"));
    assertEquals(
        first.substring("xcon-userid:".length(), first.indexOf('@')),
        text(users.get(0), "display-text"));
    assertNotEquals(
        first.substring(0, first.indexOf('@')), second.substring(0, second.indexOf('@')));
  }

  @Test
  public void autoGenerateRefusesForeignDomainsAndNames() {
    ModelException foreign =
        assertThrows(
            ModelException.class,
            () ->
                create(
                    null,
                    conference(
                        "<users><user entity=\"xcon-userid:AUTO_GENERATE_1@other.org\"/></users>")));
    assertEquals(ModelFailure.INVALID_DOMAIN_NAME, foreign.failure());
    ModelException inName =
        assertThrows(
            ModelException.class,
            () -> create(null, conference("<xconf:AUTO_GENERATE_1>x</xconf:AUTO_GENERATE_1>")));
    assertEquals(ModelFailure.BAD_REQUEST, inName.failure());
    ModelException inDomain =
        assertThrows(
            ModelException.class,
            () ->
                create(
                    null,
                    conference(
                        "<users><user entity=\"xcon-userid:bob@AUTO_GENERATE_1\"/></users>")));
    assertEquals(ModelFailure.BAD_REQUEST, inDomain.failure());
  }

  @Test
  public void versionsCountChangesAndChangesAreAnnounced() throws Exception {
    ConferenceObject created = create(null, null);
    String uri = created.uri();
    tree.update(
        uri,
        conference("<conference-description><subject>1</subject></conference-description>"),
        "alice");
    ConferenceObject second =
        tree.update(
            uri,
            conference("<conference-description><subject>2</subject></conference-description>"),
            "bob");
    assertEquals(3, second.version());
    ConferenceObject unchanged =
        tree.update(
            uri,
            conference("<conference-description><subject>2</subject></conference-description>"),
            "bob");
    assertEquals("an update that changes nothing is no new version", 3, unchanged.version());
    tree.delete(uri, "alice");
    assertEquals(
        List.of(
            ConferenceChange.Kind.CREATED,
            ConferenceChange.Kind.UPDATED,
            ConferenceChange.Kind.UPDATED,
            ConferenceChange.Kind.DELETED),
        changes.stream().map(ConferenceChange::kind).toList());
    ConferenceChange update = changes.get(2);
    assertEquals(2, update.oldVersion());
    assertEquals(3, update.newVersion());
    assertEquals("1", text(update.before(), "conference-description", "subject"));
    assertEquals("2", text(update.after(), "conference-description", "subject"));
    assertEquals("bob", update.actor());
  }

  @Test
  public void aFailingStoreChangesNothing() throws Exception {
    ConferenceObject created = create(null, null);
    store.failing = true;
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                tree.update(
                    created.uri(),
                    conference(
                        "<conference-description><subject>x</subject></conference-description>"),
                    "a"));
    assertEquals(ModelFailure.SERVER_INTERNAL_ERROR, e.failure());
    assertEquals(
        ModelFailure.SERVER_INTERNAL_ERROR,
        assertThrows(ModelException.class, () -> create(null, null)).failure());
    store.failing = false;
    assertEquals(1, tree.get(created.uri()).orElseThrow().version());
    assertEquals(1, tree.conferencesCount());
  }

  @Test
  public void whatWasStoredIsThereAfterARestart() throws Exception {
    ConferenceObject parent =
        create(
            AUDIO_ROOM,
            conference("<conference-description><subject>S</subject></conference-description>"));
    ConferenceObject child = create(parent.uri(), null);
    tree.update(
        child.uri(),
        conference("<conference-description><display-text/></conference-description>"),
        "a");
    ConferenceTree restarted = newTree();
    assertEquals(tree.get(parent.uri()), restarted.get(parent.uri()));
    assertEquals(tree.get(child.uri()), restarted.get(child.uri()));
    assertEquals(
        ModelFailure.FORBIDDEN_DELETE_PARENT,
        assertThrows(ModelException.class, () -> restarted.delete(parent.uri(), "a")).failure());
  }

  @Test
  public void valuesOutsideTheirTypesAndBrokenPoliciesChangeNothing() throws Exception {
    ConferenceObject conference =
        create(
            null,
            conference(
                "<conference-description><maximum-user-count>2</maximum-user-count></conference-description>"
                    + "<users><user entity=\"xcon-userid:bob@example.com\"/></users>"));
    String[] infeasible = {
      "<conference-description><maximum-user-count>-1</maximum-user-count></conference-description>",
      "<conference-description><maximum-user-count>0</maximum-user-count></conference-description>",
      "<users><user entity=\"xcon-userid:carol@example.com\"/><user entity=\"xcon-userid:dave@example.com\"/></users>",
      "<users><user entity=\"xcon-userid:bob@example.com\"><endpoint entity=\"sip:bob@example.com\">"
          + "<status>happy</status></endpoint></user></users>",
      "<conference-description><available-media><entry label=\"a\"><xcon:controls><xcon:gain>128</xcon:gain>"
          + "</xcon:controls></entry></available-media></conference-description>",
      "<users><xcon:allow-refer-users-dynamically>maybe</xcon:allow-refer-users-dynamically></users>",
      "<conference-description><xcon:conference-time><xcon:entry><xcon:mixing-start-offset>tomorrow"
          + "</xcon:mixing-start-offset></xcon:entry></xcon:conference-time></conference-description>",
    };
    for (String change : infeasible) {
      ModelException e =
          assertThrows(
              change,
              ModelException.class,
              () -> tree.update(conference.uri(), conference(change), "alice"));
      assertEquals(change, ModelFailure.CONFLICT, e.failure());
    }
    assertEquals(1, tree.get(conference.uri()).orElseThrow().version());
    // Feasible neighbours of the same values pass.
    tree.update(
        conference.uri(),
        conference(
            "<conference-description><maximum-user-count>3</maximum-user-count></conference-description>"
                + "<users><user entity=\"xcon-userid:carol@example.com\"><endpoint entity=\"sip:c@example.com\">"
                + "<status>muted-via-focus</status></endpoint></user></users>"),
        "alice");
    assertEquals(2, tree.get(conference.uri()).orElseThrow().version());

    ModelException onCreate =
        assertThrows(
            ModelException.class,
            () ->
                create(
                    null,
                    conference(
                        "<conference-description><maximum-user-count>lots</maximum-user-count></conference-description>")));
    assertEquals(ModelFailure.BAD_REQUEST, onCreate.failure());
  }

  @Test
  public void sixteenThreadsUpdatingOneConferenceLoseNothing() throws Exception {
    // Room for the 400 users the threads add (the default blueprint allows 50).
    String uri =
        create(
                null,
                conference(
                    "<conference-description><maximum-user-count>500</maximum-user-count></conference-description>"))
            .uri();
    int threads = 16;
    int updatesEach = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Long>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                start.await();
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < updatesEach; i++) {
                  String user = "xcon-userid:t" + thread + "u" + i + "@example.com";
                  XmlElement add =
                      conference(
                          "<users><user entity=\""
                              + user
                              + "\"><display-text>x</display-text></user></users>");
                  versions.add(tree.update(uri, add, "t" + thread).version());
                }
                return versions;
              }));
    }
    start.countDown();
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> result : results) {
      List<Long> versions = result.get(60, TimeUnit.SECONDS);
      for (int i = 1; i < versions.size(); i++) {
        assertTrue("versions seen by one client only grow", versions.get(i) > versions.get(i - 1));
      }
      all.addAll(versions);
    }
    pool.shutdown();
    ConferenceObject last = tree.get(uri).orElseThrow();
    assertEquals(1 + threads * updatesEach, last.version());
    assertEquals(threads * updatesEach, countUsers(last.document()));
    assertEquals(
        "every version handed out once", threads * updatesEach, all.stream().distinct().count());
    List<Long> announced =
        changes.stream()
            .filter(c -> c.kind() == ConferenceChange.Kind.UPDATED)
            .map(ConferenceChange::newVersion)
            .toList();
    for (int i = 1; i < announced.size(); i++) {
      assertEquals("announced in commit order", announced.get(i - 1) + 1, (long) announced.get(i));
    }
    assertEquals(ObjectKind.CONFERENCE, last.kind());
  }

  /** The focus writes the roster changes of calls arriving together as one batch. */
  @Test
  public void aBatchOfUpdatesAddsEveryUserItNames() throws Exception {
    ConferenceObject created =
        create(
            AUDIO_ROOM,
            conference(
                "<users><user entity=\"xcon-userid:alice@example.com\"><roles><entry>organizer"
                    + "</entry></roles></user><xcon:join-handling>confirm</xcon:join-handling>"
                    + "</users>"));
    List<XmlElement> waiting = new ArrayList<>();
    for (String id : List.of("one", "two")) {
      waiting.add(
          conference(
              "<users><user entity=\"xcon-userid:"
                  + id
                  + "@example.com\"><display-text>sipp</display-text>"
                  + "<endpoint entity=\"sip:sipp@127.0.0.1:5"
                  + id.length()
                  + id.charAt(0)
                  + "\"><status>dialing-in</status><joining-method>dialed-in</joining-method>"
                  + "</endpoint></user></users>"));
    }
    ConferenceObject updated = tree.update(created.uri(), waiting, "focus");
    String users = updated.document().toString();
    assertTrue(users, users.contains("xcon-userid:one@example.com"));
    assertTrue(users, users.contains("xcon-userid:two@example.com"));
  }
}
