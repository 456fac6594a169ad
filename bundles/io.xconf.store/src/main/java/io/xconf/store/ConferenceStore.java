package io.xconf.store;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable storage of conference objects. Writes from many threads may be committed together (group
 * commit); each batch is atomic, and its stage completes only once the batch is durable: after a
 * crash at any moment, a completed batch is there in full and an incomplete one not at all.
 */
@ProviderType
public interface ConferenceStore {

  /** Service property: the engine's name, for operators ({@code SQLite}). */
  String ENGINE = "xconf.store.engine";

  /** Hands every stored object to {@code sink}, in no particular order. */
  void loadAll(Consumer<StoredObject> sink) throws StoreException;

  /**
   * Applies the writes, in order, as one atomic unit.
   *
   * @return completes normally when durable, exceptionally with a {@link StoreException} when
   *     nothing was written
   */
  CompletionStage<Void> write(List<StoreWrite> writes);
}
