package io.xconf.store.sqlite.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SqliteConferenceStoreTest {

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private static StoredObject object(String uri, long version) {
    Instant now = Instant.ofEpochMilli(1_700_000_000_000L + version);
    byte[] document =
        ("<conference-info version=\"" + version + "\"/>").getBytes(StandardCharsets.UTF_8);
    return new StoredObject(
        uri,
        "CONFERENCE",
        version == 1 ? null : "xcon:p@x",
        version,
        "xcon-userid:a@x",
        "sip:c@x",
        document,
        now,
        now);
  }

  private SqliteConferenceStore open(Path file) throws Exception {
    return SqliteConferenceStore.open(file, "FULL", 512);
  }

  private static Map<String, StoredObject> all(SqliteConferenceStore store) throws Exception {
    Map<String, StoredObject> objects = new HashMap<>();
    store.loadAll(object -> objects.put(object.uri(), object));
    return objects;
  }

  private static void await(CompletableFuture<Void> write) throws Exception {
    write.get(30, TimeUnit.SECONDS);
  }

  @Test
  public void keepsWhatWasWrittenAcrossReopening() throws Exception {
    Path file = temp.getRoot().toPath().resolve("c.db");
    SqliteConferenceStore store = open(file);
    await(
        store
            .write(
                List.of(
                    new StoreWrite.Put(object("xcon:a@x", 1)),
                    new StoreWrite.Put(object("xcon:b@x", 1))))
            .toCompletableFuture());
    await(
        store
            .write(
                List.of(
                    new StoreWrite.Put(object("xcon:a@x", 2)), new StoreWrite.Delete("xcon:b@x")))
            .toCompletableFuture());
    store.close();

    SqliteConferenceStore reopened = open(file);
    Map<String, StoredObject> objects = all(reopened);
    assertEquals(1, objects.size());
    StoredObject a = objects.get("xcon:a@x");
    assertEquals(2, a.version());
    assertEquals("xcon:p@x", a.parentUri());
    assertArrayEquals(object("xcon:a@x", 2).document(), a.document());
    assertEquals(object("xcon:a@x", 2).modified(), a.modified());
    reopened.close();
  }

  @Test
  public void storesNullableColumnsAsNull() throws Exception {
    SqliteConferenceStore store = open(temp.getRoot().toPath().resolve("c.db"));
    Instant now = Instant.now();
    StoredObject bare =
        new StoredObject(
            "xcon:z@x", "CONFERENCE", null, 1, null, null, new byte[] {'<', '/', '>'}, now, now);
    await(store.write(List.of(new StoreWrite.Put(bare))).toCompletableFuture());
    StoredObject read = all(store).get("xcon:z@x");
    assertNull(read.parentUri());
    assertNull(read.owner());
    assertNull(read.sipUri());
    store.close();
  }

  @Test
  public void concurrentWritersShareCommits() throws Exception {
    Path file = temp.getRoot().toPath().resolve("c.db");
    SqliteConferenceStore store = open(file);
    int clients = 8;
    int writesEach = 100;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < writesEach; i++) {
                  await(
                      store
                          .write(
                              List.of(
                                  new StoreWrite.Put(
                                      object("xcon:c" + client + "n" + i + "@x", 1))))
                          .toCompletableFuture());
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(
        "group commit: " + store.commits() + " commits for " + clients * writesEach + " writes",
        store.commits() < clients * writesEach);
    store.close();
    SqliteConferenceStore reopened = open(file);
    assertEquals(clients * writesEach, all(reopened).size());
    reopened.close();
  }

  @Test
  public void refusesWritesOnceClosed() throws Exception {
    SqliteConferenceStore store = open(temp.getRoot().toPath().resolve("c.db"));
    store.close();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                await(
                    store.write(List.of(new StoreWrite.Delete("xcon:a@x"))).toCompletableFuture()));
    assertTrue(e.getCause().getMessage().contains("closed"));
  }
}
