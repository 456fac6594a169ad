package io.xconf.itests;

import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Digest;
import io.xconf.itests.support.XconfServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The CCMP side attacked over HTTP, as an ordinary account or a stranger would, against the packed
 * distribution: each attack is refused and leaves the conference as it was.
 */
public class CcmpSafetyIT {

  private static final String DOMAIN = "safety.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final String BOB = "xcon-userid:bob@" + DOMAIN;
  private static final String AUDIO_ROOM = "xcon:audio-room@" + DOMAIN;
  private static final String PASSWORD = "Zebra7";
  private static final int LIMIT = 3 << 19;

  /** Bob's phone: an address of his account, where nothing answers. */
  private static final String BOB_PHONE = "sip:bob@127.0.0.1:5998";

  private static XconfServer server;
  private static CcmpHttp alice;
  private static CcmpHttp bob;

  @BeforeClass
  public static void startServer() throws Exception {
    server =
        // Written as an operator might: the server's names are lower case, and so must be the
        // realm bin/xconf user add stores, else every Digest login here would fail.
        XconfServer.configure(
            Path.of(System.getProperty("xconf.work"), "servers", "ccmp-safety", "data"),
            "Safety.Example.NET");
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    assertEquals(0, server.user("add", "bob", "secret", "--uri", BOB_PHONE).exitCode());
    assertEquals(0, server.user("add", "carol", "secret").exitCode());
    // Above the 1 MiB default, to show that one setting moves every size limit together.
    server.withEnvironment("XCONF_MAX_DOCUMENT_BYTES", String.valueOf(LIMIT));
    server.start();
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

  @Test
  public void anOrdinaryUserGrantsItselfNoRights() throws Exception {
    String conference = conference(null);
    join(BOB, conference, null);
    String before = retrieve(alice, ALICE, conference, null);

    for (String grab :
        List.of(
            "<xcon:allow-refer-users-dynamically>true</xcon:allow-refer-users-dynamically>",
            "<xcon:allow-invite-users-dynamically>true</xcon:allow-invite-users-dynamically>",
            "<xcon:allow-remove-users-dynamically>true</xcon:allow-remove-users-dynamically>",
            "<info:roles><info:entry>moderator</info:entry></info:roles>",
            "<xcon:provide-anonymity>hidden</xcon:provide-anonymity>",
            "<info:endpoint entity=\"sip:carol@elsewhere.example\"/>")) {
      String refused = send(bob, BOB, "user", userFields(conference, "update", BOB, grab, null));
      assertEquals(grab, 401, CcmpHttp.responseCode(refused));
    }
    String after = retrieve(alice, ALICE, conference, null);
    assertEquals(
        "nothing changed", CcmpHttp.field(before, "version"), CcmpHttp.field(after, "version"));
    assertFalse(after, after.contains("allow-refer-users-dynamically"));

    // What describes him is his to change; the rights are the managers' to give.
    assertEquals(
        200,
        CcmpHttp.responseCode(
            send(
                bob,
                BOB,
                "user",
                userFields(
                    conference,
                    "update",
                    BOB,
                    "<info:display-text>Bobby</info:display-text>",
                    null))));
    assertEquals(
        200,
        CcmpHttp.responseCode(
            send(
                alice,
                ALICE,
                "user",
                userFields(
                    conference,
                    "update",
                    BOB,
                    "<xcon:allow-refer-users-dynamically>true</xcon:allow-refer-users-dynamically>",
                    null))));
  }

  @Test
  public void filtersSeeOnlyWhatTheCallerMaySee() throws Exception {
    String conference = conference(PASSWORD);
    join(BOB, conference, PASSWORD);
    String guess = "//xcon:conference-password[starts-with(., 'Z')]";
    assertFalse(
        "a password is not guessed letter by letter", confs(bob, BOB, guess).contains(conference));
    assertTrue(
        "the filter runs on what bob may see: no password there",
        confs(bob, BOB, "/conference-info[not(//xcon:conference-password)]").contains(conference));
    assertTrue("its manager sees it", confs(alice, ALICE, guess).contains(conference));

    // Each predicate walks the whole document again: the work is bounded, and said so.
    String costly = confsRequest(bob, BOB, "//*[//*[//*[//*[contains(., 'no such text')]]]]");
    assertEquals(costly, 511, CcmpHttp.responseCode(costly));
  }

  @Test
  public void aReplayedDigestHeaderIsRefused() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> challenge =
        client.send(post(null, ""), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, challenge.statusCode());
    String authorization =
        Digest.answer(
            challenge.headers().firstValue("WWW-Authenticate").orElseThrow(),
            "POST",
            "/ccmp",
            "alice",
            "secret",
            1);
    String list =
        CcmpHttp.request(
            PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>", ALICE);
    HttpResponse<String> first =
        client.send(post(authorization, list), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, CcmpHttp.responseCode(first.body()));
    int conferences = count(first.body(), "<info:entry>");

    // The same header, captured, with a request of the attacker's choosing.
    String create =
        CcmpHttp.request(
            PUBLISHED,
            "ccmp-conf-request-message-type",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>create</operation><ccmp:confRequest/>",
            ALICE);
    HttpResponse<String> replayed =
        client.send(post(authorization, create), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, replayed.statusCode());
    assertTrue(
        replayed.headers().allValues("WWW-Authenticate").toString(),
        replayed.headers().allValues("WWW-Authenticate").get(0).contains("stale=true"));
    assertEquals(424, CcmpHttp.responseCode(replayed.body()));
    assertEquals(
        "nothing was created",
        conferences,
        count(confsRequest(alice, ALICE, null), "<info:entry>"));
  }

  @Test
  public void aDigestThatSignsTheBodyTakesNoOtherBody() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> challenge =
        client.send(post(null, ""), HttpResponse.BodyHandlers.ofString());
    Map<String, String> offered =
        Digest.challenge(challenge.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertTrue(offered.toString(), offered.get("qop").contains("auth-int"));
    String list =
        CcmpHttp.request(
            PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>", ALICE);
    String create =
        CcmpHttp.request(
            PUBLISHED,
            "ccmp-conf-request-message-type",
            "<confObjID>"
                + AUDIO_ROOM
                + "</confObjID><operation>create</operation><ccmp:confRequest/>",
            ALICE);
    HttpResponse<String> signed =
        client.send(
            post(Digest.answer(offered, "POST", "/ccmp", "alice", "secret", 1, list), list),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(signed.body(), 200, signed.statusCode());
    assertEquals(200, CcmpHttp.responseCode(signed.body()));
    int conferences = count(signed.body(), "<info:entry>");
    // Signed for the list, sent with a creation (a fresh count, so only the body is wrong).
    HttpResponse<String> swapped =
        client.send(
            post(Digest.answer(offered, "POST", "/ccmp", "alice", "secret", 2, list), create),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(swapped.body(), 401, swapped.statusCode());
    assertEquals(
        "nothing was created",
        conferences,
        count(confsRequest(alice, ALICE, null), "<info:entry>"));
  }

  @Test
  public void sidebarsShowNoPasswordsAndAskForThem() throws Exception {
    String main = conference(PASSWORD);
    join(BOB, main, PASSWORD);
    String sidebar =
        send(
            alice,
            ALICE,
            "sidebarByVal",
            fields(main, "create", PASSWORD, "<ccmp:sidebarByValRequest/>"));
    assertEquals(sidebar, 200, CcmpHttp.responseCode(sidebar));

    String listed =
        send(
            bob,
            BOB,
            "sidebarsByVal",
            fields(main, null, PASSWORD, "<ccmp:sidebarsByValRequest/>"));
    assertEquals(listed, 200, CcmpHttp.responseCode(listed));
    assertTrue(listed, listed.contains(CcmpHttp.field(sidebar, "confObjID")));
    assertFalse(listed, listed.contains(PASSWORD));
    assertFalse(listed, listed.contains("conference-password"));

    // A sidebar of a protected conference is made by who gives its password.
    String withoutPassword =
        send(bob, BOB, "sidebarByVal", fields(main, "create", null, "<ccmp:sidebarByValRequest/>"));
    assertEquals(withoutPassword, 423, CcmpHttp.responseCode(withoutPassword));
    assertFalse(withoutPassword, withoutPassword.contains(PASSWORD));
    String sidebars =
        send(
            alice,
            ALICE,
            "sidebarsByVal",
            fields(main, null, PASSWORD, "<ccmp:sidebarsByValRequest/>"));
    assertEquals(sidebars, 1, count(sidebars, "entity=\"xcon:"));
  }

  @Test
  public void managersGiveThePasswordToo() throws Exception {
    // RFC 6503 section 5.1: every request whose target is password-protected carries it.
    String conference = conference(PASSWORD);
    assertEquals(423, CcmpHttp.responseCode(retrieve(alice, ALICE, conference, null)));
    assertEquals(422, CcmpHttp.responseCode(retrieve(alice, ALICE, conference, "wrong")));
    String read = retrieve(alice, ALICE, conference, PASSWORD);
    assertEquals(200, CcmpHttp.responseCode(read));
    assertTrue("and they read it", read.contains(PASSWORD));
    String deletion =
        send(alice, ALICE, "conf", fields(conference, "delete", null, "<ccmp:confRequest/>"));
    assertEquals(423, CcmpHttp.responseCode(deletion));
    assertEquals(200, CcmpHttp.responseCode(retrieve(alice, ALICE, conference, PASSWORD)));
  }

  @Test
  public void noChangeMakesAConferenceTooLargeToReadBack() throws Exception {
    String conference = conference(null);
    // A request above 1 MiB but within the limit is read: the codec honours the setting.
    String first = anonymousJoin(conference, displayText("a".repeat(1_100_000)));
    assertEquals(200, CcmpHttp.responseCode(first));
    String version = CcmpHttp.field(retrieve(alice, ALICE, conference, null), "version");
    String second = anonymousJoin(conference, displayText("b".repeat(1_100_000)));
    assertEquals(second, 511, CcmpHttp.responseCode(second));
    String read = retrieve(alice, ALICE, conference, null);
    assertEquals("what was stored reads back", 200, CcmpHttp.responseCode(read));
    assertEquals("nothing changed", version, CcmpHttp.field(read, "version"));
    assertFalse(read.contains("bbbb"));
    // Beyond the limit the request is not even read.
    String tooLarge =
        CcmpHttp.request(
            PUBLISHED,
            "ccmp-user-request-message-type",
            userFields(
                conference,
                "create",
                "xcon-userid:AUTO_GENERATE_1@" + DOMAIN,
                "c".repeat(LIMIT),
                null),
            null);
    assertEquals(413, server.ccmp().post(tooLarge).statusCode());
  }

  private static String displayText(String text) {
    return "<info:display-text>" + text + "</info:display-text>";
  }

  /** A client without an XCON-USERID enters (RFC 6503 section 5.3.6), described by {@code user}. */
  private static String anonymousJoin(String conference, String user) throws Exception {
    HttpResponse<String> response =
        server
            .ccmp()
            .post(
                CcmpHttp.request(
                    PUBLISHED,
                    "ccmp-user-request-message-type",
                    userFields(
                        conference, "create", "xcon-userid:AUTO_GENERATE_1@" + DOMAIN, user, null),
                    null));
    assertEquals(200, response.statusCode());
    return response.body();
  }

  @Test
  public void extensionsAskForThePasswordAndNeverTellIt() throws Exception {
    String conference = conference(PASSWORD);
    join(BOB, conference, PASSWORD);
    try (AutoCloseable deployed =
        server.deployConfSummary(
            "safety-confsummary.jar", () -> send(alice, ALICE, "options", ""))) {
      String summary =
          "<ccmp:extendedRequest><extensionName>confSummaryRequest</extensionName></ccmp:extendedRequest>";
      String withoutPassword =
          send(bob, BOB, "extended", fields(conference, "retrieve", null, summary));
      assertEquals(withoutPassword, 423, CcmpHttp.responseCode(withoutPassword));
      String withPassword =
          send(bob, BOB, "extended", fields(conference, "retrieve", PASSWORD, summary));
      assertEquals(withPassword, 200, CcmpHttp.responseCode(withPassword));
      assertTrue(withPassword, withPassword.contains("<public>false</public>"));
      assertFalse(
          withPassword,
          withPassword.substring(withPassword.indexOf("<response-code>")).contains(PASSWORD));
    }
  }

  @Test
  public void aRequestWithoutItsSpecializedMessageIsMalformed() throws Exception {
    String conference = conference(null);
    String bare = send(alice, ALICE, "conf", fields(conference, "retrieve", null, ""));
    assertEquals(bare, 400, CcmpHttp.responseCode(bare));
    String delete = send(alice, ALICE, "conf", fields(conference, "delete", null, ""));
    assertEquals(delete, 400, CcmpHttp.responseCode(delete));
    assertEquals(200, CcmpHttp.responseCode(retrieve(alice, ALICE, conference, null)));
  }

  @Test
  public void anAccountAlreadyListedAddsItselfWithAnEndpoint() throws Exception {
    // RFC 6503 section 5.3.6, first case: the organizer adds itself, with a device to be called.
    String conference = conference(null);
    String endpoint = "sip:alice@127.0.0.1:5999";
    String added =
        send(
            alice,
            ALICE,
            "user",
            userFields(
                conference, "create", ALICE, "<info:endpoint entity=\"" + endpoint + "\"/>", null));
    assertEquals(added, 200, CcmpHttp.responseCode(added));
    String read = retrieve(alice, ALICE, conference, null);
    assertTrue(
        "the focus is to call it in: " + read,
        java.util.regex.Pattern.compile(
                "<xcon:target (uri=\""
                    + java.util.regex.Pattern.quote(endpoint)
                    + "\" method=\"dial-out\"|method=\"dial-out\" uri=\""
                    + java.util.regex.Pattern.quote(endpoint)
                    + "\")")
            .matcher(read)
            .find());
    // Bob may add himself at his own address only.
    String elsewhere =
        send(
            bob,
            BOB,
            "user",
            userFields(
                conference,
                "create",
                BOB,
                "<info:endpoint entity=\"sip:victim@elsewhere.example\"/>",
                null));
    assertEquals(elsewhere, 401, CcmpHttp.responseCode(elsewhere));
    String own =
        send(
            bob,
            BOB,
            "user",
            userFields(
                conference, "create", BOB, "<info:endpoint entity=\"" + BOB_PHONE + "\"/>", null));
    assertEquals(own, 200, CcmpHttp.responseCode(own));
  }

  @Test
  public void aJoinFollowsTheConferencesAdmission() throws Exception {
    String conference = conference(null);
    String blocked =
        send(
            alice,
            ALICE,
            "conf",
            fields(
                conference,
                "update",
                null,
                "<ccmp:confRequest><confInfo entity=\""
                    + conference
                    + "\"><info:users><xcon:join-handling>block</xcon:join-handling></info:users>"
                    + "</confInfo></ccmp:confRequest>"));
    assertEquals(blocked, 200, CcmpHttp.responseCode(blocked));
    String version = CcmpHttp.field(blocked, "version");
    String selfJoin =
        send(bob, BOB, "user", fields(conference, "create", null, "<ccmp:userRequest/>"));
    assertEquals(selfJoin, 403, CcmpHttp.responseCode(selfJoin));
    String anonymous =
        anonymousJoin(conference, "<info:endpoint entity=\"sip:someone@elsewhere.example\"/>");
    assertEquals(anonymous, 403, CcmpHttp.responseCode(anonymous));
    assertEquals(
        "nothing changed",
        version,
        CcmpHttp.field(retrieve(alice, ALICE, conference, null), "version"));
  }

  @Test
  public void httpListensOnThisMachineOnly() throws Exception {
    List<String> listeners = new ArrayList<>();
    for (int port : List.of(server.httpPort(), server.httpsPort())) {
      listeners.addAll(listening(port));
    }
    assertFalse("no listener found in /proc/net/tcp*", listeners.isEmpty());
    for (String address : listeners) {
      assertTrue(
          listeners.toString(),
          address.equals("0100007F")
              || address.equals("0000000000000000FFFF00000100007F")
              || address.equals("00000000000000000000000001000000"));
    }
  }

  @Test
  public void guessingIsSlowedPerSourceAndPerAccount() throws Exception {
    // The attacker comes from 127.0.0.2 (loopback too) and guesses carol's password.
    String list =
        CcmpHttp.request(
            PUBLISHED,
            "ccmp-confs-request-message-type",
            "<ccmp:confsRequest/>",
            "xcon-userid:carol@" + DOMAIN);
    for (int guess = 0; guess < 6; guess++) {
      RawResponse challenge = RawResponse.post("127.0.0.2", null, "");
      assertEquals(401, challenge.status());
      String wrong =
          Digest.answer(
              challenge.header("WWW-Authenticate"), "POST", "/ccmp", "carol", "guess" + guess, 1);
      assertEquals("guess " + guess, 401, RawResponse.post("127.0.0.2", wrong, list).status());
    }
    // Five guesses are free; the sixth made the source wait.
    RawResponse waiting = RawResponse.post("127.0.0.2", null, list);
    assertEquals("nothing from there is checked while it waits", 429, waiting.status());
    assertTrue(Integer.parseInt(waiting.header("Retry-After")) >= 1);

    // Another source is not held up, but carol's account waits too, even for the right password.
    CcmpHttp carol = server.ccmp().withDigest("carol", "secret");
    assertEquals(401, carol.post(list).statusCode());
    assertEquals(200, alice.post(list.replace("carol", "alice")).statusCode());
    // The waits are short at first: carol gets in a moment later.
    Await.until(
        "carol's account to be checked again",
        Duration.ofSeconds(10),
        () -> server.ccmp().withDigest("carol", "secret").post(list).statusCode(),
        status -> status == 200);
  }

  /** An HTTP/1.1 exchange from a chosen local address (Java's HttpClient cannot bind one). */
  private record RawResponse(int status, Map<String, String> headers) {

    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    static RawResponse post(String from, String authorization, String body) throws Exception {
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.bind(new java.net.InetSocketAddress(from, 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
        socket.setSoTimeout(20_000);
        byte[] content = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String head =
            "POST /ccmp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + CcmpHttp.CCMP_TYPE
                + "\r\nContent-Length: "
                + content.length
                + "\r\nConnection: close\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "\r\n";
        socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().write(content);
        socket.getOutputStream().flush();
        String response =
            new String(
                socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String[] lines = response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n");
        Map<String, String> headers = new java.util.HashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          headers.putIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
        return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers);
      }
    }
  }

  /** The local addresses (hex, as the kernel writes them) listening on a TCP port. */
  private static List<String> listening(int port) throws Exception {
    List<String> addresses = new ArrayList<>();
    String hexPort = String.format("%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] columns = line.trim().split("\\s+");
        if (columns.length > 3 && columns[3].equals("0A") && columns[1].endsWith(":" + hexPort)) {
          addresses.add(columns[1].substring(0, columns[1].indexOf(':')));
        }
      }
    }
    return addresses;
  }

  /** A conference of alice's, cloned from the audio room, protected by a password if given. */
  private static String conference(String password) throws Exception {
    String created =
        send(alice, ALICE, "conf", fields(AUDIO_ROOM, "create", null, "<ccmp:confRequest/>"));
    assertEquals(created, 200, CcmpHttp.responseCode(created));
    String conference = CcmpHttp.field(created, "confObjID");
    if (password != null) {
      String sip = "sip:" + conference.substring("xcon:".length());
      String updated =
          send(
              alice,
              ALICE,
              "conf",
              fields(
                  conference,
                  "update",
                  null,
                  "<ccmp:confRequest><confInfo entity=\""
                      + conference
                      + "\"><info:conference-description><info:conf-uris><info:entry><info:uri>"
                      + sip
                      + "</info:uri><xcon:conference-password>"
                      + password
                      + "</xcon:conference-password></info:entry></info:conf-uris>"
                      + "</info:conference-description></confInfo></ccmp:confRequest>"));
      assertEquals(updated, 200, CcmpHttp.responseCode(updated));
    }
    return conference;
  }

  /** Alice adds a user to her conference. */
  private static void join(String user, String conference, String password) throws Exception {
    String added = send(alice, ALICE, "user", userFields(conference, "create", user, "", password));
    assertEquals(added, 200, CcmpHttp.responseCode(added));
  }

  private static String retrieve(CcmpHttp client, String sender, String conference, String password)
      throws Exception {
    return send(
        client, sender, "conf", fields(conference, "retrieve", password, "<ccmp:confRequest/>"));
  }

  /** The confsResponse to a confsRequest with this filter (null: none). */
  private static String confsRequest(CcmpHttp client, String sender, String filter)
      throws Exception {
    return send(
        client,
        sender,
        "confs",
        filter == null
            ? "<ccmp:confsRequest/>"
            : "<ccmp:confsRequest><xpathFilter>"
                + filter.replace("'", "&apos;")
                + "</xpathFilter></ccmp:confsRequest>");
  }

  private static String confs(CcmpHttp client, String sender, String filter) throws Exception {
    String listed = confsRequest(client, sender, filter);
    assertEquals(listed, 200, CcmpHttp.responseCode(listed));
    return listed;
  }

  private static String userFields(
      String conference, String operation, String entity, String content, String password) {
    return fields(
        conference,
        operation,
        password,
        "<ccmp:userRequest><userInfo entity=\""
            + entity
            + "\">"
            + content
            + "</userInfo></ccmp:userRequest>");
  }

  /** The request fields in the schema's order; operation and password left out when null. */
  private static String fields(
      String conference, String operation, String password, String message) {
    return "<confObjID>"
        + conference
        + "</confObjID>"
        + (operation == null ? "" : "<operation>" + operation + "</operation>")
        + (password == null ? "" : "<conference-password>" + password + "</conference-password>")
        + message;
  }

  private static String send(CcmpHttp client, String sender, String type, String fields)
      throws Exception {
    HttpResponse<String> response =
        client.post(
            CcmpHttp.request(PUBLISHED, "ccmp-" + type + "-request-message-type", fields, sender));
    assertEquals(response.body(), 200, response.statusCode());
    CcmpHttp.assertValidCcmp(response.body());
    return response.body();
  }

  private static HttpRequest post(String authorization, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/ccmp"))
            .header("Content-Type", CcmpHttp.CCMP_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }
}
