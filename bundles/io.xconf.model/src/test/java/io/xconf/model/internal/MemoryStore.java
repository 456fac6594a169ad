package io.xconf.model.internal;

import io.xconf.store.ConferenceStore;
import io.xconf.store.StaleWriteException;
import io.xconf.store.StoreException;
import io.xconf.store.StoreListener;
import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A store in memory for model tests, which can be told to fail. {@link #nodeOf} gives further views
 * of the same objects, as several nodes have of one shared database: each hears the others' changes
 * only when the test lets it ({@link #deliver}), as notifications arrive late.
 */
final class MemoryStore implements ConferenceStore {

  final Map<String, StoredObject> objects;
  volatile boolean failing;
  private final boolean shared;
  private final List<MemoryStore> nodes;
  private final List<String[]> undelivered = new CopyOnWriteArrayList<>();
  private volatile StoreListener listener;

  MemoryStore() {
    this(new ConcurrentHashMap<>(), false, new CopyOnWriteArrayList<>());
  }

  private MemoryStore(Map<String, StoredObject> objects, boolean shared, List<MemoryStore> nodes) {
    this.objects = objects;
    this.shared = shared;
    this.nodes = nodes;
    nodes.add(this);
  }

  /** A shared store for a first node. */
  static MemoryStore sharedByNodes() {
    return new MemoryStore(new ConcurrentHashMap<>(), true, new CopyOnWriteArrayList<>());
  }

  /** The same objects as another node sees them. */
  MemoryStore nodeOf() {
    return new MemoryStore(objects, shared, nodes);
  }

  /** Hands this node the other nodes' changes it has not heard of yet. */
  void deliver() {
    StoreListener current = listener;
    List<String[]> pending = new ArrayList<>(undelivered);
    undelivered.removeAll(pending);
    if (current != null) {
      pending.forEach(change -> current.changed(change[0], Long.parseLong(change[1])));
    }
  }

  @Override
  public void loadAll(Consumer<StoredObject> sink) throws StoreException {
    objects.values().forEach(sink);
  }

  @Override
  public CompletionStage<Void> write(List<StoreWrite> writes) {
    if (failing) {
      return CompletableFuture.failedFuture(new StoreException("disk on fire", null));
    }
    synchronized (objects) {
      for (StoreWrite write : writes) {
        StoredObject stored = objects.get(write.uri());
        long version = stored == null ? StoreWrite.ABSENT : stored.version();
        boolean holds =
            write instanceof StoreWrite.Put put
                ? version == put.expectedVersion()
                : write instanceof StoreWrite.Delete delete
                    ? version == delete.expectedVersion()
                        && objects.values().stream()
                            .noneMatch(o -> write.uri().equals(o.parentUri()))
                    : version != StoreWrite.ABSENT;
        if (!holds) {
          return CompletableFuture.failedFuture(new StaleWriteException(write.uri()));
        }
      }
      for (StoreWrite write : writes) {
        long version;
        if (write instanceof StoreWrite.Put put) {
          objects.put(put.uri(), put.object());
          version = put.object().version();
        } else if (write instanceof StoreWrite.Delete) {
          objects.remove(write.uri());
          version = StoreWrite.ABSENT;
        } else {
          continue;
        }
        for (MemoryStore node : nodes) {
          if (node != this) {
            node.undelivered.add(new String[] {write.uri(), String.valueOf(version)});
          }
        }
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean shared() {
    return shared;
  }

  @Override
  public Map<String, StoredObject> read(Collection<String> uris) {
    Map<String, StoredObject> found = new HashMap<>();
    uris.forEach(
        uri -> {
          StoredObject object = objects.get(uri);
          if (object != null) {
            found.put(uri, object);
          }
        });
    return found;
  }

  @Override
  public Map<String, Long> versions() {
    Map<String, Long> versions = new HashMap<>();
    objects.forEach((uri, object) -> versions.put(uri, object.version()));
    return versions;
  }

  @Override
  public Map<String, Long> versions(Collection<String> uris) {
    Map<String, Long> versions = new HashMap<>();
    read(uris).forEach((uri, object) -> versions.put(uri, object.version()));
    return versions;
  }

  @Override
  public List<StoredObject> children(String parentUri) {
    return objects.values().stream().filter(o -> parentUri.equals(o.parentUri())).toList();
  }

  @Override
  public void listen(StoreListener listener) {
    this.listener = listener;
  }
}
