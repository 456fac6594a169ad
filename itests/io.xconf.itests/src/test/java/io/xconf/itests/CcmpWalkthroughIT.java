package io.xconf.itests;

import static io.xconf.itests.support.CcmpHttp.DRAFT;
import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.XconfServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * RFC 6503 section 6 against the packed distribution over HTTP: a user lists the blueprints, reads
 * one, clones it, changes the clone, adds users, reads them back and deletes it. Ids come from
 * earlier answers, as a client's would.
 */
public class CcmpWalkthroughIT {

  private static final String DOMAIN = "walk.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static XconfServer server;
  private static CcmpHttp alice;
  private static CcmpHttp bob;

  @BeforeClass
  public static void startServer() throws Exception {
    server =
        XconfServer.configure(
            Path.of(System.getProperty("xconf.work"), "servers", "walkthrough", "data"), DOMAIN);
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    assertEquals(
        0, server.user("add", "bob", "secret", "--uri", "sip:bob@pbx." + DOMAIN).exitCode());
    server.start();
    clients();
  }

  private static void clients() {
    alice = server.ccmp().withDigest("alice", "secret");
    bob = server.ccmp().withDigest("bob", "secret");
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  private static String send(String namespace, String sender, String type, String fields)
      throws Exception {
    String body =
        CcmpHttp.request(namespace, "ccmp-" + type + "-request-message-type", fields, sender);
    // Each known user authenticates as themselves; a stranger's claim travels with alice's login.
    CcmpHttp client = ("xcon-userid:bob@" + DOMAIN).equals(sender) ? bob : alice;
    String response = client.post(body).body();
    CcmpHttp.assertValidCcmp(response);
    assertTrue(response, response.contains("xmlns:ccmp=\"" + namespace + "\""));
    return response;
  }

  @Test
  public void section6WalkThrough() throws Exception {
    // 6.1: the blueprints
    String blueprints = send(PUBLISHED, ALICE, "blueprints", "<ccmp:blueprintsRequest/>");
    assertEquals(200, CcmpHttp.responseCode(blueprints));
    String audioRoom = "xcon:audio-room@" + DOMAIN;
    assertTrue(blueprints, blueprints.contains("<info:uri>" + audioRoom + "</info:uri>"));

    // 6.2: one blueprint, then a conference cloned from it
    String blueprint =
        send(
            PUBLISHED,
            ALICE,
            "blueprint",
            "<confObjID>"
                + audioRoom
                + "</confObjID><operation>retrieve</operation><ccmp:blueprintRequest/>");
    assertEquals(200, CcmpHttp.responseCode(blueprint));
    String created =
        send(
            PUBLISHED,
            ALICE,
            "conf",
            "<confObjID>"
                + audioRoom
                + "</confObjID><operation>create</operation><ccmp:confRequest/>");
    assertEquals(200, CcmpHttp.responseCode(created));
    String conference = CcmpHttp.field(created, "confObjID");
    assertEquals("1", CcmpHttp.field(created, "version"));
    assertTrue(
        created,
        created.contains(
            "<info:uri>sip:" + conference.substring("xcon:".length()) + "</info:uri>"));

    // 6.3: change its title, in the drafts' namespace this time
    String updated =
        send(
            DRAFT,
            ALICE,
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>update</operation><ccmp:confRequest>"
                + "<confInfo entity=\""
                + conference
                + "\"><info:conference-description><info:display-text>Board meeting</info:display-text>"
                + "</info:conference-description></confInfo></ccmp:confRequest>");
    assertEquals(200, CcmpHttp.responseCode(updated));
    assertEquals("2", CcmpHttp.field(updated, "version"));

    // 6.5: Alice inserts a list of users: carol, known by her SIP address only, gets an id.
    // (She is let in rather than called: a dial-out would move the versions counted here as the
    // focus records the call; SipFocusIT covers dial-out.)
    String bob = "xcon-userid:bob@" + DOMAIN;
    String inserted =
        send(
            PUBLISHED,
            ALICE,
            "users",
            "<confObjID>"
                + conference
                + "</confObjID><operation>update</operation><ccmp:usersRequest><usersInfo>"
                + "<info:user entity=\"xcon-userid:AUTO_GENERATE_1@"
                + DOMAIN
                + "\"><info:display-text>Carol</info:display-text><info:associated-aors><info:entry>"
                + "<info:uri>sip:carol@pbx."
                + DOMAIN
                + "</info:uri></info:entry></info:associated-aors></info:user>"
                + "<xcon:allowed-users-list><xcon:target uri=\"sip:carol@pbx."
                + DOMAIN
                + "\" method=\"dial-in\"/></xcon:allowed-users-list>"
                + "</usersInfo></ccmp:usersRequest>");
    assertEquals(inserted, 200, CcmpHttp.responseCode(inserted));
    assertEquals("3", CcmpHttp.field(inserted, "version"));

    // 6.6: Bob joins: a first-party userRequest/create (confUserID = userInfo entity) with his
    // address of record. (With an endpoint the focus would call it, and record the call in new
    // versions; CcmpSafetyIT and SipFocusIT cover that.)
    String joined =
        send(
            PUBLISHED,
            bob,
            "user",
            "<confObjID>"
                + conference
                + "</confObjID><operation>create</operation><ccmp:userRequest>"
                + "<userInfo entity=\""
                + bob
                + "\"><info:display-text>Bob</info:display-text><info:associated-aors><info:entry>"
                + "<info:uri>sip:bob@pbx."
                + DOMAIN
                + "</info:uri></info:entry></info:associated-aors></userInfo></ccmp:userRequest>");
    assertEquals(joined, 200, CcmpHttp.responseCode(joined));
    assertEquals("4", CcmpHttp.field(joined, "version"));

    // 6.7: Alice adds a third party with no XCON-USERID; the answer names the one it got
    String addGuest =
        send(
            PUBLISHED,
            ALICE,
            "user",
            "<confObjID>"
                + conference
                + "</confObjID><operation>create</operation><ccmp:userRequest>"
                + "<userInfo entity=\"xcon-userid:AUTO_GENERATE_1@"
                + DOMAIN
                + "\"><info:display-text>Guest</info:display-text></userInfo></ccmp:userRequest>");
    assertEquals(addGuest, 200, CcmpHttp.responseCode(addGuest));
    assertTrue(addGuest, addGuest.matches("(?s).*<userInfo entity=\"xcon-userid:[a-z2-7]+@.*"));

    String users =
        send(
            PUBLISHED,
            bob,
            "users",
            "<confObjID>"
                + conference
                + "</confObjID><operation>retrieve</operation><ccmp:usersRequest/>");
    assertEquals(200, CcmpHttp.responseCode(users));
    assertTrue(users, users.contains("entity=\"" + bob + "\""));
    assertTrue(users, users.contains("<info:display-text>Carol</info:display-text>"));
    assertTrue(users, users.contains("<info:display-text>Guest</info:display-text>"));
    assertFalse(users, users.contains("AUTO_GENERATE"));
    assertEquals("5", CcmpHttp.field(users, "version"));

    // 6.8: the options list what is installed
    String options = send(PUBLISHED, ALICE, "options", "");
    assertTrue(options, options.contains("<name>confRequest</name>"));

    // 6.9: the confSummaryRequest extension, installed by dropping its bundle into deploy/
    try (AutoCloseable deployed =
        server.deployConfSummary(
            "walkthrough-confsummary.jar", () -> send(PUBLISHED, ALICE, "options", ""))) {
      String summary =
          send(
              PUBLISHED,
              ALICE,
              "extended",
              "<confObjID>"
                  + conference
                  + "</confObjID><operation>retrieve</operation><ccmp:extendedRequest>"
                  + "<extensionName>confSummaryRequest</extensionName></ccmp:extendedRequest>");
      assertEquals(summary, 200, CcmpHttp.responseCode(summary));
      assertTrue(summary, summary.contains("<title>Board meeting</title>"));
    }

    // An unknown sender, and the end of the conference
    assertEquals(
        421,
        CcmpHttp.responseCode(
            send(PUBLISHED, "xcon-userid:eve@" + DOMAIN, "confs", "<ccmp:confsRequest/>")));
    String deleted =
        send(
            PUBLISHED,
            ALICE,
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>delete</operation><ccmp:confRequest/>");
    assertEquals(200, CcmpHttp.responseCode(deleted));
    assertEquals(conference, CcmpHttp.field(deleted, "confObjID"));
    assertEquals(
        404,
        CcmpHttp.responseCode(
            send(
                PUBLISHED,
                ALICE,
                "conf",
                "<confObjID>"
                    + conference
                    + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>")));
  }

  @Test
  public void requestsAreAuthenticated() throws Exception {
    String confs =
        CcmpHttp.request(
            PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>", ALICE);
    java.net.http.HttpResponse<String> anonymous = server.ccmp().post(confs);
    assertEquals(401, anonymous.statusCode());
    List<String> challenges = anonymous.headers().allValues("WWW-Authenticate");
    assertEquals(2, challenges.size());
    assertTrue(
        challenges.get(0),
        challenges.get(0).startsWith("Digest realm=\"" + DOMAIN + "\"")
            && challenges.get(0).contains("algorithm=SHA-256"));
    assertTrue(challenges.get(1), challenges.get(1).contains("algorithm=MD5"));
    assertEquals(424, CcmpHttp.responseCode(anonymous.body()));
    CcmpHttp.assertValidCcmp(anonymous.body());

    assertEquals(401, server.ccmp().withDigest("alice", "wrong").post(confs).statusCode());
    assertEquals(200, alice.post(confs).statusCode());
    assertEquals("bob cannot speak for alice", 401, CcmpHttp.responseCode(bob.post(confs).body()));

    // The CCMP subject (section 10.2) and Basic travel in clear: refused over plain HTTP (the
    // subject's answer is 424 with a Digest challenge, as without credentials).
    String withSubject =
        confs.replace(
            "<confUserID>",
            "<subject><username>alice</username><password>secret</password></subject><confUserID>");
    HttpResponse<String> subjectInClear = server.ccmp().post(withSubject);
    assertEquals(401, subjectInClear.statusCode());
    assertEquals(424, CcmpHttp.responseCode(subjectInClear.body()));
    assertEquals(401, curl("--basic", "alice:secret", confs).get(0).equals("401") ? 401 : 0);
    // An independent Digest client.
    List<String> digest = curl("--digest", "alice:secret", confs);
    assertEquals(digest.toString(), "200", digest.get(0));
    assertEquals(200, CcmpHttp.responseCode(digest.get(1)));
  }

  @Test
  public void httpsWithTheCertificateMadeAtFirstStart() throws Exception {
    java.net.http.HttpClient client = server.httpsClient();

    String confs =
        CcmpHttp.request(
            PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>", ALICE);
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    java.net.http.HttpResponse<String> response =
        client.send(
            java.net.http.HttpRequest.newBuilder(server.httpsEndpoint())
                .header("Content-Type", CcmpHttp.CCMP_TYPE)
                .header("Authorization", basic)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(confs))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(response.body(), 200, response.statusCode());
    assertEquals("Basic is accepted over TLS", 200, CcmpHttp.responseCode(response.body()));

    // The CCMP subject (section 10.2) carries its password in clear: accepted over TLS only.
    java.net.http.HttpResponse<String> withSubject =
        client.send(
            java.net.http.HttpRequest.newBuilder(server.httpsEndpoint())
                .header("Content-Type", CcmpHttp.CCMP_TYPE)
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        confs.replace(
                            "<confUserID>",
                            "<subject><username>alice</username><password>secret</password>"
                                + "</subject><confUserID>")))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(withSubject.body(), 200, withSubject.statusCode());
    assertEquals(200, CcmpHttp.responseCode(withSubject.body()));
  }

  /** curl's answer: the status of the last response, then its body. */
  private static List<String> curl(String scheme, String credentials, String body)
      throws Exception {
    Path request = Files.createTempFile(Path.of(System.getProperty("xconf.work")), "ccmp", ".xml");
    Files.writeString(request, body);
    Process curl =
        new ProcessBuilder(
                "curl",
                "-s",
                scheme,
                "-u",
                credentials,
                "-H",
                "Content-Type: application/ccmp+xml",
                "--data-binary",
                "@" + request,
                "-w",
                "\n%{http_code}",
                server.ccmp().endpoint().toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(output, 0, curl.waitFor());
    int lastNewline = output.lastIndexOf('\n');
    return List.of(output.substring(lastNewline + 1).trim(), output.substring(0, lastNewline));
  }

  @Test
  public void conferencesSurviveARestart() throws Exception {
    String created =
        send(PUBLISHED, ALICE, "conf", "<operation>create</operation><ccmp:confRequest/>");
    String conference = CcmpHttp.field(created, "confObjID");
    server.stop();
    server.start();
    clients();
    String retrieved =
        send(
            PUBLISHED,
            ALICE,
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>retrieve</operation><ccmp:confRequest/>");
    assertEquals(200, CcmpHttp.responseCode(retrieved));
    assertTrue(
        retrieved,
        retrieved.contains(
            "<xcon:cloning-parent>xcon:default@" + DOMAIN + "</xcon:cloning-parent>"));
  }
}
