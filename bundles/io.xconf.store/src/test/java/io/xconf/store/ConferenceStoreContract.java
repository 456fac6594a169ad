package io.xconf.store;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * What every {@link ConferenceStore} does, whatever its engine: durable atomic batches, expected
 * versions that keep concurrent writers from overwriting each other unseen, and reads. An engine's
 * test extends it and says how to open a store.
 */
public abstract class ConferenceStoreContract {

  private final List<ConferenceStore> opened = new ArrayList<>();

  /** A store over empty storage; called once per test. */
  protected abstract ConferenceStore openEmpty() throws Exception;

  /** A second store over the same storage as the last {@link #openEmpty()}. */
  protected abstract ConferenceStore openAgain() throws Exception;

  protected abstract void close(ConferenceStore store) throws Exception;

  protected final ConferenceStore track(ConferenceStore store) {
    opened.add(store);
    return store;
  }

  @After
  public void closeStores() throws Exception {
    for (ConferenceStore store : opened) {
      close(store);
    }
  }

  protected static StoredObject object(String uri, long version, String parentUri) {
    // Whole milliseconds: engines keep at least those.
    Instant created = Instant.ofEpochMilli(1_700_000_000_000L);
    Instant modified = created.plus(version, ChronoUnit.SECONDS);
    byte[] document =
        ("<conference-info version=\"" + version + "\"/>").getBytes(StandardCharsets.UTF_8);
    return new StoredObject(
        uri,
        "CONFERENCE",
        parentUri,
        version,
        "xcon-userid:a@x",
        "sip:c@x",
        document,
        created,
        modified);
  }

  protected static void write(ConferenceStore store, StoreWrite... writes) throws Exception {
    store.write(List.of(writes)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  protected static Map<String, StoredObject> all(ConferenceStore store) throws Exception {
    Map<String, StoredObject> objects = new HashMap<>();
    store.loadAll(object -> objects.put(object.uri(), object));
    return objects;
  }

  private static StaleWriteException stale(ConferenceStore store, StoreWrite... writes) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> write(store, writes));
    assertTrue(
        "stale, not " + failure.getCause(), failure.getCause() instanceof StaleWriteException);
    return (StaleWriteException) failure.getCause();
  }

  @Test
  public void keepsWhatWasWrittenAcrossReopening() throws Exception {
    ConferenceStore store = openEmpty();
    write(
        store,
        new StoreWrite.Put(object("xcon:a@x", 1, null), StoreWrite.ABSENT),
        new StoreWrite.Put(object("xcon:b@x", 1, null), StoreWrite.ABSENT));
    write(
        store,
        new StoreWrite.Put(object("xcon:a@x", 2, "xcon:p@x"), 1),
        new StoreWrite.Delete("xcon:b@x", 1));
    close(store);

    Map<String, StoredObject> objects = all(track(openAgain()));
    assertEquals(Set.of("xcon:a@x"), objects.keySet());
    StoredObject a = objects.get("xcon:a@x");
    StoredObject written = object("xcon:a@x", 2, "xcon:p@x");
    assertEquals(2, a.version());
    assertEquals("xcon:p@x", a.parentUri());
    assertEquals("xcon-userid:a@x", a.owner());
    assertEquals("sip:c@x", a.sipUri());
    assertArrayEquals(written.document(), a.document());
    assertEquals(written.created(), a.created());
    assertEquals(written.modified(), a.modified());
  }

  @Test
  public void storesNullableColumnsAsNull() throws Exception {
    ConferenceStore store = track(openEmpty());
    Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
    StoredObject bare =
        new StoredObject(
            "xcon:z@x", "CONFERENCE", null, 1, null, null, new byte[] {'<', '/', '>'}, now, now);
    write(store, new StoreWrite.Put(bare, StoreWrite.ABSENT));
    StoredObject read = all(store).get("xcon:z@x");
    assertNull(read.parentUri());
    assertNull(read.owner());
    assertNull(read.sipUri());
  }

