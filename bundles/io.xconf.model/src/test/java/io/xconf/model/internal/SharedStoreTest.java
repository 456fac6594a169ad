package io.xconf.model.internal;

import static io.xconf.model.internal.Docs.conference;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;

/**
 * Two nodes, each with its own tree, over one shared store whose notifications have not arrived
 * (unless a test delivers them): what one node acknowledged is what the other reads and builds on.
 */
public class SharedStoreTest {

  private static final String DOMAIN = "example.com";
  private static final String ALICE = "xcon-userid:alice@example.com";

  private MemoryStore storeA;
  private MemoryStore storeB;
  private ConferenceTree nodeA;
  private ConferenceTree nodeB;
  private final List<ConferenceChange> changesA = Collections.synchronizedList(new ArrayList<>());
  private final List<ConferenceChange> changesB = Collections.synchronizedList(new ArrayList<>());
  private final List<ConferenceChange> observedB = Collections.synchronizedList(new ArrayList<>());

  @Before
  public void startNodes() throws Exception {
    storeA = MemoryStore.sharedByNodes();
    storeB = storeA.nodeOf();
    nodeA = node(storeA, changesA);
    nodeB = node(storeB, changesB);
  }

  private static ConferenceTree node(MemoryStore store, List<ConferenceChange> changes)
      throws Exception {
    ConferenceTree tree =
        new ConferenceTree(
            DOMAIN,
            store,
            BlueprintFiles.builtIn(),
            "default",
            List.of(),
            ConferenceTree.Limits.DEFAULTS,
            changes::add,
            Clock.systemUTC());
    tree.listen();
    return tree;
  }

  private static XmlElement displayText(String text) {
    return conference(
        "<conference-description><display-text>"
            + text
            + "</display-text></conference-description>");
  }

  private static XmlElement user(String name) {
    return conference("<users><user entity=\"xcon-userid:" + name + "@example.com\"/></users>");
  }

  private static String displayTextOf(ConferenceObject object) {
    return object
        .document()
        .child(Names.CONFERENCE_DESCRIPTION)
        .flatMap(d -> d.child(Names.DISPLAY_TEXT))
        .map(XmlElement::text)
        .orElse(null);
  }

  @Test
  public void whatOneNodeAcknowledgedTheOtherReadsAtOnce() throws Exception {
    ConferenceObject created =
        nodeA.create(CreateRequest.conference(null, displayText("Weekly"), ALICE));
    ConferenceObject seen = nodeB.get(created.uri()).orElseThrow();
    assertEquals(created.version(), seen.version());
    assertEquals(created.document(), seen.document());
    assertTrue(
        nodeB.list(ObjectKind.CONFERENCE, null).stream()
            .anyMatch(c -> c.uri().equals(created.uri())));

    nodeA.update(created.uri(), displayText("Monthly"), ALICE);
    assertEquals("Monthly", displayTextOf(nodeB.get(created.uri()).orElseThrow()));

    nodeA.delete(created.uri(), ALICE);
    assertFalse(nodeB.get(created.uri()).isPresent());
    assertEquals(
        ModelFailure.NOT_FOUND,
        assertThrows(ModelException.class, () -> nodeB.update(created.uri(), user("bob"), ALICE))
            .failure());
  }

  @Test
  public void aNodeBehindBuildsOnTheOtherNodesChangeInsteadOfOverwritingIt() throws Exception {
    ConferenceObject created = nodeA.create(CreateRequest.conference(null, null, ALICE));
    nodeB.get(created.uri()).orElseThrow(); // B has version 1 in its cache
    nodeA.update(created.uri(), user("bob"), ALICE); // version 2, B not told
    ConferenceObject afterB = nodeB.update(created.uri(), user("carol"), ALICE);

    assertEquals(3, afterB.version());
    ConferenceObject onA = nodeA.get(created.uri()).orElseThrow();
    assertEquals(afterB.document(), onA.document());
    String users = onA.document().child(Names.USERS).orElseThrow().toString();
    assertTrue(users, users.contains("bob@example.com") && users.contains("carol@example.com"));
  }

