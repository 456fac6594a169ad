package io.xconf.accounts.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.DigestAlgorithm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.utils.properties.InterpolationHelper;
import org.apache.felix.utils.properties.Properties;

/**
 * {@code bin/xconf user add|list|remove}: manages accounts whether or not the server runs, by
 * editing the account file the server reads. It resolves the domain and state folder from {@code
 * etc/io.xconf.server.cfg} with Karaf's own interpolation, so both always agree.
 */
public final class UserCommand {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String USAGE_TEXT =
      String.join(
          System.lineSeparator(),
          "usage: xconf user add NAME [PASSWORD] [--admin] [--uri URI]...",
          "       xconf user list",
          "       xconf user remove NAME",
          "       xconf user kamailio-table DIRECTORY",
          "Without PASSWORD, add asks for it on the terminal, or reads the first line of standard",
          "input when there is no terminal. A PASSWORD given on the command line shows in ps and",
          "in the shell's history. kamailio-table writes the accounts' SIP Digest credentials as",
          "Kamailio's auth_db subscriber table (db_text) into DIRECTORY: bin/xconf-kamailio's.");

  private final PrintStream out;
  private final PrintStream err;
  private final BufferedReader in;
  private final PasswordHasher hasher;

  /** Whether a terminal, if there is one, may be asked (the command run by a user, not a test). */
  private final boolean interactive;

  UserCommand(PrintStream out, PrintStream err, BufferedReader in, PasswordHasher hasher) {
    this(out, err, in, hasher, false);
  }

