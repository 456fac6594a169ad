package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@code bin/xconf list|show|create|delete|roster|mute|unmute|kick|dial} against the packed
 * distribution, with sipp phones that the conference calls in: the round trip a script makes.
 */
public class CommandLineIT {

  private static final String DOMAIN = "cli.example.net";

  private static Path work;
  private static XconfServer server;

  @BeforeClass
  public static void start() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    work = Path.of(System.getProperty("xconf.work"), "servers", "cli");
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment("XCONF_RTP_PORT_MIN", "47400")
            .withEnvironment("XCONF_RTP_PORT_MAX", "47499");
    assertEquals(0, server.userWithInput("secret\n", "add", "alice").exitCode());
    assertEquals(0, server.userWithInput("bobpw\n", "add", "bob").exitCode());
    server.start();
  }

  @AfterClass
  public static void stop() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  @Test
  public void aScriptCreatesDialsMutesKicksAndDeletes() throws Exception {
    int firstPort = FreePorts.next();
    int secondPort = FreePorts.next();
    try (Sipp first = Sipp.answer(work.resolve("first"), firstPort, FreePorts.next());
        Sipp second = Sipp.answer(work.resolve("second"), secondPort, FreePorts.next())) {
      String firstUri = "sip:first@127.0.0.1:" + firstPort;
      String secondUri = "sip:second@127.0.0.1:" + secondPort;

      Run created =
          xconf(
              "alice",
              "secret",
              "create",
              "--title",
              "Stand-up & co",
              "--invite",
              firstUri,
              "--json");
      assertEquals(created.toString(), 0, created.status());
      String conference = jsonField(created.out(), "conference");
      assertTrue(
          created.out(), conference.startsWith("xcon:") && conference.endsWith("@" + DOMAIN));
      assertTrue(created.out(), created.out().contains("\"title\":\"Stand-up & co\""));
      String id = conference.substring("xcon:".length(), conference.indexOf('@'));

      Run list = xconf("alice", "secret", "list");
      assertEquals(list.toString(), 0, list.status());
      assertTrue(
          list.out(), list.out().contains(conference) && list.out().contains("Stand-up & co"));

      Run show = xconf("alice", "secret", "show", id);
      assertEquals(show.toString(), 0, show.status());
      assertTrue(show.out(), show.out().contains("sip:" + id + "@" + DOMAIN));

      awaitRoster(conference, firstUri, "connected");
      Run dialled = xconf("alice", "secret", "dial", id, secondUri);
      assertEquals(dialled.toString(), 0, dialled.status());
      awaitRoster(conference, secondUri, "connected");
      // The first call stays up while the second is called in.
      awaitRoster(conference, firstUri, "connected");

      Run muted = xconf("alice", "secret", "mute", conference, secondUri);
      assertEquals(muted.toString(), 0, muted.status());
      awaitRoster(conference, secondUri, "muted-via-focus");
      Run unmuted = xconf("alice", "secret", "unmute", conference, secondUri);
      assertEquals(unmuted.toString(), 0, unmuted.status());
      awaitRoster(conference, secondUri, "connected");

      // Bob manages nothing here: CCMP refuses him, and so does the command.
      Run stranger = xconf("bob", "bobpw", "kick", conference, secondUri);
      assertEquals(stranger.toString(), 1, stranger.status());
      assertTrue(stranger.toString(), stranger.err().startsWith("xconf: 4"));
      Run wrongPassword = xconf("alice", "guess", "list");
      assertEquals(wrongPassword.toString(), 1, wrongPassword.status());

      Run kicked = xconf("alice", "secret", "kick", conference, secondUri);
      assertEquals(kicked.toString(), 0, kicked.status());
      assertEquals("the kicked phone got its BYE", 0, second.await(20));
      Run roster = xconf("alice", "secret", "roster", conference, "--json");
      assertFalse(roster.out(), roster.out().contains(secondUri + "\",\"status\":\"connected"));

      Run deleted = xconf("alice", "secret", "delete", id);
      assertEquals(deleted.toString(), 0, deleted.status());
      assertEquals("the first phone got its BYE with the deletion", 0, first.await(20));
      assertFalse(xconf("alice", "secret", "list").out().contains(conference));
    }
  }

  @Test
  public void aModeratorLetsOneWaitingCallerInAndTurnsAnotherAway() throws Exception {
    Conferences alice = server.conferencesOf("alice", "secret");
    String conference =
        alice.created("<info:users><xcon:join-handling>confirm</xcon:join-handling></info:users>");
    try (Sipp welcome =
            Sipp.call(
                work.resolve("welcome"),
                "uac",
                server.sipPort(),
                Conferences.idOf(conference),
                FreePorts.next(),
                "-d",
                "2000");
        Sipp unwelcome =
            Sipp.call(
                work.resolve("unwelcome"),
                "uac",
                server.sipPort(),
                Conferences.idOf(conference),
                FreePorts.next())) {
      awaitRoster(conference, welcome.address(), "dialing-in");
      awaitRoster(conference, unwelcome.address(), "dialing-in");
      Run admitted = xconf("alice", "secret", "admit", conference, welcome.address());
      assertEquals(admitted.toString(), 0, admitted.status());
      awaitRoster(conference, welcome.address(), "connected");
      Run denied = xconf("alice", "secret", "deny", conference, unwelcome.address());
      assertEquals(denied.toString(), 0, denied.status());
      assertTrue(unwelcome.log(), unwelcome.await(20) != 0 && unwelcome.log().contains("403"));
      assertEquals(welcome.log(), 0, welcome.await(30));
    }
  }

  @Test
  public void aPasswordProtectedConferenceWantsItsPassword() throws Exception {
    Run created = xconf("alice", "secret", "create", "--title", "Board", "--json");
    String conference = jsonField(created.out(), "conference");
    server.conferencesOf("alice", "secret").protect(conference, "s3same");
    Run without = xconf("alice", "secret", "show", conference);
    assertEquals(without.toString(), 1, without.status());
    assertTrue(without.err(), without.err().startsWith("xconf: 423"));
    Run with =
        xconf(Map.of("XCONF_CONFERENCE_PASSWORD", "s3same"), "alice", "secret", "show", conference);
    assertEquals(with.toString(), 0, with.status());
    assertTrue(with.out(), with.out().contains("title       Board"));
    Run locked =
        xconf(Map.of("XCONF_CONFERENCE_PASSWORD", "s3same"), "alice", "secret", "lock", conference);
    assertEquals(locked.toString(), 0, locked.status());
  }

  @Test
  public void aScheduledConferenceFromABlueprintAndHelpfulRefusals() throws Exception {
    Instant start =
        Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Run created =
        xconf(
            "alice",
            "secret",
            "create",
            "--blueprint",
            "audio-room",
            "--title",
            "Tomorrow",
            "--start",
            start.toString(),
            "--end",
            start.plus(Duration.ofHours(1)).toString());
    assertEquals(created.toString(), 0, created.status());
    assertTrue(created.out(), created.out().contains("title       Tomorrow"));

    Run unknown = xconf("alice", "secret", "show", "no-such-conference");
    assertEquals(unknown.toString(), 1, unknown.status());
    assertTrue(unknown.err(), unknown.err().startsWith("xconf: 404"));
    Run noCommand = xconf("alice", "secret", "mute", "only-one-argument");
    assertEquals(2, noCommand.status());
    assertTrue(noCommand.err(), noCommand.err().contains("usage: xconf"));
    Run badTime = xconf("alice", "secret", "create", "--start", "tomorrow");
    assertEquals(2, badTime.status());
    assertTrue(badTime.err(), badTime.err().contains("not a time"));
  }

  // ----- helpers -----

  private record Run(int status, String out, String err) {}

  private static Run xconf(String user, String password, String... args) throws Exception {
    return xconf(Map.of(), user, password, args);
  }

  private static Run xconf(
      Map<String, String> extraEnvironment, String user, String password, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(XconfServer.home().resolve("bin/xconf").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("--user", user));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.putAll(server.environment());
    env.put("XCONF_PASSWORD", password);
    env.putAll(extraEnvironment);
    Path out = work.resolve("cli-out.txt");
    Path err = work.resolve("cli-err.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/xconf " + List.of(args) + " did not end");
    }
    return new Run(process.exitValue(), read(out), read(err));
  }

  private static String read(Path file) throws IOException {
    return java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void awaitRoster(String conference, String endpoint, String status) {
    Await.until(
        endpoint + " " + status,
        Duration.ofSeconds(20),
        () -> xconf("alice", "secret", "roster", conference, "--json").out(),
        roster ->
            roster.contains("\"endpoint\":\"" + endpoint + "\",\"status\":\"" + status + "\""));
  }

  private static String jsonField(String json, String name) {
    Matcher field = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    assertTrue(json, field.find());
    return field.group(1);
  }
}
