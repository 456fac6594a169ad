package io.xconf.accounts.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.xconf.accounts.DigestAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class AccountFileTest {

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private final PasswordHasher hasher = new PasswordHasher(1_000);

  private StoredAccount account(String name, boolean admin, String... uris) {
    return StoredAccount.create(hasher, name, "pw-" + name, "example.com", admin, List.of(uris));
  }

  @Test
  public void noFileMeansNoAccounts() throws IOException {
    assertTrue(new AccountFile(temp.getRoot().toPath()).read().isEmpty());
  }

  @Test
  public void keepsEverythingButTheClearPassword() throws IOException {
    Path state = temp.getRoot().toPath().resolve("state");
    AccountFile file = new AccountFile(state);
    StoredAccount alice = account("alice", true, "sip:alice@example.com", "tel:+4930123");
    file.update(accounts -> Map.of("alice", alice));

    StoredAccount read = new AccountFile(state).read().get("alice");
    assertEquals(alice, read);
    assertEquals("xcon-userid:alice@example.com", read.account().userId());
    assertEquals(List.of("sip:alice@example.com", "tel:+4930123"), read.account().uris());
    assertTrue(read.account().administrator());
    assertEquals(
        PasswordHasher.digestHa1(DigestAlgorithm.SHA_256, "alice", "example.com", "pw-alice"),
        read.ha1().get(DigestAlgorithm.SHA_256));
    String content = Files.readString(file.path());
    assertFalse(content.contains("pw-alice"));
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
  }

  @Test
  public void leavesNoTemporaryFileBehind() throws IOException {
    Path state = temp.getRoot().toPath();
    new AccountFile(state).update(accounts -> Map.of("bob", account("bob", false)));
    try (var files = Files.list(state)) {
      assertEquals(
          List.of("accounts.lock", "accounts.properties"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  public void concurrentWritersLoseNothing() throws Exception {
    Path state = temp.getRoot().toPath();
    StoredAccount template = account("template", false);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Void>> done = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String name = "u" + i;
        done.add(
            pool.submit(
                () -> {
                  // A separate instance per writer, as the server and the command are.
                  new AccountFile(state)
                      .update(
                          accounts -> {
                            accounts.put(name, renamed(template, name));
                            return accounts;
                          });
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(40, new AccountFile(state).read().size());
  }

  @Test
  public void reportsADamagedFile() throws IOException {
    Path state = temp.getRoot().toPath();
    Files.writeString(
        state.resolve(AccountFile.FILE_NAME), "format=1\nalice/userid=xcon-userid:alice@x\n");
    IOException e = assertThrows(IOException.class, () -> new AccountFile(state).read());
    assertTrue(e.getMessage(), e.getMessage().contains("alice/password"));
  }

  private static StoredAccount renamed(StoredAccount template, String name) {
    var account =
        new io.xconf.accounts.Account(
            name, "xcon-userid:" + name + "@example.com", false, List.of());
    return new StoredAccount(account, template.passwordHash(), template.realm(), template.ha1());
  }
}
