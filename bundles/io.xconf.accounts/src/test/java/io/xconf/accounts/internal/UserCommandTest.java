package io.xconf.accounts.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.Account;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.server.ServerIdentity;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class UserCommandTest {

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private Path etc;
  private Path data;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Before
  public void createInstallation() throws Exception {
    etc = temp.newFolder("etc").toPath();
    data = temp.newFolder("data").toPath();
    Files.writeString(etc.resolve("io.xconf.server.cfg"), "domain = example.org\n");
  }

  private int run(String stdin, String... args) {
    out.reset();
    err.reset();
    String[] full = new String[args.length + 4];
    full[0] = "--etc";
    full[1] = etc.toString();
    full[2] = "--data";
    full[3] = data.toString();
    System.arraycopy(args, 0, full, 4, args.length);
    UserCommand command =
        new UserCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new BufferedReader(new StringReader(stdin)),
            new PasswordHasher(1_000));
    return command.run(full);
  }

  private final java.util.concurrent.atomic.AtomicLong now =
      new java.util.concurrent.atomic.AtomicLong(1_000_000);

  private FileAccountDirectory directory() {
    Path state = data.resolve("xconf");
    return new FileAccountDirectory(
        new ServerIdentity() {
          @Override
          public String domain() {
            return "example.org";
          }

          @Override
          public Path stateDirectory() {
            return state;
          }
        },
        0,
        now::get);
  }

  @Test
  public void guessesMakeTheNameWaitAndUnknownNamesCountToo() {
    run("", "user", "add", "erin", "right");
    FileAccountDirectory directory = directory();
    for (int guess = 0; guess < 6; guess++) {
      assertTrue(directory.authenticate("erin", "guess" + guess).isEmpty());
    }
    assertTrue(
        "the right password is not even checked while the name waits",
        directory.authenticate("erin", "right").isEmpty());
    assertTrue(directory.loginThrottle().waitMillis("erin") > 0);
    now.addAndGet(1_000);
    assertTrue(directory.authenticate("erin", "right").isPresent());
    assertEquals("a success clears the name", 0, directory.loginThrottle().waitMillis("erin"));

    for (int guess = 0; guess < 6; guess++) {
      assertTrue(directory.authenticate("nobody", "guess" + guess).isEmpty());
    }
    assertTrue(
        "a name that does not exist waits as one that does",
        directory.loginThrottle().waitMillis("nobody") > 0);
  }

  @Test
  public void addedUserCanAuthenticateWithTheServersDirectory() {
    assertEquals(UserCommand.OK, run("", "user", "add", "alice", "secret"));
    assertEquals(
        "added alice\txcon-userid:alice@example.org\n", out.toString(StandardCharsets.UTF_8));

    FileAccountDirectory directory = directory();
    Account alice = directory.authenticate("alice", "secret").orElseThrow();
    assertEquals("xcon-userid:alice@example.org", alice.userId());
    assertFalse(alice.administrator());
    assertTrue(directory.authenticate("alice", "wrong").isEmpty());
    assertEquals(alice, directory.byUserId("xcon-userid:alice@example.org").orElseThrow());
    assertEquals(
        PasswordHasher.digestHa1(DigestAlgorithm.MD5, "alice", "example.org", "secret"),
        directory.digestHa1("alice", "example.org", DigestAlgorithm.MD5).orElseThrow());
    assertTrue(directory.digestHa1("alice", "other.realm", DigestAlgorithm.MD5).isEmpty());
  }

  @Test
  public void runningDirectorySeesChangesMadeByTheCommand() {
    FileAccountDirectory directory = directory();
    assertTrue(directory.all().isEmpty());
    run("", "user", "add", "bob", "pw", "--admin", "--uri", "sip:bob@example.org");
    Account bob = directory.byName("bob").orElseThrow();
    assertTrue(bob.administrator());
    assertEquals(List.of("sip:bob@example.org"), bob.uris());
    assertEquals(bob, directory.byUri("sip:bob@Example.ORG;transport=udp").orElseThrow());
    assertTrue(directory.byUri("sip:carol@example.org").isEmpty());
    run("", "user", "remove", "bob");
    assertTrue(directory.byName("bob").isEmpty());
  }

  @Test
  public void aRememberedPasswordStopsWorkingWhenTheAccountChanges() {
    run("", "user", "add", "dana", "first");
    FileAccountDirectory directory = directory();
    assertTrue(directory.authenticate("dana", "first").isPresent());
    assertTrue("remembered", directory.authenticate("dana", "first").isPresent());
    run("", "user", "remove", "dana");
    run("", "user", "add", "dana", "second");
    assertTrue(directory.authenticate("dana", "first").isEmpty());
    assertTrue(directory.authenticate("dana", "second").isPresent());
  }

  @Test
  public void readsThePasswordFromStandardInputWhenNotGiven() {
    assertEquals(UserCommand.OK, run("from-stdin\n", "user", "add", "carol"));
    assertTrue(directory().authenticate("carol", "from-stdin").isPresent());
  }

  @Test
  public void listsAccountsInNameOrder() {
    run("", "user", "add", "zoe", "pw");
    run("", "user", "add", "adam", "pw", "--admin");
    assertEquals(UserCommand.OK, run("", "user", "list"));
    assertEquals(
        "adam\txcon-userid:adam@example.org\tadmin\nzoe\txcon-userid:zoe@example.org\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  public void refusesDuplicatesUnknownNamesAndBadInput() {
    assertEquals(UserCommand.OK, run("", "user", "add", "alice", "one"));
    assertEquals(UserCommand.FAILED, run("", "user", "add", "alice", "two"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("exists already"));
    assertTrue(
        "the first password still works", directory().authenticate("alice", "one").isPresent());

    assertEquals(UserCommand.FAILED, run("", "user", "remove", "nobody"));
    assertEquals(UserCommand.FAILED, run("", "user", "add", "bad name", "pw"));
    assertEquals(UserCommand.FAILED, run("", "user", "add", "x@y", "pw"));
    assertEquals(UserCommand.FAILED, run("", "user", "add", "dave", ""));
    assertEquals(UserCommand.FAILED, run("", "user", "add", "dave", "pw", "--uri", "http://x"));
    assertEquals(UserCommand.USAGE, run("", "user", "frobnicate"));
    assertEquals(UserCommand.USAGE, run("", "user", "add"));
    assertEquals(UserCommand.USAGE, run("", "user", "list", "extra"));
    assertEquals(UserCommand.USAGE, run(""));
  }

  @Test
  public void resolvesTheDomainAsKarafDoes() throws Exception {
    Files.writeString(
        etc.resolve("io.xconf.server.cfg"),
        "domain = ${env:XCONF_TEST_UNSET_VARIABLE:-conf.example.net}\n"
            + "stateDirectory = ${karaf.data}/elsewhere\n");
    assertEquals(UserCommand.OK, run("", "user", "add", "erin", "pw"));
    assertEquals(
        "added erin\txcon-userid:erin@conf.example.net\n", out.toString(StandardCharsets.UTF_8));
    assertTrue(Files.exists(data.resolve("elsewhere").resolve(AccountFile.FILE_NAME)));
  }
}
