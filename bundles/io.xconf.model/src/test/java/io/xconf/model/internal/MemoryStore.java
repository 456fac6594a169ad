package io.xconf.model.internal;

import io.xconf.store.ConferenceStore;
import io.xconf.store.StoreException;
import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A store in memory for model tests, which can be told to fail. */
final class MemoryStore implements ConferenceStore {

  final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
  volatile boolean failing;

  @Override
  public void loadAll(Consumer<StoredObject> sink) throws StoreException {
    objects.values().forEach(sink);
  }

  @Override
  public CompletionStage<Void> write(List<StoreWrite> writes) {
    if (failing) {
      return CompletableFuture.failedFuture(new StoreException("disk on fire", null));
    }
    synchronized (this) {
      for (StoreWrite write : writes) {
        if (write instanceof StoreWrite.Put put) {
          objects.put(put.uri(), put.object());
        } else {
          objects.remove(write.uri());
        }
      }
    }
    return CompletableFuture.completedFuture(null);
  }
}
