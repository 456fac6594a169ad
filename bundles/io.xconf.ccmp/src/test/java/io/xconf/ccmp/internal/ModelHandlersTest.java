package io.xconf.ccmp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.ccmp.CcmpCaller;
import io.xconf.model.internal.ConferenceServiceComponent;
import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.XconSchemas;
import io.xconf.schema.internal.JaxbXconCodec;
import io.xconf.store.sqlite.internal.SqliteConferenceStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.transform.stream.StreamSource;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The standard messages over the real model and store, as a CCMP client sends them. */
public class ModelHandlersTest {

  private static final String DOMAIN = "example.com";
  private static final String ALICE = TestAccounts.ALICE;
  private static final String BOB = TestAccounts.BOB;
  private static final String AUDIO_ROOM = "xcon:audio-room@example.com";

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private SqliteConferenceStore store;
  private ConferenceServiceComponent model;
  private CcmpProcessorComponent processor;
  private TestAccounts accounts;

  @Before
  public void startServer() throws Exception {
    JaxbXconCodec codec = new JaxbXconCodec(1 << 20, 64);
    store = SqliteConferenceStore.open(temp.getRoot().toPath().resolve("c.db"), "NORMAL", 64);
    model = new ConferenceServiceComponent(DOMAIN, store);
    accounts = new TestAccounts();
    processor =
        new CcmpProcessorComponent(
            codec, accounts, StandardHandlers.of(model, codec, accounts), List.of());
  }

  @After
  public void stopServer() throws Exception {
    model.deactivate();
    store.close();
  }