  private UserCommand(
      PrintStream out,
      PrintStream err,
      BufferedReader in,
      PasswordHasher hasher,
      boolean interactive) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.hasher = hasher;
    this.interactive = interactive;
  }

  /**
   * Arguments: {@code --etc DIR --data DIR user <subcommand> ...} (bin/xconf supplies the first
   * four).
   */
  public static void main(String[] args) {
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    UserCommand command =
        new UserCommand(
            System.out,
            System.err,
            stdin,
            new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS),
            true);
    System.exit(command.run(args));
  }

  int run(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    String etc = option(rest, "--etc");
    String data = option(rest, "--data");
    if (etc == null
        || data == null
        || rest.isEmpty()
        || !rest.remove(0).equals("user")
        || rest.isEmpty()) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    try {
      Map<String, String> settings = serverSettings(Paths.get(etc), data);
      // The server takes its domain in lower case (DomainNames): the realm must be the same.
      String domain =
          settings.getOrDefault("domain", "localhost").trim().toLowerCase(java.util.Locale.ROOT);
      String stateDirectory = settings.getOrDefault("stateDirectory", "").trim();
      Path state = stateDirectory.isEmpty() ? Paths.get(data, "xconf") : Paths.get(stateDirectory);
      AccountFile file = new AccountFile(state);
      String ldapUrl =
          settings(Paths.get(etc), data, "io.xconf.accounts").getOrDefault("ldapUrl", "").trim();
      boolean fromLdap = !ldapUrl.isEmpty();
      String verb = rest.remove(0);
      if (fromLdap && !verb.equals("kamailio-table")) {
        err.println(
            "xconf user: the server takes its accounts from the LDAP directory "
                + ldapUrl
                + " (etc/io.xconf.accounts.cfg), not from "
                + file.path());
        if (verb.equals("add")) {
          // An account here would be a way in at Kamailio (its table) that the directory never
          // agreed to: users are added in the directory.
          err.println("xconf user: add users in the directory");
          return FAILED;
        }
      }
      switch (verb) {
        case "add":
          return add(file, domain, rest);
        case "list":
          return rest.isEmpty() ? list(file) : usage();
        case "remove":
          return rest.size() == 1 ? remove(file, rest.get(0)) : usage();
        case "kamailio-table":
          return rest.size() == 1
              ? kamailioTable(fromLdap ? null : file, domain, Paths.get(rest.get(0)))
              : usage();
        default:
          return usage();
      }
    } catch (IOException | IllegalArgumentException e) {
      err.println("xconf user: " + e.getMessage());
      return FAILED;
    }
  }

  private int add(AccountFile file, String domain, List<String> args) throws IOException {
    boolean admin = args.remove("--admin");
    List<String> uris = new ArrayList<>();
    for (String uri = option(args, "--uri"); uri != null; uri = option(args, "--uri")) {
      if (!uri.matches("(sips?|tel):\\S+")) {
        throw new IllegalArgumentException(
            "--uri takes a sip:, sips: or tel: URI, got '" + uri + "'");
      }
      uris.add(uri);
    }
    if (args.isEmpty() || args.size() > 2 || args.stream().anyMatch(a -> a.startsWith("--"))) {
      return usage();
    }
    String name = args.get(0);
    String password;
    if (args.size() == 2) {
      err.println(
          "xconf user: warning: a password on the command line shows in ps and in the shell's"
              + " history; leave it out to be asked for it");
      password = args.get(1);
    } else {
      password = readPassword(name);
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("no password given for " + name);
    }
    StoredAccount stored = StoredAccount.create(hasher, name, password, domain, admin, uris);
    boolean[] existed = {false};
    file.update(
        accounts -> {
          existed[0] = accounts.containsKey(name);
          if (!existed[0]) {
            accounts.put(name, stored);
          }
          return accounts;
        });
    if (existed[0]) {
      err.println("xconf user: an account named '" + name + "' exists already");
      return FAILED;
    }
    out.println("added " + describe(stored.account()));
    return OK;
  }

  /** From the terminal without echo, typed twice; else the first line of standard input. */
  private String readPassword(String name) throws IOException {
    java.io.Console console = System.console();
    if (console == null || !interactive) {
      return in.readLine();
    }
    char[] first = console.readPassword("Password for %s: ", name);
    char[] again = console.readPassword("The same again: ");
    if (first == null || again == null || !java.util.Arrays.equals(first, again)) {
      throw new IllegalArgumentException("the two passwords differ");
    }
    return new String(first);
  }

  private int list(AccountFile file) throws IOException {
    for (StoredAccount stored : file.read().values()) {
      out.println(describe(stored.account()));
    }
    return OK;
  }

  private int remove(AccountFile file, String name) throws IOException {
    boolean[] existed = {false};
    file.update(
        accounts -> {
          existed[0] = accounts.remove(name) != null;
          return accounts;
        });
    if (!existed[0]) {
      err.println("xconf user: no account named '" + name + "'");
      return FAILED;
    }
    out.println("removed " + name);
    return OK;
  }

  /**
   * Kamailio's auth_db {@code subscriber} table in db_text format (with the {@code version} table
   * auth_db checks): each account's name and its MD5 HA1 for the server's domain, so that Kamailio
   * challenges phones with the credentials Xconf takes (Kamailio's stored-HA1 check is MD5 only).
   * Written to a temporary file and moved into place, so Kamailio never reads half a table.
   *
   * @param file the account file, or null when accounts come from LDAP (no HA1 to give)
   */
  private int kamailioTable(AccountFile file, String domain, Path directory) throws IOException {
    StringBuilder table =
        new StringBuilder(
            "id(int,auto) username(string) domain(string) password(string,null) ha1(string)"
                + " ha1b(string,null)\n");
    int id = 0;
    // With accounts from LDAP, the file's are nobody's: the table is empty.
    for (StoredAccount stored : file == null ? List.<StoredAccount>of() : file.read().values()) {
      String ha1 = stored.ha1().get(DigestAlgorithm.MD5);
      if (ha1 == null || !domain.equals(stored.realm())) {
        continue; // made for another domain: it could not log in at this server either
      }
      table
          .append(++id)
          .append(':')
          .append(dbText(stored.account().name()))
          .append(':')
          .append(dbText(domain))
          .append("::")
          .append(ha1)
          .append(":\n");
    }
    Files.createDirectories(directory);
    replace(directory.resolve("version"), "table_name(string) table_version(int)\nsubscriber:7\n");
    replace(directory.resolve("subscriber"), table.toString());
    return OK;
  }

  private static String dbText(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("\n", "\\n");
  }

  private static void replace(Path target, String content) throws IOException {
    Path temporary =
        Files.createTempFile(target.getParent(), target.getFileName().toString(), ".new");
    try {
      Files.writeString(temporary, content, StandardCharsets.UTF_8);
      Files.move(
          temporary,
          target,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private int usage() {
    err.println(USAGE_TEXT);
    return USAGE;
  }

  private static String describe(Account account) {
    StringBuilder line = new StringBuilder(account.name()).append('\t').append(account.userId());
    if (account.administrator()) {
      line.append("\tadmin");
    }
    account.uris().forEach(uri -> line.append('\t').append(uri));
    return line.toString();
  }

  /** Removes {@code name VALUE} from the arguments and returns VALUE, or null when absent. */
  private static String option(List<String> args, String name) {
    int at = args.indexOf(name);
    if (at < 0) {
      return null;
    }
    if (at + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    args.remove(at);
    return args.remove(at);
  }

  /** Reads the server identity configuration as Karaf would: env and system variables resolved. */
  static Map<String, String> serverSettings(Path etc, String karafData) throws IOException {
    return settings(etc, karafData, "io.xconf.server");
  }

  /** Reads the configuration of {@code pid} as Karaf would: env and system variables resolved. */
  static Map<String, String> settings(Path etc, String karafData, String pid) throws IOException {
    Path cfg = etc.resolve(pid + ".cfg");
    Map<String, String> settings = new HashMap<>();
    if (Files.isRegularFile(cfg)) {
      Properties properties = new Properties(false);
      properties.load(cfg.toFile());
      properties.forEach(settings::put);
    }
    System.setProperty("karaf.data", karafData);
    System.setProperty("karaf.etc", etc.toString());
    InterpolationHelper.performSubstitution(
        settings, new InterpolationHelper.BundleContextSubstitutionCallback(null));
    return settings;
  }
}