  @Test
  public void updatesFromBothNodesAtOnceKeepEveryChangeAndOneLineOfVersions() throws Exception {
    String uri = nodeA.create(CreateRequest.conference(null, null, ALICE)).uri();
    int threads = 8;
    int updatesEach = 6; // 48 users: the default blueprint lets 50 in
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<Long>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < updatesEach; i++) {
                  ConferenceTree node = (i + thread) % 2 == 0 ? nodeA : nodeB;
                  versions.add(node.update(uri, user("t" + thread + "u" + i), ALICE).version());
                }
                return versions;
              }));
    }
    Set<Long> versions = new HashSet<>();
    for (Future<List<Long>> result : results) {
      List<Long> mine = result.get(60, TimeUnit.SECONDS);
      for (int i = 1; i < mine.size(); i++) {
        assertTrue("one client's versions grow: " + mine, mine.get(i) > mine.get(i - 1));
      }
      versions.addAll(mine);
    }
    pool.shutdown();
    assertEquals("every update got a version of its own", threads * updatesEach, versions.size());
    ConferenceObject last = nodeB.get(uri).orElseThrow();
    assertEquals(1 + threads * updatesEach, last.version());
    assertEquals(
        threads * updatesEach,
        last.document().child(Names.USERS).orElseThrow().children(Names.info("user")).size());
    assertEquals(last.document(), nodeA.get(uri).orElseThrow().document());
  }

  @Test
  public void sidebarsAndClonesMadeOnOneNodeCountOnTheOther() throws Exception {
    ConferenceObject main = nodeA.create(CreateRequest.conference(null, null, ALICE));
    nodeB.get(main.uri()).orElseThrow();
    ConferenceObject sidebar =
        nodeA.create(new CreateRequest(ObjectKind.SIDEBAR_BY_REF, main.uri(), null, ALICE));
    ConferenceObject mainOnB = nodeB.get(main.uri()).orElseThrow();
    assertEquals(2, mainOnB.version());
    assertTrue(mainOnB.document().child(Names.SIDEBARS_BY_REF).isPresent());

    // B never heard of the clone A makes of the main conference: deleting it there must still
    // be refused, and deleting the sidebar on B must reach A.
    nodeA.create(CreateRequest.conference(main.uri(), null, ALICE));
    assertEquals(
        ModelFailure.FORBIDDEN_DELETE_PARENT,
        assertThrows(ModelException.class, () -> nodeB.delete(main.uri(), ALICE)).failure());
    nodeB.delete(sidebar.uri(), ALICE);
    ConferenceObject mainOnA = nodeA.get(main.uri()).orElseThrow();
    assertFalse(mainOnA.document().child(Names.SIDEBARS_BY_REF).isPresent());
    assertEquals(3, mainOnA.version());
  }

  @Test
  public void notificationsBringTheCacheUpToDateAndAnnounceNothing() throws Exception {
    ConferenceObject created = nodeA.create(CreateRequest.conference(null, null, ALICE));
    storeB.deliver();
    assertEquals(1, nodeB.conferencesCount());
    nodeA.delete(created.uri(), ALICE);
    storeB.deliver();
    assertEquals(0, nodeB.conferencesCount());
    assertTrue("changes are announced where they are made", changesB.isEmpty());
    assertEquals(2, changesA.size());
  }

  /** A hosts every conference; B hosts none. */
  private void aHostsEverything() {
    nodeA.placement(
        new ConferenceTree.Placement() {
          @Override
          public boolean announceChangeMadeHere(String uri) {
            return true;
          }

          @Override
          public boolean announceChangeMadeElsewhere(String uri) {
            return true;
          }
        },
        changesA::add);
    nodeB.placement(
        new ConferenceTree.Placement() {
          @Override
          public boolean announceChangeMadeHere(String uri) {
            return false;
          }

          @Override
          public boolean announceChangeMadeElsewhere(String uri) {
            return false;
          }
        },
        observedB::add);
  }

  @Test
  public void theHostAnnouncesWhatAnotherNodeChanged() throws Exception {
    aHostsEverything();
    ConferenceObject created =
        nodeA.create(CreateRequest.conference(null, displayText("Weekly"), ALICE));
    nodeB.update(created.uri(), displayText("Monthly"), ALICE);
    assertTrue("B does not host it: it announces nothing", changesB.isEmpty());
    assertEquals(
        "but those that hear every change hear it there",
        List.of(2L),
        observedB.stream().map(ConferenceChange::newVersion).toList());
    storeA.deliver();
    ConferenceChange heard = changesA.get(changesA.size() - 1);
    assertEquals(ConferenceChange.Kind.UPDATED, heard.kind());
    assertEquals(1, heard.oldVersion());
    assertEquals(2, heard.newVersion());
    assertTrue(heard.before().toString().contains("Weekly"));
    assertTrue(heard.after().toString().contains("Monthly"));

    // Read before the notification arrives: still announced, once.
    nodeB.update(created.uri(), displayText("Daily"), ALICE);
    int before = changesA.size();
    nodeA.get(created.uri());
    storeA.deliver();
    assertEquals(before + 1, changesA.size());

    nodeB.delete(created.uri(), ALICE);
    storeA.deliver();
    assertEquals(ConferenceChange.Kind.DELETED, changesA.get(changesA.size() - 1).kind());
    assertTrue(changesB.stream().allMatch(c -> c.kind() == ConferenceChange.Kind.CREATED));
  }
}
