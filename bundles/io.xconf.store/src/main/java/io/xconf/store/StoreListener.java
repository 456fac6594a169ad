package io.xconf.store;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears of changes that other processes committed to a {@linkplain ConferenceStore#shared() shared}
 * store. Called on the store's own thread; must return quickly.
 */
@ConsumerType
public interface StoreListener {

  /**
   * An object changed elsewhere.
   *
   * @param version its version now, or 0 when it was deleted
   */
  void changed(String uri, long version);

  /** Changes may have been missed (the store lost its connection): compare everything again. */
  void resync();
}
