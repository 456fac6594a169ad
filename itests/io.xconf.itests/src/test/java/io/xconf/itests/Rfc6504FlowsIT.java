package io.xconf.itests;

import static io.xconf.itests.support.CcmpHttp.DRAFT;
import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.XconfServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The CCMP call flows of RFC 6504 against the packed distribution over HTTP, in the drafts'
 * namespace its examples use. Every id a flow needs (XCON-URIs, XCON-USERIDs, media labels) comes
 * from an earlier answer, as a client's would; the RFC's example ids are never sent. Only the CCMP
 * messages are played: the SIP signalling, media control and notifications the figures annotate are
 * not part of CCMP.
 */
public class Rfc6504FlowsIT {

  private static final String DOMAIN = "flows.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final String BOB = "xcon-userid:bob@" + DOMAIN;
  private static final String CAROL = "xcon-userid:carol@" + DOMAIN;
  private static final String DAVID = "xcon-userid:david@" + DOMAIN;
  private static final String ETHEL = "xcon-userid:ethel@" + DOMAIN;
  private static final String SUPERVISOR = "xcon-userid:supervisor@" + DOMAIN;
  private static final String DEFAULT_BLUEPRINT = "xcon:default@" + DOMAIN;
  private static final String AUDIO_ROOM = "xcon:audio-room@" + DOMAIN;
  private static final String AUDIO_VIDEO_ROOM = "xcon:audio-video-room@" + DOMAIN;
  private static final String NEW_USER = "xcon-userid:AUTO_GENERATE_1@" + DOMAIN;
  private static final String NEW_CONFERENCE = "xcon:AUTO_GENERATE_1@" + DOMAIN;
  private static final String BOB_PHONE = "sip:bob83@" + DOMAIN;
  private static final String CAROL_PHONE = "sip:carol@" + DOMAIN;
  private static final String SIDEBARS_BY_VAL = "<ccmp:sidebarsByValRequest/>";
  private static final String SINGLE_VIEW =
      "<xcon:controls><xcon:video-layout>single-view</xcon:video-layout></xcon:controls>";

  private static XconfServer server;
  private static CcmpHttp alice;
  private static CcmpHttp bob;
  private static CcmpHttp carol;
  private static CcmpHttp supervisor;

