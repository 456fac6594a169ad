package io.xconf.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable storage of conference objects. Writes from many threads may be committed together (group
 * commit); each batch is atomic, and its stage completes only once the batch is durable: after a
 * crash at any moment, a completed batch is there in full and an incomplete one not at all.
 *
 * <p>A {@linkplain #shared() shared} store is written by several Xconf nodes at once. Its readers
 * ask it for the current versions before they trust what they loaded ({@link #versions}, {@link
 * #read}), and hear of other nodes' changes through a {@link StoreListener}.
 */
@ProviderType
public interface ConferenceStore {

  /** Service property: the engine's name, for operators ({@code SQLite}, {@code PostgreSQL}). */
  String ENGINE = "xconf.store.engine";

  /** Hands every stored object to {@code sink}, in no particular order. */
  void loadAll(Consumer<StoredObject> sink) throws StoreException;

  /**
   * Applies the writes, in order, as one atomic unit.
   *
   * @return completes normally when durable; exceptionally with a {@link StaleWriteException} when
   *     an expected version did not hold, or another {@link StoreException}; either way nothing was
   *     written
   */
  CompletionStage<Void> write(List<StoreWrite> writes);

  /** Whether other processes write the same objects. */
  boolean shared();

  /** The objects stored under these URIs; a URI with nothing stored is left out. */
  Map<String, StoredObject> read(Collection<String> uris) throws StoreException;

  /** The URI and version of every stored object. */
  Map<String, Long> versions() throws StoreException;

  /** The versions of these objects (absent: not stored), in one look. */
  Map<String, Long> versions(Collection<String> uris) throws StoreException;

  /** The objects cloned from {@code parentUri} (its conferences and sidebars). */
  List<StoredObject> children(String parentUri) throws StoreException;

  /**
   * Registers the one listener of other processes' changes; null removes it. A store that is not
   * shared never calls it.
   */
  void listen(StoreListener listener);
}
