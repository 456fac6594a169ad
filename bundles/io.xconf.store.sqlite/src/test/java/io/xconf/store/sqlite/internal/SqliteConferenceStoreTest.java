package io.xconf.store.sqlite.internal;

import static org.junit.Assert.assertTrue;

import io.xconf.store.ConferenceStore;
import io.xconf.store.ConferenceStoreContract;
import java.nio.file.Path;
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
    createConcurrently(store, 8, 100);
    assertTrue(
        "group commit: " + store.commits() + " commits for 800 writes", store.commits() < 800);
  }
}
