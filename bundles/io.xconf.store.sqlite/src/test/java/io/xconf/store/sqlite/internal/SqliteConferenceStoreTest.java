package io.xconf.store.sqlite.internal;

import static org.junit.Assert.assertTrue;

import io.xconf.store.ConferenceStore;
import io.xconf.store.ConferenceStoreContract;
import io.xconf.store.StoreWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SqliteConferenceStoreTest extends ConferenceStoreContract {

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private Path file() {
    return temp.getRoot().toPath().resolve("c.db");
  }

  @Override
  protected ConferenceStore openEmpty() throws Exception {
    return SqliteConferenceStore.open(file(), "FULL", 512);
  }

  @Override
  protected ConferenceStore openAgain() throws Exception {
    return openEmpty();
  }

  @Override
  protected void close(ConferenceStore store) throws Exception {
    ((SqliteConferenceStore) store).close();
  }

  @Test
  public void concurrentWritersShareCommits() throws Exception {
    SqliteConferenceStore store = (SqliteConferenceStore) track(openEmpty());
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
                  write(
                      store,
                      new StoreWrite.Put(
                          object("xcon:c" + client + "n" + i + "@x", 1, null), StoreWrite.ABSENT));
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
  }
}