  private String send(String sender, String type, String fields) throws Exception {
    String xml =
        "<ccmp:ccmpRequest xmlns:ccmp=\"urn:ietf:params:xml:ns:xcon-ccmp\" xmlns:info=\"urn:ietf:params:xml:ns:conference-info\""
            + " xmlns:xcon=\"urn:ietf:params:xml:ns:xcon-conference-info\">"
            + "<ccmpRequest xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"ccmp:ccmp-"
            + type
            + "-request-message-type\">"
            + (sender == null ? "" : "<confUserID>" + sender + "</confUserID>")
            + fields
            + "</ccmpRequest></ccmp:ccmpRequest>";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // The sender authenticated by the transport; a stranger claims to be alice's account.
    CcmpCaller caller =
        sender == null
            ? CcmpCaller.anonymous(false)
            : new CcmpCaller(accounts.byUserId(sender).orElse(accounts.account(ALICE)), false);
    processor.process(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), out, caller);
    String response = out.toString(StandardCharsets.UTF_8);
    XconSchemas.ccmp().newValidator().validate(new StreamSource(new StringReader(response)));
    assertTrue(
        response, response.contains("xsi:type=\"ccmp:ccmp-" + type + "-response-message-type\""));
    return response;
  }

  private static int code(String response) {
    return Integer.parseInt(field(response, "response-code"));
  }

  private static String field(String response, String name) {
    Matcher matcher = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(response);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static String attribute(String response, String element, String attribute) {
    Matcher matcher =
        Pattern.compile("<" + element + " [^>]*" + attribute + "=\"([^\"]*)\"").matcher(response);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** A conference of alice's, cloned from the audio room; its XCON-URI. */
  private String cloneOfTheAudioRoom() throws Exception {
    String response =
        send(
            ALICE,
            "conf",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>create</operation><ccmp:confRequest/>");
    assertEquals(response, 200, code(response));
    return field(response, "confObjID");
  }

  private String createConference(String confInfo) throws Exception {
    String response =
        send(
            ALICE,
            "conf",
            "<operation>create</operation><ccmp:confRequest>" + confInfo + "</ccmp:confRequest>");
    assertEquals(response, 200, code(response));
    return field(response, "confObjID");
  }

  @Test
  public void listsAndReadsBlueprints() throws Exception {
    String list = send(ALICE, "blueprints", "<ccmp:blueprintsRequest/>");
    assertEquals(200, code(list));
    assertTrue(
        list,
        list.contains(
            "<info:entry><info:uri>xcon:audio-room@example.com</info:uri><info:display-text>Audio room</info:display-text>"));

    String blueprint =
        send(
            ALICE,
            "blueprint",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>retrieve</operation><ccmp:blueprintRequest/>");
    assertEquals(200, code(blueprint));
    assertEquals("1", field(blueprint, "version"));
    assertTrue(
        blueprint, blueprint.contains("<blueprintInfo entity=\"xcon:audio-room@example.com\">"));
    assertTrue(
        blueprint, blueprint.contains("<info:maximum-user-count>100</info:maximum-user-count>"));

    assertEquals(
        403,
        code(
            send(
                ALICE,
                "blueprint",
                "<confObjID>"
                    + AUDIO_ROOM
                    + "</confObjID><operation>delete</operation><ccmp:blueprintRequest/>")));
    assertEquals(
        404,
        code(
            send(
                ALICE,
                "blueprint",
                "<confObjID>xcon:nope@example.com</confObjID><operation>retrieve</operation><ccmp:blueprintRequest/>")));
    assertEquals(
        400,
        code(
            send(
                ALICE,
                "blueprint",
                "<confObjID>" + AUDIO_ROOM + "</confObjID><ccmp:blueprintRequest/>")));
    assertEquals(
        403,
        code(send(ALICE, "blueprints", "<operation>create</operation><ccmp:blueprintsRequest/>")));
  }

  @Test
  public void conferenceLifeByCloning() throws Exception {
    String created =
        send(
            ALICE,
            "conf",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>create</operation><ccmp:confRequest/>");
    assertEquals(created, 200, code(created));
    String uri = field(created, "confObjID");
    assertNotEquals(AUDIO_ROOM, uri);
    assertEquals("1", field(created, "version"));
    assertTrue(
        created,
        created.contains(
            "<info:conf-uris><info:entry><info:uri>sip:" + uri.substring(5) + "</info:uri>"));
    assertTrue(
        created, created.contains("<xcon:cloning-parent>" + AUDIO_ROOM + "</xcon:cloning-parent>"));

    String updated =
        send(
            ALICE,
            "conf",
            "<confObjID>"
                + uri
                + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                + uri
                + "\">"
                + "<info:conference-description><info:display-text>Standup</info:display-text></info:conference-description>"
                + "</confInfo></ccmp:confRequest>");
    assertEquals(updated, 200, code(updated));
    assertEquals("2", field(updated, "version"));

    String retrieve =
        "<confObjID>" + uri + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>";
    assertEquals("bob is no user of it yet", 401, code(send(BOB, "conf", retrieve)));
    assertFalse(send(BOB, "confs", "<ccmp:confsRequest/>").contains(uri));
    String addBob =
        "<confObjID>"
            + uri
            + "</confObjID><operation>create</operation><ccmp:userRequest><userInfo entity=\""
            + BOB
            + "\"/></ccmp:userRequest>";
    assertEquals(401, code(send(BOB, "user", addBob.replace(BOB, ALICE))));
    assertEquals(200, code(send(ALICE, "user", addBob)));

    String retrieved = send(BOB, "conf", retrieve);
    assertEquals("Standup", field(retrieved, "info:display-text"));
    assertEquals("3", field(retrieved, "version"));
    assertEquals(
        "only managers change it",
        401,
        code(
            send(
                BOB,
                "conf",
                "<confObjID>"
                    + uri
                    + "</confObjID><operation>delete</operation><ccmp:confRequest/>")));

    String confs = send(BOB, "confs", "<ccmp:confsRequest/>");
    assertTrue(
        confs,
        confs.contains(
            "<info:uri>" + uri + "</info:uri><info:display-text>Standup</info:display-text>"));

    String deleted =
        send(
            ALICE,
            "conf",
            "<confObjID>" + uri + "</confObjID><operation>delete</operation><ccmp:confRequest/>");
    assertEquals(200, code(deleted));
    assertEquals(uri, field(deleted, "confObjID"));
    assertFalse(deleted, deleted.contains("confInfo"));
    assertFalse(deleted, deleted.contains("<version>"));
    assertEquals(
        404,
        code(
            send(
                ALICE,
                "conf",
                "<confObjID>"
                    + uri
                    + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>")));
  }

  @Test
  public void directCreationReplacesPlaceholdersAndChecksDomains() throws Exception {
    String uri =
        createConference(
            "<confInfo entity=\"xcon:AUTO_GENERATE_1@example.com\"><info:conference-description><info:display-text>Direct</info:display-text>"
                + "</info:conference-description></confInfo>");
    assertTrue(uri, uri.matches("xcon:[a-z2-7]{24}@example\\.com"));
    String foreign =
        send(
            ALICE,
            "conf",
            "<operation>create</operation><ccmp:confRequest><confInfo entity=\"xcon:AUTO_GENERATE_1@other.org\"/></ccmp:confRequest>");
    assertEquals(427, code(foreign));
    String both =
        send(
            ALICE,
            "conf",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>create</operation><ccmp:confRequest><confInfo entity=\"x\"/></ccmp:confRequest>");
    assertEquals(400, code(both));
    assertEquals(
        400,
        code(
            send(
                ALICE,
                "conf",
                "<confObjID>"
                    + uri
                    + "</confObjID><operation>update</operation><ccmp:confRequest/>")));
    assertEquals(400, code(send(ALICE, "conf", "<ccmp:confRequest/>")));
  }

  /** Found by fuzzing: a user whose entity was no URI made every later answer schema-invalid. */
  @Test
  public void entitiesThatAreNoUrisAreRefused() throws Exception {
    String uri = cloneOfTheAudioRoom();
    String target = "<confObjID>" + uri + "</confObjID>";
    assertEquals(
        400,
        code(
            send(
                null,
                "user",
                target
                    + "<operation>create</operation><ccmp:userRequest><userInfo entity=\"\u0080con-userid:AUTO_GENERATE_1@example-com\"/></ccmp:userRequest>")));
    assertEquals(
        409,
        code(
            send(
                ALICE,
                "users",
                target
                    + "<operation>update</operation><ccmp:usersRequest><usersInfo><info:user entity=\"no uri at all\"/></usersInfo></ccmp:usersRequest>")));
    assertEquals(
        409,
        code(
            send(
                ALICE,
                "users",
                target
                    + "<operation>update</operation><ccmp:usersRequest><usersInfo><xcon:allowed-users-list><xcon:target uri=\"a b\" method=\"dial-out\"/></xcon:allowed-users-list></usersInfo></ccmp:usersRequest>")));
  }

  /**
   * Found by fuzzing: the bindings keep an attribute no type declares, and once stored it made
   * every later answer about the conference invalid against RFC 6503.
   */
  @Test
  public void whatIsNotValidAgainstTheDataModelIsNotStored() throws Exception {
    String uri = cloneOfTheAudioRoom();
    String target = "<confObjID>" + uri + "</confObjID>";
    assertEquals(
        400,
        code(
            send(
                null,
                "user",
                target
                    + "<operation>create</operation><ccmp:userRequest><userInfo entity=\"xcon-userid:AUTO_GENERATE_1@example.com\"><info:endpoint entAity=\"sip:g@example.org\"/></userInfo></ccmp:userRequest>")));
    String update =
        send(
            ALICE,
            "users",
            target
                + "<operation>update</operation><ccmp:usersRequest><usersInfo><xcon:allowed-users-list><xcon:target uri=\"sip:x@example.org\"/></xcon:allowed-users-list></usersInfo></ccmp:usersRequest>");
    assertEquals("a target without its method", 409, code(update));
    assertEquals("1", field(update, "version"));
  }

  @Test
  public void aConferencePasswordIsAskedOfEveryoneAndShownToManagersOnly() throws Exception {
    String uri =
        createConference(
            "<confInfo entity=\"xcon:AUTO_GENERATE_1@example.com\"><info:conference-description><info:conf-uris><info:entry>"
                + "<info:uri>sip:x@example.com</info:uri><xcon:conference-password>1234</xcon:conference-password>"
                + "</info:entry></info:conf-uris></info:conference-description><info:users><info:user entity=\""
                + BOB
                + "\"/></info:users></confInfo>");
    String retrieve =
        "<confObjID>" + uri + "</confObjID><operation>retrieve</operation>%s<ccmp:confRequest/>";
    assertEquals(423, code(send(BOB, "conf", String.format(retrieve, ""))));
    assertEquals(
        422,
        code(
            send(
                BOB,
                "conf",
                String.format(retrieve, "<conference-password>0000</conference-password>"))));
    String allowed =
        send(
            BOB,
            "conf",
            String.format(retrieve, "<conference-password>1234</conference-password>"));
    assertEquals(200, code(allowed));
    assertFalse("only managers read the password", allowed.contains("1234"));
    // RFC 6503 section 5.1: every request whose target is password-protected carries it.
    assertEquals(423, code(send(ALICE, "conf", String.format(retrieve, ""))));
    assertTrue(
        send(
                ALICE,
                "conf",
                String.format(retrieve, "<conference-password>1234</conference-password>"))
            .contains("<xcon:conference-password>1234</xcon:conference-password>"));
    assertEquals(423, code(send(TestAccounts.ROOT, "conf", String.format(retrieve, ""))));
    assertEquals(
        "administrators manage everything",
        200,
        code(
            send(
                TestAccounts.ROOT,
                "conf",
                String.format(retrieve, "<conference-password>1234</conference-password>"))));
  }

  @Test
  public void sidebarsByValueAndByReference() throws Exception {
    String created =
        send(
            ALICE,
            "conf",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>create</operation><ccmp:confRequest/>");
    String main = field(created, "confObjID");
    String target = "<confObjID>" + main + "</confObjID>";
    send(
        ALICE,
        "user",
        target
            + "<operation>create</operation><ccmp:userRequest><userInfo entity=\""
            + BOB
            + "\"/></ccmp:userRequest>");

    // The audio room allows sidebars, so a participant may open one.
    String byVal =
        send(
            BOB,
            "sidebarByVal",
            target + "<operation>create</operation><ccmp:sidebarByValRequest/>");
    assertEquals(byVal, 200, code(byVal));
    String sidebar = field(byVal, "confObjID");
    assertNotEquals(main, sidebar);
    assertTrue(byVal, byVal.contains("<xcon:sidebar-parent>" + main + "</xcon:sidebar-parent>"));

    String list = send(ALICE, "sidebarsByVal", target + "<ccmp:sidebarsByValRequest/>");
    assertEquals(200, code(list));
    assertEquals("the sidebar is a change of the main conference", "3", field(list, "version"));
    assertTrue(list, list.contains("<info:entry entity=\"" + sidebar + "\">"));
    assertEquals(
        403,
        code(
            send(
                ALICE,
                "sidebarsByVal",
                target + "<operation>create</operation><ccmp:sidebarsByValRequest/>")));

    String byRef =
        send(
            ALICE,
            "sidebarByRef",
            target
                + "<operation>create</operation><ccmp:sidebarByRefRequest><sidebarByRefInfo entity=\"x\">"
                + "<info:conference-description><info:display-text>Breakout</info:display-text></info:conference-description>"
                + "</sidebarByRefInfo></ccmp:sidebarByRefRequest>");
    assertEquals(byRef, 200, code(byRef));
    String reference = field(byRef, "confObjID");
    String refs = send(BOB, "sidebarsByRef", target + "<ccmp:sidebarsByRefRequest/>");
    assertTrue(
        refs,
        refs.contains(
            "<info:entry><info:uri>"
                + reference
                + "</info:uri><info:display-text>Breakout</info:display-text></info:entry>"));
    assertEquals(
        "not a by-value sidebar",
        404,
        code(
            send(
                ALICE,
                "sidebarByVal",
                "<confObjID>"
                    + reference
                    + "</confObjID><operation>retrieve</operation><ccmp:sidebarByValRequest/>")));

    String updated =
        send(
            BOB,
            "sidebarByVal",
            "<confObjID>"
                + sidebar
                + "</confObjID><operation>update</operation><ccmp:sidebarByValRequest>"
                + "<sidebarByValInfo entity=\""
                + sidebar
                + "\"><info:conference-description><info:subject>Side talk</info:subject>"
                + "</info:conference-description></sidebarByValInfo></ccmp:sidebarByValRequest>");
    assertEquals(updated, 200, code(updated));
    assertEquals("2", field(updated, "version"));
    assertEquals(
        401,
        code(
            send(
                BOB,
                "sidebarByRef",
                "<confObjID>"
                    + reference
                    + "</confObjID><operation>delete</operation><ccmp:sidebarByRefRequest/>")));
    assertEquals(
        425,
        code(send(ALICE, "conf", target + "<operation>delete</operation><ccmp:confRequest/>")));
    assertEquals(
        200,
        code(
            send(
                BOB,
                "sidebarByVal",
                "<confObjID>"
                    + sidebar
                    + "</confObjID><operation>delete</operation><ccmp:sidebarByValRequest/>")));
    assertFalse(
        send(ALICE, "sidebarsByVal", target + "<ccmp:sidebarsByValRequest/>").contains(sidebar));
  }

  @Test
  public void xpathFiltersSelectFromTheLists() throws Exception {
    // RFC 6503 section 5.3.1's example: blueprints with audio and video.
    String filter =
        "<xpathFilter>/conference-info[conference-description/available-media/entry/type='audio'"
            + " and conference-description/available-media/entry/type='video']</xpathFilter>";
    String both =
        send(
            ALICE, "blueprints", "<ccmp:blueprintsRequest>" + filter + "</ccmp:blueprintsRequest>");
    assertEquals(both, 200, code(both));
    assertTrue(both, both.contains("xcon:audio-video-room@example.com"));
    assertFalse(both, both.contains("xcon:audio-room@example.com"));

    createConference(
        "<confInfo entity=\"x\"><info:conference-description><info:display-text>Alpha</info:display-text></info:conference-description></confInfo>");
    createConference(
        "<confInfo entity=\"x\"><info:conference-description><info:display-text>Beta</info:display-text></info:conference-description></confInfo>");
    String alpha =
        send(
            ALICE,
            "confs",
            "<ccmp:confsRequest><xpathFilter>/conference-info[conference-description/display-text='Alpha']</xpathFilter></ccmp:confsRequest>");
    assertTrue(alpha, alpha.contains("<info:display-text>Alpha</info:display-text>"));
    assertFalse(alpha, alpha.contains("Beta"));
    String xcon =
        send(
            ALICE,
            "confs",
            "<ccmp:confsRequest><xpathFilter>/conference-info[users/xcon:join-handling='allow' and starts-with(conference-description/display-text, 'B')]</xpathFilter></ccmp:confsRequest>");
    assertTrue(xcon, xcon.contains("Beta") && !xcon.contains("Alpha"));
    String none =
        send(
            ALICE,
            "confs",
            "<ccmp:confsRequest><xpathFilter>/conference-info[conference-description/display-text='Gamma']</xpathFilter></ccmp:confsRequest>");
    assertEquals(200, code(none));
    assertFalse(none, none.contains("confsInfo"));

    assertEquals(
        400,
        code(
            send(
                ALICE,
                "confs",
                "<ccmp:confsRequest><xpathFilter>document('/etc/passwd')</xpathFilter></ccmp:confsRequest>")));
    assertEquals(
        400,
        code(
            send(
                ALICE,
                "confs",
                "<ccmp:confsRequest><xpathFilter>/conference-info[</xpathFilter></ccmp:confsRequest>")));
  }

  @Test
  public void aFullConferenceTakesNoMoreUsers() throws Exception {
    String uri =
        createConference(
            "<confInfo entity=\"x\"><info:conference-description><info:maximum-user-count>1</info:maximum-user-count>"
                + "</info:conference-description></confInfo>");
    // The organizer is its first user; there is no room for bob.
    String full =
        send(
            ALICE,
            "user",
            "<confObjID>"
                + uri
                + "</confObjID><operation>create</operation><ccmp:userRequest><userInfo entity=\""
                + BOB
                + "\"/></ccmp:userRequest>");
    assertEquals(full, 511, code(full));
  }

  @Test
  public void updatesThatAreNotFeasibleGet409WithTheCurrentVersion() throws Exception {
    String uri = createConference("<confInfo entity=\"x\"/>");
    String[] infeasible = {
      "<info:conference-description><info:maximum-user-count>many</info:maximum-user-count></info:conference-description>",
      "<info:conference-description><info:maximum-user-count>0</info:maximum-user-count></info:conference-description>",
      "<info:conference-description><info:available-media><info:entry label=\"audio\"><info:type>audio</info:type>"
          + "<info:status>loud</info:status></info:entry></info:available-media></info:conference-description>",
      "<info:conference-description><info:available-media><info:entry label=\"audio\"><info:type>audio</info:type>"
          + "<xcon:controls><xcon:mute>yes</xcon:mute><xcon:gain>200</xcon:gain></xcon:controls></info:entry></info:available-media>"
          + "</info:conference-description>",
      "<info:users><info:user entity=\""
          + ALICE
          + "\"><info:endpoint entity=\"sip:alice@example.com\"><info:status>happy</info:status></info:endpoint></info:user></info:users>",
      "<info:users><xcon:join-handling>allow</xcon:join-handling><xcon:allow-refer-users-dynamically>maybe</xcon:allow-refer-users-dynamically></info:users>",
    };
    for (String change : infeasible) {
      String answer =
          send(
              ALICE,
              "conf",
              "<confObjID>"
                  + uri
                  + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                  + uri
                  + "\">"
                  + change
                  + "</confInfo></ccmp:confRequest>");
      assertEquals(change + " -> " + answer, 409, code(answer));
      // X
    }
    String retrieved =
        send(
            ALICE,
            "conf",
            "<confObjID>" + uri + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>");
    assertEquals("nothing changed", "1", field(retrieved, "version"));

    String creation =
        send(
            ALICE,
            "conf",
            "<operation>create</operation><ccmp:confRequest><confInfo entity=\"x\"><info:users>"
                + "<xcon:allow-conference-event-subscription>often</xcon:allow-conference-event-subscription>"
                + "</info:users></confInfo></ccmp:confRequest>");
    assertEquals(creation, 400, code(creation));
  }

  @Test
  public void unknownSendersGet421() throws Exception {
    assertEquals(
        421, code(send("xcon-userid:mallory@example.com", "confs", "<ccmp:confsRequest/>")));
    assertEquals(424, code(send(null, "confs", "<ccmp:confsRequest/>")));
  }

  @Test
  public void usersAndUser() throws Exception {
    String uri = createConference("<confInfo entity=\"xcon:AUTO_GENERATE_1@example.com\"/>");
    String target = "<confObjID>" + uri + "</confObjID>";

    String added =
        send(
            ALICE,
            "user",
            target
                + "<operation>create</operation><ccmp:userRequest><userInfo entity=\""
                + BOB
                + "\">"
                + "<info:display-text>Bob</info:display-text></userInfo></ccmp:userRequest>");
    assertEquals(added, 200, code(added));
    assertEquals(
        409,
        code(
            send(
                ALICE,
                "user",
                target
                    + "<operation>create</operation><ccmp:userRequest><userInfo entity=\""
                    + BOB
                    + "\"/></ccmp:userRequest>")));
    assertEquals(
        420,
        code(
            send(
                ALICE,
                "user",
                target
                    + "<operation>create</operation><ccmp:userRequest><userInfo entity=\"xcon-userid:nobody@example.com\"/></ccmp:userRequest>")));

    // A third party whose XCON-USERID the client does not know gets one.
    String thirdParty =
        send(
            ALICE,
            "user",
            target
                + "<operation>create</operation><ccmp:userRequest><userInfo entity=\"xcon-userid:AUTO_GENERATE_1@example.com\">"
                + "<info:display-text>Carol</info:display-text></userInfo></ccmp:userRequest>");
    assertEquals(thirdParty, 200, code(thirdParty));
    String carol = attribute(thirdParty, "userInfo", "entity");
    assertTrue(carol, carol.matches("xcon-userid:[a-z2-7]{24}@example\\.com"));

    String users =
        send(BOB, "users", target + "<operation>retrieve</operation><ccmp:usersRequest/>");
    assertTrue(
        users,
        users.contains("entity=\"" + BOB + "\"") && users.contains("entity=\"" + carol + "\""));
    assertEquals(
        403,
        code(send(BOB, "users", target + "<operation>delete</operation><ccmp:usersRequest/>")));

    String renamed =
        send(
            ALICE,
            "user",
            target
                + "<operation>update</operation><ccmp:userRequest><userInfo entity=\""
                + carol
                + "\">"
                + "<info:display-text>Caroline</info:display-text></userInfo></ccmp:userRequest>");
    assertEquals(200, code(renamed));
    assertEquals(
        "Caroline",
        field(
            send(
                ALICE,
                "user",
                target
                    + "<operation>retrieve</operation><ccmp:userRequest><userInfo entity=\""
                    + carol
                    + "\"/></ccmp:userRequest>"),
            "info:display-text"));

    assertEquals(
        200,
        code(
            send(
                ALICE,
                "user",
                target
                    + "<operation>delete</operation><ccmp:userRequest><userInfo entity=\""
                    + carol
                    + "\"/></ccmp:userRequest>")));
    assertEquals(
        420,
        code(
            send(
                ALICE,
                "user",
                target
                    + "<operation>retrieve</operation><ccmp:userRequest><userInfo entity=\""
                    + carol
                    + "\"/></ccmp:userRequest>")));
  }

  @Test
  public void aClientWithoutXconUseridEntersAKnownConference() throws Exception {
    String uri = createConference("<confInfo entity=\"xcon:AUTO_GENERATE_1@example.com\"/>");
    String joined =
        send(
            null,
            "user",
            "<confObjID>"
                + uri
                + "</confObjID><operation>create</operation><ccmp:userRequest>"
                + "<userInfo entity=\"xcon-userid:AUTO_GENERATE_1@example.com\"><info:endpoint entity=\"sip:guest@phone.example.net\"/></userInfo>"
                + "</ccmp:userRequest>");
    assertEquals(joined, 200, code(joined));
    String assigned = field(joined, "confUserID");
    assertTrue(assigned, assigned.matches("xcon-userid:[a-z2-7]{24}@example\\.com"));
    assertEquals(assigned, attribute(joined, "userInfo", "entity"));
  }

  @Test
  public void optionsListTheInstalledMessages() throws Exception {
    String options = send(ALICE, "options", "");
    assertTrue(
        options,
        options.contains(
            "<standard-message><name>blueprintsRequest</name><operations><operation>retrieve</operation></operations></standard-message>"));
    assertTrue(
        options,
        options.contains(
            "<name>confRequest</name><operations><operation>retrieve</operation><operation>create</operation><operation>update</operation><operation>delete</operation></operations>"));
    assertEquals(CcmpNamespace.PUBLISHED.uri(), "urn:ietf:params:xml:ns:xcon-ccmp");
  }
}