  @BeforeClass
  public static void startServer() throws Exception {
    server =
        XconfServer.configure(
            Path.of(System.getProperty("xconf.work"), "servers", "rfc6504", "data"), DOMAIN);
    for (String name : List.of("alice", "carol", "david", "ethel")) {
      assertEquals(name, 0, server.user("add", name, "secret").exitCode());
    }
    // Bob's phone is his account's: a user describes endpoints of its own only.
    assertEquals(0, server.user("add", "bob", "secret", "--uri", BOB_PHONE).exitCode());
    // The coach of section 7.4: she manages every conference without being a user of the call.
    assertEquals(0, server.user("add", "supervisor", "secret", "--admin").exitCode());
    server.start();
    alice = server.ccmp().withDigest("alice", "secret");
    bob = server.ccmp().withDigest("bob", "secret");
    carol = server.ccmp().withDigest("carol", "secret");
    supervisor = server.ccmp().withDigest("supervisor", "secret");
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  @Test
  public void basicCreationAndBlueprints() throws Exception {
    // 5.1 step 1: a confRequest/create carrying nothing but the operation.
    String created =
        send(DRAFT, alice, ALICE, "conf", fields(null, "create", "<ccmp:confRequest/>"));
    // 5.1 step 2: a default conference, its XCON-URI, the sender's confUserID, version 1.
    assertCode(200, created);
    String conference = CcmpHttp.field(created, "confObjID");
    assertTrue(conference, conference.startsWith("xcon:") && conference.endsWith("@" + DOMAIN));
    assertEquals(ALICE, CcmpHttp.field(created, "confUserID"));
    assertEquals("1", version(created));
    assertEquals(conference, attribute(created, "confInfo", "entity"));
    // The creator is in it from the start; Xconf makes her its organizer.
    assertContains(
        created,
        "<xcon:cloning-parent>" + DEFAULT_BLUEPRINT + "</xcon:cloning-parent>",
        "<info:uri>" + sipUri(conference) + "</info:uri>",
        "<info:user entity=\"" + ALICE + "\">",
        "<info:roles><info:entry>organizer</info:entry></info:roles>");
    // 5.1: the document may also be fetched later by a retrieve.
    String retrieved =
        send(DRAFT, alice, ALICE, "conf", fields(conference, "retrieve", "<ccmp:confRequest/>"));
    assertCode(200, retrieved);
    assertEquals("1", version(retrieved));
    assertEquals(conference, attribute(retrieved, "confInfo", "entity"));

    // 5.2 steps 1-2: only the blueprints with both audio and video.
    String blueprints =
        send(
            DRAFT,
            alice,
            ALICE,
            "blueprints",
            "<ccmp:blueprintsRequest><xpathFilter>/conference-info["
                + "conference-description/available-media/entry/type='audio' and "
                + "conference-description/available-media/entry/type='video']"
                + "</xpathFilter></ccmp:blueprintsRequest>");
    assertCode(200, blueprints);
    assertContains(blueprints, "<info:uri>" + AUDIO_VIDEO_ROOM + "</info:uri>");
    assertFalse(blueprints, blueprints.contains("<info:uri>" + AUDIO_ROOM + "</info:uri>"));
    assertFalse(blueprints, blueprints.contains("<info:uri>" + DEFAULT_BLUEPRINT + "</info:uri>"));

    // 5.2 steps 3-4: the chosen blueprint's document.
    String blueprint =
        send(
            DRAFT,
            alice,
            ALICE,
            "blueprint",
            fields(AUDIO_VIDEO_ROOM, "retrieve", "<ccmp:blueprintRequest/>"));
    assertCode(200, blueprint);
    assertEquals(AUDIO_VIDEO_ROOM, attribute(blueprint, "blueprintInfo", "entity"));
    assertContains(blueprint, "<info:type>video</info:type>");

    // 5.2 steps 5-6: a conference cloned from it, under a new XCON-URI.
    String cloned =
        send(
            DRAFT, alice, ALICE, "conf", fields(AUDIO_VIDEO_ROOM, "create", "<ccmp:confRequest/>"));
    assertCode(200, cloned);
    String videoConference = CcmpHttp.field(cloned, "confObjID");
    assertNotEquals(AUDIO_VIDEO_ROOM, videoConference);
    assertNotEquals(conference, videoConference);
    assertEquals("1", version(cloned));
    assertContains(
        cloned,
        "<xcon:cloning-parent>" + AUDIO_VIDEO_ROOM + "</xcon:cloning-parent>",
        "<info:type>video</info:type>",
        "<info:maximum-user-count>25</info:maximum-user-count>");
  }

  @Test
  public void creationFromUserInformationAndCloning() throws Exception {
    String title = "Dial-out conference initiated by Alice";
    String calendar =
        String.join(
            "\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.0//EN",
            "BEGIN:VEVENT",
            "DTSTAMP:20100127T140728Z",
            "UID:20100127T140728Z-345FDA-alice@example.com",
            "ORGANIZER:MAILTO:alice@example.com",
            "DTSTART:20100127T143000Z",
            "RRULE:FREQ=WEEKLY",
            "DTEND:20100127T163000Z",
            "END:VEVENT",
            "END:VCALENDAR");
    // 5.3 step 1: the whole conference object, with placeholders for what the server names.
    String created =
        send(
            DRAFT,
            alice,
            ALICE,
            "conf",
            fields(
                null,
                "create",
                "<ccmp:confRequest><confInfo entity=\""
                    + NEW_CONFERENCE
                    + "\"><info:conference-description>"
                    + "<info:display-text>"
                    + title
                    + "</info:display-text>"
                    + "<info:maximum-user-count>10</info:maximum-user-count>"
                    + "<info:available-media><info:entry label=\"AUTO_GENERATE_2\">"
                    + "<info:type>audio</info:type></info:entry></info:available-media>"
                    + "<xcon:conference-time><xcon:entry><xcon:base>"
                    + calendar
                    + "</xcon:base><xcon:mixing-start-offset required-participant=\"moderator\">"
                    + "2010-01-27T14:29:00Z</xcon:mixing-start-offset>"
                    + "<xcon:mixing-end-offset required-participant=\"participant\">"
                    + "2010-01-27T16:31:00Z</xcon:mixing-end-offset>"
                    + "<xcon:must-join-before-offset>2010-01-27T15:30:00Z"
                    + "</xcon:must-join-before-offset></xcon:entry></xcon:conference-time>"
                    + "</info:conference-description><info:users>"
                    + "<xcon:join-handling>allow</xcon:join-handling><xcon:allowed-users-list>"
                    + target(ALICE, "dial-out")
                    + target(BOB_PHONE, "dial-out")
                    + target(CAROL_PHONE, "dial-out")
                    + "</xcon:allowed-users-list></info:users></confInfo></ccmp:confRequest>"));
    // 5.3 step 2: the new XCON-URI and version 1.
    assertCode(200, created);
    String reservation = CcmpHttp.field(created, "confObjID");
    assertTrue(reservation, reservation.startsWith("xcon:") && reservation.endsWith("@" + DOMAIN));
    assertFalse(reservation, reservation.contains("AUTO_GENERATE"));
    assertEquals("1", version(created));
    // 5.3: a retrieve shows the placeholders replaced and the document as sent.
    String retrieved =
        send(DRAFT, alice, ALICE, "conf", fields(reservation, "retrieve", "<ccmp:confRequest/>"));
    assertCode(200, retrieved);
    assertEquals(reservation, attribute(retrieved, "confInfo", "entity"));
    assertFalse(retrieved, retrieved.contains("AUTO_GENERATE"));
    assertContains(
        retrieved,
        "<info:display-text>" + title + "</info:display-text>",
        "<info:maximum-user-count>10</info:maximum-user-count>",
        "RRULE:FREQ=WEEKLY",
        ">2010-01-27T14:29:00Z</xcon:mixing-start-offset>",
        storedTarget(BOB_PHONE, "dial-out"),
        storedTarget(CAROL_PHONE, "dial-out"));

    // 5.4: Alice finds the reservation among her conferences, as she found blueprints in 5.2.
    String found =
        send(
            DRAFT,
            alice,
            ALICE,
            "confs",
            "<ccmp:confsRequest><xpathFilter>/conference-info[conference-description/display-text='"
                + title
                + "']</xpathFilter></ccmp:confsRequest>");
    assertCode(200, found);
    assertContains(found, "<info:uri>" + reservation + "</info:uri>");
    // 5.4 step 2: the server checks the sender's rights on the parent: Bob has none.
    assertCode(
        401, send(DRAFT, bob, BOB, "conf", fields(reservation, "create", "<ccmp:confRequest/>")));
    // 5.4 steps 1-2: the clone, a new XCON-URI linked to its parent by cloning-parent.
    String clone =
        send(DRAFT, alice, ALICE, "conf", fields(reservation, "create", "<ccmp:confRequest/>"));
    assertCode(200, clone);
    String cloned = CcmpHttp.field(clone, "confObjID");
    assertNotEquals(reservation, cloned);
    assertEquals(cloned, attribute(clone, "confInfo", "entity"));
    assertEquals("1", version(clone));
    assertContains(
        clone,
        "<xcon:cloning-parent>" + reservation + "</xcon:cloning-parent>",
        "<info:maximum-user-count>10</info:maximum-user-count>",
        "RRULE:FREQ=WEEKLY",
        storedTarget(BOB_PHONE, "dial-out"));
  }

  @Test
  public void addingMutingAndPassword() throws Exception {
    String conference = cloned(alice, ALICE, AUDIO_ROOM);

    // 6.1 step 1: Alice adds Bob, new to the system: a placeholder XCON-USERID and his details.
    String added =
        send(
            DRAFT,
            alice,
            ALICE,
            "user",
            fields(
                conference,
                "create",
                userRequest(
                    NEW_USER,
                    "<info:display-text>Bob</info:display-text><info:associated-aors><info:entry>"
                        + "<info:uri>mailto:bob.depippis@example.com</info:uri>"
                        + "<info:display-text>Bob's email</info:display-text>"
                        + "</info:entry></info:associated-aors><info:endpoint entity=\""
                        + BOB_PHONE
                        + "\"><info:display-text>Bob's laptop</info:display-text>"
                        + "</info:endpoint>")));
    // 6.1 step 2: his new XCON-USERID is the entity of the userInfo answered.
    assertCode(200, added);
    String newBob = attribute(added, "userInfo", "entity");
    assertTrue(newBob, newBob.startsWith("xcon-userid:") && newBob.endsWith("@" + DOMAIN));
    assertFalse(newBob, newBob.contains("AUTO_GENERATE"));
    assertEquals("2", version(added));
    assertContains(
        added,
        "<info:uri>mailto:bob.depippis@example.com</info:uri>",
        "<info:endpoint entity=\"" + BOB_PHONE + "\">");
    // 6.1 step 1: a registered user is referenced by XCON-USERID alone; twice is a conflict.
    String addCarol = fields(conference, "create", userRequest(CAROL, ""));
    String carolAdded = send(DRAFT, alice, ALICE, "user", addCarol);
    assertCode(200, carolAdded);
    assertEquals(CAROL, attribute(carolAdded, "userInfo", "entity"));
    assertEquals("3", version(carolAdded));
    assertCode(409, send(DRAFT, alice, ALICE, "user", addCarol));

    // 6.2 step 1: Alice, who manages the conference, makes Bob's audio receive-only. As in the
    // RFC she authenticates with the request's <subject>, over HTTPS (its password travels in
    // clear); without it the server asks for credentials ("authenticationRequired").
    String muteRequest =
        CcmpHttp.request(
            DRAFT,
            "ccmp-user-request-message-type",
            fields(
                conference,
                "update",
                userRequest(newBob, endpoint(media("1", "audio", "recvonly")))),
            ALICE);
    HttpResponse<String> challenged = server.ccmp().post(muteRequest);
    assertEquals(challenged.body(), 401, challenged.statusCode());
    assertCode(424, answer(DRAFT, "user", challenged.body()));
    String muted =
        answer(
            DRAFT,
            "user",
            postOverHttps(
                muteRequest.replace(
                    "<confUserID>",
                    "<subject><username>alice</username><password>secret</password></subject>"
                        + "<confUserID>")));
    // 6.2 step 2: done, in a new version.
    assertCode(200, muted);
    assertEquals("4", version(muted));
    // Only those who manage the conference change others: Carol cannot unmute Bob.
    assertCode(
        401,
        send(
            DRAFT,
            carol,
            CAROL,
            "user",
            fields(
                conference,
                "update",
                userRequest(newBob, endpoint(media("1", "audio", "sendrecv"))))));
    // 6.2's other way: the <mute> control of Bob's audio into the mixer (RFC 6501 section 4.6.5;
    // its mixer-type requires a <floor>, which Bob does not hold).
    String muteControl =
        send(DRAFT, alice, ALICE, "user", fields(conference, "update", mixerMute(newBob, "true")));
    assertCode(200, muteControl);
    assertEquals("5", version(muteControl));
    // A value <mute> cannot take is not feasible: 409, with the version it was aimed at.
    String infeasible =
        send(DRAFT, alice, ALICE, "user", fields(conference, "update", mixerMute(newBob, "yes")));
    assertCode(409, infeasible);
    assertEquals("5", version(infeasible));
    // Both settings are stored and come back.
    String bobNow =
        send(DRAFT, alice, ALICE, "user", fields(conference, "retrieve", userRequest(newBob, "")));
    assertCode(200, bobNow);
    assertEquals("5", version(bobNow));
    assertContains(
        bobNow,
        "<info:media id=\"1\"><info:label>audio</info:label><info:status>recvonly</info:status>",
        "<xcon:to-mixer name=\"AudioIn\">",
        "<xcon:mute>true</xcon:mute>");

    // 6.5: a password-protected conference of Carol's. The password is in the conf-uris entry of
    // the conference's SIP URI (RFC 6501 section 4.2.6), the one the server gave it.
    String guarded = cloned(carol, CAROL, AUDIO_ROOM);
    String protectedNow =
        send(
            DRAFT,
            carol,
            CAROL,
            "conf",
            fields(
                guarded,
                "update",
                "<ccmp:confRequest><confInfo entity=\""
                    + guarded
                    + "\"><info:conference-description><info:conf-uris><info:entry><info:uri>"
                    + sipUri(guarded)
                    + "</info:uri><xcon:conference-password>8601</xcon:conference-password>"
                    + "</info:entry></info:conf-uris></info:conference-description></confInfo>"
                    + "</ccmp:confRequest>"));
    assertCode(200, protectedNow);
    assertEquals("2", version(protectedNow));
    String uris = between(protectedNow, "<info:conf-uris>", "</info:conf-uris>");
    assertContains(
        uris,
        "<info:uri>" + sipUri(guarded) + "</info:uri>",
        "<xcon:conference-password>8601</xcon:conference-password>");
    assertEquals(uris, 1, occurrences(uris, "<info:uri>sip:"));
    // 6.5 steps 1-2: Alice joins without the password: 423. As in the RFC, the first-party join
    // has no userInfo: the sender is the one who joins (RFC 6503 section 5.3.6).
    String join = "<ccmp:userRequest/>";
    assertCode(423, send(DRAFT, alice, ALICE, "user", fields(guarded, "create", join)));
    assertCode(422, send(DRAFT, alice, ALICE, "user", fields(guarded, "create", "0000", join)));
    // 6.5 steps 3-4: with the password she is in.
    String joined = send(DRAFT, alice, ALICE, "user", fields(guarded, "create", "8601", join));
    assertCode(200, joined);
    assertEquals("3", version(joined));
    // The password guards her later requests too, and only those who manage it read it.
    assertCode(
        423, send(DRAFT, alice, ALICE, "conf", fields(guarded, "retrieve", "<ccmp:confRequest/>")));
    String read =
        send(
            DRAFT,
            alice,
            ALICE,
            "conf",
            fields(guarded, "retrieve", "8601", "<ccmp:confRequest/>"));
    assertCode(200, read);
    assertFalse(read, read.contains("conference-password"));

    // 6.3, its CCMP part: a client with no XCON-USERID enters the protected conference (no
    // confUserID, a placeholder entity). Xconf has no IVR, so the PIN that 6.3/6.4 collect by
    // DTMF travels in <conference-password>; the rest of 6.3 and all of 6.4 (announcements,
    // recording, DTMF) is media server work without CCMP messages.
    CcmpHttp noCredentials = server.ccmp();
    String newcomer =
        userRequest(
            NEW_USER,
            "<info:associated-aors><info:entry><info:uri>mailto:Alice83@example.com</info:uri>"
                + "<info:display-text>email</info:display-text></info:entry></info:associated-aors>"
                + "<info:endpoint entity=\"sip:alice_789@"
                + DOMAIN
                + "\"/>");
    assertCode(423, send(DRAFT, noCredentials, null, "user", fields(guarded, "create", newcomer)));
    String entered =
        send(DRAFT, noCredentials, null, "user", fields(guarded, "create", "8601", newcomer));
    // 6.3 step 2: her new XCON-USERID comes back in confUserID.
    assertCode(200, entered);
    String assigned = CcmpHttp.field(entered, "confUserID");
    assertTrue(assigned, assigned.startsWith("xcon-userid:") && assigned.endsWith("@" + DOMAIN));
    assertFalse(assigned, assigned.contains("AUTO_GENERATE"));
    assertEquals(assigned, attribute(entered, "userInfo", "entity"));
    assertEquals("4", version(entered));
  }

  @Test
  public void sidebars() throws Exception {
    // Figure 19: Alice, Bob and Carol in a conference with audio (label 123) and video (456).
    String main =
        described(
            alice,
            ALICE,
            "<info:conference-description><info:display-text>MAIN CONFERENCE</info:display-text>"
                + "<info:available-media>"
                + mediaEntry("123", "main conference audio", "audio", "sendrecv", "")
                + mediaEntry("456", "main conference video", "video", "sendrecv", SINGLE_VIEW)
                + "</info:available-media></info:conference-description>"
                + "<info:conference-state><info:active>true</info:active></info:conference-state>"
                + "<info:users>"
                + participant(ALICE, "Alice", "sip:alice@" + DOMAIN)
                + participant(BOB, "Bob", BOB_PHONE)
                + participant(CAROL, "Carol", CAROL_PHONE)
                + "</info:users>");

    // 7.1 steps 1-2: an internal sidebar cloned from the main conference.
    String internalCreated =
        send(
            DRAFT,
            alice,
            ALICE,
            "sidebarByVal",
            fields(main, "create", "<ccmp:sidebarByValRequest/>"));
    assertCode(200, internalCreated);
    String internal = CcmpHttp.field(internalCreated, "confObjID");
    assertNotEquals(main, internal);
    assertEquals(internal, attribute(internalCreated, "sidebarByValInfo", "entity"));
    assertEquals("1", version(internalCreated));
    assertContains(
        internalCreated,
        "<xcon:sidebar-parent>" + main + "</xcon:sidebar-parent>",
        "<info:display-text>main conference video</info:display-text>");
    // The main conference lists it, in a new version.
    String listed = send(DRAFT, alice, ALICE, "sidebarsByVal", fields(main, null, SIDEBARS_BY_VAL));
    assertCode(200, listed);
    assertEquals("2", version(listed));
    assertContains(listed, "<info:entry entity=\"" + internal + "\">");

    // 7.1 steps 3-4: Alice keeps it to Bob and herself, with the main audio lowered and media
    // of the sidebar's own.
    String internalUpdated =
        send(
            DRAFT,
            alice,
            ALICE,
            "sidebarByVal",
            fields(
                internal,
                "update",
                "<ccmp:sidebarByValRequest><sidebarByValInfo entity=\""
                    + internal
                    + "\"><info:conference-description>"
                    + "<info:display-text>private sidebar Alice - Bob</info:display-text>"
                    + "<info:available-media>"
                    + mediaEntry(
                        "123",
                        "main conference audio",
                        "audio",
                        "recvonly",
                        "<xcon:controls><xcon:gain>-60</xcon:gain></xcon:controls>")
                    + mediaEntry("456", "main conference video", "video", "recvonly", "")
                    + mediaEntry("AUTO_GENERATE_1", "sidebar audio", "audio", "sendrecv", "")
                    + mediaEntry("AUTO_GENERATE_2", "sidebar video", "video", "sendrecv", "")
                    + "</info:available-media></info:conference-description>"
                    + allowedUsers(target(ALICE, "dial-out"), target(BOB, "dial-out"))
                    + "</sidebarByValInfo></ccmp:sidebarByValRequest>"));
    assertCode(200, internalUpdated);
    assertEquals("2", version(internalUpdated));
    assertFalse(internalUpdated, internalUpdated.contains("AUTO_GENERATE"));
    assertContains(
        internalUpdated,
        "<info:display-text>private sidebar Alice - Bob</info:display-text>",
        "<xcon:gain>-60</xcon:gain>",
        "<info:display-text>sidebar video</info:display-text>",
        storedTarget(BOB, "dial-out"));

    // 7.1 steps 5-6: Bob silences the main conference's audio for himself, in the sidebar.
    String bobsMedia =
        send(
            DRAFT,
            bob,
            BOB,
            "user",
            fields(
                internal,
                "update",
                userRequest(
                    BOB,
                    "<info:endpoint entity=\""
                        + BOB_PHONE
                        + "\"><info:media id=\"1\">"
                        + "<info:display-text>main conference audio</info:display-text>"
                        + "<info:label>123</info:label><info:status>inactive</info:status>"
                        + "</info:media></info:endpoint>")));
    assertCode(200, bobsMedia);
    assertEquals("3", version(bobsMedia));
    // Only his media in the sidebar change: in the main conference his audio still flows.
    String bobInMain =
        send(DRAFT, bob, BOB, "user", fields(main, "retrieve", userRequest(BOB, "")));
    assertCode(200, bobInMain);
    assertContains(bobInMain, media("1", "123", "sendrecv"));

    // 7.2: David and Ethel are in the main conference too.
    for (String user : List.of(DAVID, ETHEL)) {
      assertCode(
          200, send(DRAFT, alice, ALICE, "user", fields(main, "create", userRequest(user, ""))));
    }
    // 7.2 steps 1-2: an external sidebar, a conference of its own the main one refers to.
    String externalCreated =
        send(
            DRAFT,
            alice,
            ALICE,
            "sidebarByRef",
            fields(main, "create", "<ccmp:sidebarByRefRequest/>"));
    assertCode(200, externalCreated);
    String external = CcmpHttp.field(externalCreated, "confObjID");
    assertNotEquals(main, external);
    assertEquals(external, attribute(externalCreated, "sidebarByRefInfo", "entity"));
    assertEquals("1", version(externalCreated));
    assertContains(externalCreated, "<xcon:sidebar-parent>" + main + "</xcon:sidebar-parent>");
    // 7.2 steps 3-4: no media from the main conference, media of its own, and Fred, who is no
    // user of the system, called by his SIP URI.
    String fred = "sip:fred@" + DOMAIN;
    String externalTitle = "sidebar with Alice, Bob, Ethel and Fred";
    String externalUpdated =
        send(
            DRAFT,
            alice,
            ALICE,
            "sidebarByRef",
            fields(
                external,
                "update",
                "<ccmp:sidebarByRefRequest><sidebarByRefInfo entity=\""
                    + external
                    + "\"><info:conference-description><info:display-text>"
                    + externalTitle
                    + "</info:display-text><info:available-media>"
                    + mediaEntry("123", "main conference audio", "audio", "inactive", "")
                    + mediaEntry("456", "main conference video", "video", "inactive", "")
                    + mediaEntry("AUTO_GENERATE_1", "sidebar audio", "audio", "sendrecv", "")
                    + mediaEntry(
                        "AUTO_GENERATE_2", "sidebar video", "video", "sendrecv", SINGLE_VIEW)
                    + "</info:available-media></info:conference-description>"
                    + "<info:conference-state><info:active>false</info:active>"
                    + "</info:conference-state>"
                    + allowedUsers(
                        target(ALICE, "dial-out"),
                        target(BOB, "dial-out"),
                        target(ETHEL, "dial-out"),
                        target(fred, "dial-out"))
                    + "</sidebarByRefInfo></ccmp:sidebarByRefRequest>"));
    assertCode(200, externalUpdated);
    assertEquals("2", version(externalUpdated));
    assertFalse(externalUpdated, externalUpdated.contains("AUTO_GENERATE"));
    assertContains(
        externalUpdated,
        "<info:display-text>sidebar video</info:display-text>",
        storedTarget(fred, "dial-out"));
    // The main conference refers to it (with the sidebar's title), in a new version: David and
    // Ethel made versions 3 and 4.
    String references =
        send(
            DRAFT,
            alice,
            ALICE,
            "sidebarsByRef",
            fields(main, null, "<ccmp:sidebarsByRefRequest/>"));
    assertCode(200, references);
    assertEquals("5", version(references));
    assertContains(
        references,
        "<info:entry><info:uri>"
            + external
            + "</info:uri><info:display-text>"
            + externalTitle
            + "</info:display-text></info:entry>");

    // 7.3 steps 1-2: a private text chat, a sidebar created from a document of Alice's.
    String chatCreated =
        send(
            DRAFT,
            alice,
            ALICE,
            "sidebarByVal",
            fields(
                main,
                "create",
                "<ccmp:sidebarByValRequest><sidebarByValInfo entity=\""
                    + NEW_CONFERENCE
                    + "\"><info:conference-description>"
                    + "<info:display-text>private textual sidebar alice - bob</info:display-text>"
                    + "<info:available-media>"
                    + mediaEntry("123", "main conference audio", "audio", "recvonly", "")
                    + mediaEntry("456", "main conference video", "video", "recvonly", "")
                    + mediaEntry("AUTO_GENERATE_2", "sidebar text", "text", "sendrecv", "")
                    + "</info:available-media></info:conference-description>"
                    + allowedUsers(target(ALICE, "dial-out"), target(BOB, "dial-out"))
                    + "</sidebarByValInfo></ccmp:sidebarByValRequest>"));
    assertCode(200, chatCreated);
    String chat = CcmpHttp.field(chatCreated, "confObjID");
    assertNotEquals(internal, chat);
    assertEquals(chat, attribute(chatCreated, "sidebarByValInfo", "entity"));
    assertEquals("1", version(chatCreated));
    assertFalse(chatCreated, chatCreated.contains("AUTO_GENERATE"));
    assertContains(
        chatCreated,
        "<xcon:sidebar-parent>" + main + "</xcon:sidebar-parent>",
        "<info:display-text>private textual sidebar alice - bob</info:display-text>",
        "<info:type>text</info:type>");
    String bothListed =
        send(DRAFT, alice, ALICE, "sidebarsByVal", fields(main, null, SIDEBARS_BY_VAL));
    assertCode(200, bothListed);
    assertEquals("6", version(bothListed));
    assertContains(
        bothListed,
        "<info:entry entity=\"" + internal + "\">",
        "<info:entry entity=\"" + chat + "\">");

    // 7.4, figure 24: agent Bob's call with customer Carol.
    String service =
        described(
            bob,
            BOB,
            "<info:conference-description>"
                + "<info:display-text>CUSTOMER SERVICE conference</info:display-text>"
                + "<info:available-media>"
                + mediaEntry("123", "service audio", "audio", "sendrecv", "")
                + mediaEntry("456", "service video", "video", "sendrecv", SINGLE_VIEW)
                + "</info:available-media></info:conference-description>"
                + "<info:conference-state><info:active>true</info:active></info:conference-state>"
                + "<info:users>"
                + participant(BOB, "Bob - call agent", BOB_PHONE)
                + participant(CAROL, "Carol - customer", CAROL_PHONE)
                + "</info:users>");
    // 7.4 steps 1-2: the supervisor (Alice in the RFC) opens a sidebar of the call.
    String coachingCreated =
        send(
            DRAFT,
            supervisor,
            SUPERVISOR,
            "sidebarByRef",
            fields(service, "create", "<ccmp:sidebarByRefRequest/>"));
    assertCode(200, coachingCreated);
    String coaching = CcmpHttp.field(coachingCreated, "confObjID");
    assertEquals(coaching, attribute(coachingCreated, "sidebarByRefInfo", "entity"));
    assertEquals("1", version(coachingCreated));
    assertContains(
        coachingCreated,
        "<xcon:sidebar-parent>" + service + "</xcon:sidebar-parent>",
        "<info:display-text>service audio</info:display-text>");
    // 7.4 steps 3-4: a new audio stream from her to Bob only. One placeholder names the stream in
    // available-media and in both users' media.
    String coachingUpdated =
        send(
            DRAFT,
            supervisor,
            SUPERVISOR,
            "sidebarByRef",
            fields(
                coaching,
                "update",
                "<ccmp:sidebarByRefRequest><sidebarByRefInfo entity=\""
                    + coaching
                    + "\"><info:conference-description>"
                    + "<info:display-text>Coaching sidebar Alice and Bob</info:display-text>"
                    + "<info:available-media>"
                    + mediaEntry("AUTO_GENERATE_1", "Alice-to-Bob audio", "audio", "sendrecv", "")
                    + "</info:available-media></info:conference-description>"
                    + "<info:conference-state><info:active>false</info:active>"
                    + "</info:conference-state><info:users><info:user entity=\""
                    + SUPERVISOR
                    + "\"><info:endpoint entity=\"sip:supervisor@"
                    + DOMAIN
                    + "\">"
                    + media("AUTO_GENERATE_2", "AUTO_GENERATE_1", "sendonly")
                    + "</info:endpoint></info:user><info:user entity=\""
                    + BOB
                    + "\"><info:endpoint entity=\""
                    + BOB_PHONE
                    + "\">"
                    + media("AUTO_GENERATE_3", "AUTO_GENERATE_1", "recvonly")
                    + "</info:endpoint></info:user><xcon:allowed-users-list>"
                    + target(SUPERVISOR, "dial-in")
                    + target(BOB, "dial-out")
                    + "</xcon:allowed-users-list></info:users>"
                    + "</sidebarByRefInfo></ccmp:sidebarByRefRequest>"));
    assertCode(200, coachingUpdated);
    assertEquals("2", version(coachingUpdated));
    assertFalse(coachingUpdated, coachingUpdated.contains("AUTO_GENERATE"));
    String whisper = labelOf(coachingUpdated, "Alice-to-Bob audio");
    assertContains(
        coachingUpdated,
        "<info:label>" + whisper + "</info:label><info:status>sendonly</info:status>",
        "<info:label>" + whisper + "</info:label><info:status>recvonly</info:status>",
        storedTarget(SUPERVISOR, "dial-in"),
        storedTarget(BOB, "dial-out"));
    assertFalse(coachingUpdated, coachingUpdated.contains("uri=\"" + CAROL + "\""));
    // Carol must not learn of her coach: the call she is in does not show the supervisor.
    String carolsCall =
        send(DRAFT, carol, CAROL, "conf", fields(service, "retrieve", "<ccmp:confRequest/>"));
    assertCode(200, carolsCall);
    assertFalse(carolsCall, carolsCall.contains(SUPERVISOR));
  }

  @Test
  public void removingAndDeleting() throws Exception {
    // 8.1: a conference of Alice, Bob, Claire and Duck.
    String conference = cloned(alice, ALICE, AUDIO_ROOM);
    assertCode(
        200, send(DRAFT, alice, ALICE, "user", fields(conference, "create", userRequest(BOB, ""))));
    String claire = thirdParty(conference, "Claire");
    String duck = thirdParty(conference, "Duck");
    // 8.1 step 1: the server checks the sender's authority: Bob may not remove Claire.
    assertCode(
        401, send(DRAFT, bob, BOB, "user", fields(conference, "delete", userRequest(claire, ""))));
    // 8.1 steps 1-2: Alice removes Bob, in a new version.
    String removed =
        send(DRAFT, alice, ALICE, "user", fields(conference, "delete", userRequest(BOB, "")));
    assertCode(200, removed);
    assertEquals("5", version(removed));
    String users =
        send(DRAFT, alice, ALICE, "users", fields(conference, "retrieve", "<ccmp:usersRequest/>"));
    assertCode(200, users);
    assertFalse(users, users.contains("entity=\"" + BOB + "\""));
    assertContains(users, "entity=\"" + claire + "\"", "entity=\"" + duck + "\"");
    assertCode(
        420,
        send(DRAFT, alice, ALICE, "user", fields(conference, "retrieve", userRequest(BOB, ""))));

    // 8.2, in the published namespace (the answers follow the request's). A conference with a
    // sidebar is not deleted until the sidebar is.
    String sidebarCreated =
        send(
            PUBLISHED,
            alice,
            ALICE,
            "sidebarByVal",
            fields(conference, "create", "<ccmp:sidebarByValRequest/>"));
    assertCode(200, sidebarCreated);
    String sidebar = CcmpHttp.field(sidebarCreated, "confObjID");
    String deleteConference = fields(conference, "delete", "<ccmp:confRequest/>");
    assertCode(425, send(PUBLISHED, alice, ALICE, "conf", deleteConference));
    String sidebarDeleted =
        send(
            PUBLISHED,
            alice,
            ALICE,
            "sidebarByVal",
            fields(sidebar, "delete", "<ccmp:sidebarByValRequest/>"));
    assertCode(200, sidebarDeleted);
    assertEquals(sidebar, CcmpHttp.field(sidebarDeleted, "confObjID"));
    // 8.2 step 1: the server checks the sender's authority: Bob, no user any more, has none.
    assertCode(401, send(PUBLISHED, bob, BOB, "conf", deleteConference));
    // 8.2 steps 1-2: deleted; the answer names it and carries no version.
    String deleted = send(PUBLISHED, alice, ALICE, "conf", deleteConference);
    assertCode(200, deleted);
    assertEquals(conference, CcmpHttp.field(deleted, "confObjID"));
    assertNull(deleted, version(deleted));
    assertFalse(deleted, deleted.contains("confInfo"));
    assertCode(
        404,
        send(
            PUBLISHED,
            alice,
            ALICE,
            "conf",
            fields(conference, "retrieve", "<ccmp:confRequest/>")));
  }

  /**
   * Sends a request of {@code sender} (null: none, section 5.3.6) through {@code client}; checks
   * that the answer is valid RFC 6503, of the matching type, in the request's namespace, and that
   * CCMP answers travel as HTTP 200.
   */
  private static String send(
      String namespace, CcmpHttp client, String sender, String type, String fields)
      throws Exception {
    String body =
        CcmpHttp.request(namespace, "ccmp-" + type + "-request-message-type", fields, sender);
    HttpResponse<String> response = client.post(body);
    assertEquals(response.body(), 200, response.statusCode());
    return answer(namespace, type, response.body());
  }

  /** POSTs a CCMP request over HTTPS without HTTP authentication; the HTTP status must be 200. */
  private static String postOverHttps(String body) throws Exception {
    HttpResponse<String> response =
        server
            .httpsClient()
            .send(
                java.net.http.HttpRequest.newBuilder(server.httpsEndpoint())
                    .header("Content-Type", CcmpHttp.CCMP_TYPE)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(response.body(), 200, response.statusCode());
    return response.body();
  }

  private static String answer(String namespace, String type, String response) {
    CcmpHttp.assertValidCcmp(response);
    assertTrue(response, response.contains("xmlns:ccmp=\"" + namespace + "\""));
    assertTrue(
        response, response.contains("xsi:type=\"ccmp:ccmp-" + type + "-response-message-type\""));
    return response;
  }

  /**
   * The request fields in the order of RFC 6503's schema: confObjID, operation and
   * conference-password (each left out when null), then the message element.
   */
  private static String fields(
      String confObjId, String operation, String password, String message) {
    return (confObjId == null ? "" : "<confObjID>" + confObjId + "</confObjID>")
        + (operation == null ? "" : "<operation>" + operation + "</operation>")
        + (password == null ? "" : "<conference-password>" + password + "</conference-password>")
        + message;
  }

  private static String fields(String confObjId, String operation, String message) {
    return fields(confObjId, operation, null, message);
  }

  private static String userRequest(String entity, String content) {
    return "<ccmp:userRequest><userInfo entity=\""
        + entity
        + (content.isEmpty() ? "\"/>" : "\">" + content + "</userInfo>")
        + "</ccmp:userRequest>";
  }

  /** A conference {@code sender} clones from {@code parent} (section 5.2 step 5); its XCON-URI. */
  private static String cloned(CcmpHttp client, String sender, String parent) throws Exception {
    String created =
        send(DRAFT, client, sender, "conf", fields(parent, "create", "<ccmp:confRequest/>"));
    assertCode(200, created);
    return CcmpHttp.field(created, "confObjID");
  }

  /** A conference {@code sender} creates from a document (section 5.3); its XCON-URI. */
  private static String described(CcmpHttp client, String sender, String confInfo)
      throws Exception {
    String created =
        send(
            DRAFT,
            client,
            sender,
            "conf",
            fields(
                null,
                "create",
                "<ccmp:confRequest><confInfo entity=\""
                    + NEW_CONFERENCE
                    + "\">"
                    + confInfo
                    + "</confInfo></ccmp:confRequest>"));
    assertCode(200, created);
    return CcmpHttp.field(created, "confObjID");
  }

  /** Alice adds someone without an XCON-USERID (section 6.1); the one the server made. */
  private static String thirdParty(String conference, String name) throws Exception {
    String added =
        send(
            DRAFT,
            alice,
            ALICE,
            "user",
            fields(
                conference,
                "create",
                userRequest(NEW_USER, "<info:display-text>" + name + "</info:display-text>")));
    assertCode(200, added);
    return attribute(added, "userInfo", "entity");
  }

  /** A participant of figures 19 and 24: audio (media 1, label 123) and video (2, 456). */
  private static String participant(String entity, String displayText, String endpoint) {
    return "<info:user entity=\""
        + entity
        + "\"><info:display-text>"
        + displayText
        + "</info:display-text><info:endpoint entity=\""
        + endpoint
        + "\">"
        + media("1", "123", "sendrecv")
        + media("2", "456", "sendrecv")
        + "</info:endpoint></info:user>";
  }

  private static String media(String id, String label, String status) {
    return "<info:media id=\""
        + id
        + "\"><info:label>"
        + label
        + "</info:label><info:status>"
        + status
        + "</info:status></info:media>";
  }

  /** Bob's endpoint in section 6.1, holding {@code media}. */
  private static String endpoint(String media) {
    return "<info:endpoint entity=\"" + BOB_PHONE + "\">" + media + "</info:endpoint>";
  }

  /** The mute control of {@code user}'s audio into the mixer, in the audio room's media. */
  private static String mixerMute(String user, String mute) {
    return userRequest(
        user,
        endpoint(
            "<info:media id=\"1\"><xcon:to-mixer name=\"AudioIn\">"
                + "<xcon:floor id=\"1\">false</xcon:floor><xcon:controls><xcon:mute>"
                + mute
                + "</xcon:mute></xcon:controls></xcon:to-mixer></info:media>"));
  }

  private static String mediaEntry(
      String label, String displayText, String type, String status, String controls) {
    return "<info:entry label=\""
        + label
        + "\"><info:display-text>"
        + displayText
        + "</info:display-text><info:type>"
        + type
        + "</info:type><info:status>"
        + status
        + "</info:status>"
        + controls
        + "</info:entry>";
  }

  private static String allowedUsers(String... targets) {
    return "<info:users><xcon:allowed-users-list>"
        + String.join("", targets)
        + "</xcon:allowed-users-list></info:users>";
  }

  private static String target(String uri, String method) {
    return storedTarget(uri, method) + "/>";
  }

  /** A target as an answer shows it, however it writes empty elements. */
  private static String storedTarget(String uri, String method) {
    return "<xcon:target uri=\"" + uri + "\" method=\"" + method + "\"";
  }

  /** The focus's SIP URI the server gives a conference: {@code sip:<id>@<domain>}. */
  private static String sipUri(String conference) {
    return "sip:" + conference.substring("xcon:".length());
  }

  private static String version(String response) {
    return CcmpHttp.field(response, "version");
  }

  private static void assertCode(int expected, String response) {
    assertEquals(response, expected, CcmpHttp.responseCode(response));
  }

  private static void assertContains(String response, String... parts) {
    for (String part : parts) {
      assertTrue(part + " in:\n" + response, response.contains(part));
    }
  }

  private static String attribute(String response, String element, String attribute) {
    Matcher matcher =
        Pattern.compile("<" + element + " [^>]*" + attribute + "=\"([^\"]*)\"").matcher(response);
    assertTrue(element + "/@" + attribute + " in:\n" + response, matcher.find());
    return matcher.group(1);
  }

  /** The label the server gave the available-media entry titled {@code displayText}. */
  private static String labelOf(String response, String displayText) {
    Matcher matcher =
        Pattern.compile(
                "<info:entry label=\"([^\"]+)\"><info:display-text>"
                    + Pattern.quote(displayText)
                    + "</info:display-text>")
            .matcher(response);
    assertTrue(displayText + " in:\n" + response, matcher.find());
    return matcher.group(1);
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    int to = from < 0 ? -1 : text.indexOf(end, from);
    assertTrue(start + " in:\n" + text, to > from);
    return text.substring(from, to + end.length());
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }
}
