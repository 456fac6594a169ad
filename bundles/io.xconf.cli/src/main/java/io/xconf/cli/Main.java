package io.xconf.cli;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/xconf list|show|create|delete|roster|mute|unmute|kick|dial}: a running server's
 * conferences over CCMP, as the account named by {@code --user} (or XCONF_USER), whose password
 * comes from XCONF_PASSWORD or the terminal, never from the command line (it would show in ps and
 * in the shell's history).
 */
public final class Main {

  static final String USAGE =
      """
      usage: xconf COMMAND [--json] [--user NAME] [--url URL] ...
        list                          the conferences you manage (administrators: all)
        show CONF                     title, SIP URI, version, users
        create [--blueprint NAME] [--title TEXT] [--start TIME] [--end TIME] [--invite URI]...
                                      a conference (TIME: 2026-12-08T09:00:00Z or local 2026-12-08T09:00;
                                      invitees are called when it starts)
        delete CONF
        roster CONF                   users, their endpoints and calls
        mute CONF ENDPOINT            mute (unmute) what an endpoint sends into the mix
        unmute CONF ENDPOINT
        kick CONF USER|ENDPOINT       remove a user from the conference, hanging up its calls
        dial CONF SIP-URI             have the conference call someone in
        lock CONF, unlock CONF        refuse new callers (join-handling block), or let them in (allow)
        admit CONF USER|ENDPOINT      let a caller waiting for a moderator in
        deny CONF ENDPOINT            turn a waiting caller away
      CONF is an XCON-URI or its id. The account: --user or XCONF_USER; its password: XCONF_PASSWORD
      or asked on the terminal. The server: --url, else http://127.0.0.1:$XCONF_HTTP_PORT/ccmp
      (8080), domain XCONF_DOMAIN (localhost).
      """;

  private Main() {}

  public static void main(String[] args) {
    // UTF-8 whatever the terminal's locale says: titles and names print as they are.
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.exit(run(args, System.getenv(), out, err, System.console()));
  }

  static int run(
      String[] arguments,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Console console) {
    List<String> args = new ArrayList<>(List.of(arguments));
    boolean json = args.remove("--json");
    String user;
    String url;
    try {
      user = option(args, "--user", env.get("XCONF_USER"));
      url =
          option(
              args,
              "--url",
              "http://127.0.0.1:" + env.getOrDefault("XCONF_HTTP_PORT", "8080") + "/ccmp");
    } catch (IllegalArgumentException e) {
      err.println("xconf: " + e.getMessage());
      return 2;
    }
    String domain = env.getOrDefault("XCONF_DOMAIN", "localhost");
    if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    if (user == null || user.isBlank()) {
      err.println("xconf: which account? --user NAME or XCONF_USER");
      return 2;
    }
    char[] password;
    if (env.get("XCONF_PASSWORD") != null) {
      password = env.get("XCONF_PASSWORD").toCharArray();
    } else if (console != null) {
      password = console.readPassword("password of %s: ", user);
    } else {
      err.println("xconf: no password: set XCONF_PASSWORD or run in a terminal");
      return 2;
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    CcmpTransport ccmp = new HttpCcmp(client, URI.create(url), user, password);
    ConferenceCommands commands =
        new ConferenceCommands(ccmp, "xcon-userid:" + user + "@" + domain, domain, json);
    try {
      ConferenceCommands.Result result = execute(commands, args);
      if (result == null) {
        err.print(USAGE);
        return 2;
      }
      String output = result.output();
      (result.status() == 0 ? out : err).print(output.endsWith("\n") ? output : output + "\n");
      return result.status();
    } catch (IllegalArgumentException e) {
      err.println("xconf: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("xconf: " + url + ": " + e.getMessage());
      return 1;
    }
  }

  /** Runs the command in {@code args}; null when they make no command. */
  static ConferenceCommands.Result execute(ConferenceCommands commands, List<String> args)
      throws IOException {
    String command = args.remove(0);
    switch (command) {
      case "list":
        return args.isEmpty() ? commands.list() : null;
      case "create":
        return commands.create(creation(args));
      default:
        break;
    }
    if (args.isEmpty()) {
      return null;
    }
    String conference = args.get(0);
    return switch (command) {
      case "show" -> args.size() == 1 ? commands.show(conference) : null;
      case "delete" -> args.size() == 1 ? commands.delete(conference) : null;
      case "roster" -> args.size() == 1 ? commands.roster(conference) : null;
      case "mute" -> args.size() == 2 ? commands.mute(conference, args.get(1), true) : null;
      case "unmute" -> args.size() == 2 ? commands.mute(conference, args.get(1), false) : null;
      case "kick" -> args.size() == 2 ? commands.kick(conference, args.get(1)) : null;
      case "dial" -> args.size() == 2 ? commands.dial(conference, args.get(1)) : null;
      case "lock" -> args.size() == 1 ? commands.lock(conference, true) : null;
      case "unlock" -> args.size() == 1 ? commands.lock(conference, false) : null;
      case "admit" -> args.size() == 2 ? commands.admit(conference, args.get(1), true) : null;
      case "deny" -> args.size() == 2 ? commands.admit(conference, args.get(1), false) : null;
      default -> null;
    };
  }

  private static ConferenceCommands.Creation creation(List<String> args) {
    String blueprint = option(args, "--blueprint", null);
    String title = option(args, "--title", null);
    String start = option(args, "--start", null);
    String end = option(args, "--end", null);
    List<String> invitees = new ArrayList<>();
    for (String invitee; (invitee = option(args, "--invite", null)) != null; ) {
      invitees.add(invitee);
    }
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("create does not take " + args);
    }
    if (end != null && start == null) {
      throw new IllegalArgumentException("--end needs --start");
    }
    return new ConferenceCommands.Creation(blueprint, title, time(start), time(end), invitees);
  }

  /** An instant (2026-12-08T09:00:00Z), or a local date and time in this machine's zone. */
  public static Instant time(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
      } catch (DateTimeParseException again) {
        throw new IllegalArgumentException(
            "not a time: " + text + " (2026-12-08T09:00:00Z or 2026-12-08T09:00)");
      }
    }
  }

  /** Removes {@code name VALUE} from {@code args} and returns VALUE, or {@code absent}. */
  private static String option(List<String> args, String name, String absent) {
    int at = args.indexOf(name);
    if (at < 0) {
      return absent;
    }
    if (at + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    args.remove(at);
    return args.remove(at);
  }
}
