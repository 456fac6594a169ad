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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
      or asked on the terminal; a password-protected conference's: XCONF_CONFERENCE_PASSWORD.
      The server: --url, else http://127.0.0.1:$XCONF_HTTP_PORT/ccmp (8080), domain XCONF_DOMAIN
      (localhost).
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

  /** The command line, read left to right: {@code --} ends the options. */
  record Arguments(
      List<String> words, Map<String, List<String>> options, boolean json, boolean help) {

    private static final Set<String> WITH_VALUE =
        Set.of("--user", "--url", "--blueprint", "--title", "--start", "--end", "--invite");

    static Arguments parse(String[] arguments) {
      List<String> words = new ArrayList<>();
      Map<String, List<String>> options = new LinkedHashMap<>();
      boolean json = false;
      boolean help = false;
      boolean optionsOver = false;
      for (int i = 0; i < arguments.length; i++) {
        String argument = arguments[i];
        if (optionsOver || !argument.startsWith("-")) {
          words.add(argument);
        } else if (argument.equals("--")) {
          optionsOver = true;
        } else if (argument.equals("--json")) {
          json = true;
        } else if (argument.equals("--help") || argument.equals("-h")) {
          help = true;
        } else if (WITH_VALUE.contains(argument)) {
          if (i + 1 >= arguments.length) {
            throw new IllegalArgumentException(argument + " needs a value");
          }
          options.computeIfAbsent(argument, name -> new ArrayList<>()).add(arguments[++i]);
        } else {
          throw new IllegalArgumentException("no option " + argument);
        }
      }
      return new Arguments(words, options, json, help);
    }

    String option(String name) {
      List<String> values = options.getOrDefault(name, List.of());
      if (values.size() > 1) {
        throw new IllegalArgumentException(name + " given twice");
      }
      return values.isEmpty() ? null : values.get(0);
    }
  }

  static int run(
      String[] arguments,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Console console) {
    Arguments args;
    try {
      args = Arguments.parse(arguments);
    } catch (IllegalArgumentException e) {
      err.println("xconf: " + e.getMessage());
      return 2;
    }
    if (args.help() || args.words().isEmpty()) {
      (args.help() ? out : err).print(USAGE);
      return args.help() ? 0 : 2;
    }
    try {
      String user = args.option("--user") != null ? args.option("--user") : env.get("XCONF_USER");
      if (user == null || user.isBlank()) {
        err.println("xconf: which account? --user NAME or XCONF_USER");
        return 2;
      }
      String url =
          args.option("--url") != null
              ? args.option("--url")
              : "http://127.0.0.1:" + env.getOrDefault("XCONF_HTTP_PORT", "8080") + "/ccmp";
      URI endpoint = URI.create(url);
      char[] password;
      if (env.get("XCONF_PASSWORD") != null) {
        password = env.get("XCONF_PASSWORD").toCharArray();
      } else if (console != null) {
        password = console.readPassword("password of %s: ", user);
      } else {
        err.println("xconf: no password: set XCONF_PASSWORD or run in a terminal");
        return 2;
      }
      if (password == null) {
        err.println("xconf: no password given");
        return 2;
      }
      String domain = env.getOrDefault("XCONF_DOMAIN", "localhost");
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      ConferenceCommands commands =
          new ConferenceCommands(
              new HttpCcmp(client, endpoint, user, password),
              "xcon-userid:" + user + "@" + domain,
              domain,
              args.json(),
              env.get("XCONF_CONFERENCE_PASSWORD"));
      ConferenceCommands.Result result;
      try {
        result = execute(commands, args);
      } catch (IOException e) {
        err.println("xconf: " + url + ": " + e.getMessage());
        return 1;
      }
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
    }
  }

  /** Runs the command the arguments name; null when they make no command. */
  static ConferenceCommands.Result execute(ConferenceCommands commands, Arguments args)
      throws IOException {
    List<String> words = args.words();
    String command = words.get(0);
    boolean creationOptions =
        args.options().keySet().stream()
            .anyMatch(name -> !name.equals("--user") && !name.equals("--url"));
    if (command.equals("create")) {
      return words.size() == 1 ? commands.create(creation(args)) : null;
    }
    if (creationOptions) {
      throw new IllegalArgumentException(
          "--blueprint, --title, --start, --end and --invite are for create");
    }
    if (command.equals("list")) {
      return words.size() == 1 ? commands.list() : null;
    }
    if (words.size() < 2) {
      return null;
    }
    String conference = words.get(1);
    int size = words.size();
    return switch (command) {
      case "show" -> size == 2 ? commands.show(conference) : null;
      case "delete" -> size == 2 ? commands.delete(conference) : null;
      case "roster" -> size == 2 ? commands.roster(conference) : null;
      case "lock" -> size == 2 ? commands.lock(conference, true) : null;
      case "unlock" -> size == 2 ? commands.lock(conference, false) : null;
      case "mute" -> size == 3 ? commands.mute(conference, words.get(2), true) : null;
      case "unmute" -> size == 3 ? commands.mute(conference, words.get(2), false) : null;
      case "kick" -> size == 3 ? commands.kick(conference, words.get(2)) : null;
      case "dial" -> size == 3 ? commands.dial(conference, words.get(2)) : null;
      case "admit" -> size == 3 ? commands.admit(conference, words.get(2), true) : null;
      case "deny" -> size == 3 ? commands.admit(conference, words.get(2), false) : null;
      default -> null;
    };
  }

  private static ConferenceCommands.Creation creation(Arguments args) {
    String start = args.option("--start");
    String end = args.option("--end");
    if (end != null && start == null) {
      throw new IllegalArgumentException("--end needs --start");
    }
    return new ConferenceCommands.Creation(
        args.option("--blueprint"),
        args.option("--title"),
        time(start),
        time(end),
        args.options().getOrDefault("--invite", List.of()));
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
}