  @Test
  public void aStaleWriteChangesNothingOfItsBatch() throws Exception {
    ConferenceStore store = track(openEmpty());
    write(store, new StoreWrite.Put(object("xcon:a@x", 1, null), StoreWrite.ABSENT));
    write(store, new StoreWrite.Put(object("xcon:a@x", 2, null), 1));

    // Another writer read version 1 and wants to make it 2: too late.
    StaleWriteException late =
        stale(
            store,
            new StoreWrite.Put(object("xcon:new@x", 1, null), StoreWrite.ABSENT),
            new StoreWrite.Put(object("xcon:a@x", 2, null), 1));
    assertEquals("xcon:a@x", late.uri());
    // Creating what exists is stale too.
    stale(store, new StoreWrite.Put(object("xcon:a@x", 1, null), StoreWrite.ABSENT));
    // So is deleting a version that is gone, or an object that is not there.
    stale(store, new StoreWrite.Delete("xcon:a@x", 1));
    stale(store, new StoreWrite.Delete("xcon:none@x", 1));

    Map<String, StoredObject> objects = all(store);
    assertEquals(Set.of("xcon:a@x"), objects.keySet());
    assertEquals(2, objects.get("xcon:a@x").version());
  }

  @Test
  public void aParentIsRequiredAndCannotGoWhileItHasChildren() throws Exception {
    ConferenceStore store = track(openEmpty());
    stale(
        store,
        new StoreWrite.Require("xcon:p@x"),
        new StoreWrite.Put(object("xcon:c@x", 1, "xcon:p@x"), StoreWrite.ABSENT));
    write(store, new StoreWrite.Put(object("xcon:p@x", 1, null), StoreWrite.ABSENT));
    write(
        store,
        new StoreWrite.Require("xcon:p@x"),
        new StoreWrite.Put(object("xcon:c@x", 1, "xcon:p@x"), StoreWrite.ABSENT));

    stale(store, new StoreWrite.Delete("xcon:p@x", 1));
    assertEquals(Set.of("xcon:p@x", "xcon:c@x"), all(store).keySet());
    assertEquals(List.of("xcon:c@x"), uris(store.children("xcon:p@x")));

    write(store, new StoreWrite.Delete("xcon:c@x", 1), new StoreWrite.Delete("xcon:p@x", 1));
    assertTrue(all(store).isEmpty());
  }

  @Test
  public void readsObjectsAndVersions() throws Exception {
    ConferenceStore store = track(openEmpty());
    write(
        store,
        new StoreWrite.Put(object("xcon:a@x", 1, null), StoreWrite.ABSENT),
        new StoreWrite.Put(object("xcon:b@x", 1, "xcon:a@x"), StoreWrite.ABSENT));
    write(store, new StoreWrite.Put(object("xcon:a@x", 2, null), 1));

    assertEquals(Map.of("xcon:a@x", 2L, "xcon:b@x", 1L), store.versions());
    assertEquals(Map.of("xcon:a@x", 2L), store.versions(List.of("xcon:a@x", "xcon:none@x")));
    Map<String, StoredObject> read = store.read(List.of("xcon:b@x", "xcon:none@x"));
    assertEquals(Set.of("xcon:b@x"), read.keySet());
    assertEquals("xcon:a@x", read.get("xcon:b@x").parentUri());
    assertTrue(store.children("xcon:b@x").isEmpty());
  }

  @Test
  public void concurrentWritersLoseNothing() throws Exception {
    ConferenceStore store = track(openEmpty());
    createConcurrently(store, 8, 50);
    assertEquals(8 * 50, all(store).size());
  }

  /** {@code clients} threads each creating {@code each} objects, one write at a time. */
  protected static void createConcurrently(ConferenceStore store, int clients, int each)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    write(
                        store,
                        new StoreWrite.Put(
                            object("xcon:c" + client + "n" + i + "@x", 1, null),
                            StoreWrite.ABSENT));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  public void refusesWritesOnceClosed() throws Exception {
    ConferenceStore store = openEmpty();
    close(store);
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> write(store, new StoreWrite.Delete("xcon:a@x", 1)));
    assertFalse(e.getCause() instanceof StaleWriteException);
    assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("closed"));
  }

  private static List<String> uris(List<StoredObject> objects) {
    return objects.stream().map(StoredObject::uri).toList();
  }
}
