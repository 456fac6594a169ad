package io.xconf.store;

import java.util.Objects;

/**
 * One step of a {@link ConferenceStore#write} batch. Each names the version it expects to find, so
 * that several processes sharing one store cannot overwrite each other's changes unseen: when an
 * expectation does not hold, the batch fails with a {@link StaleWriteException} and writes nothing.
 */
public sealed interface StoreWrite {

  /** Expected version of an object that must not exist yet. */
  long ABSENT = 0;

  /** The URI of the object written. */
  String uri();

  /**
   * Inserts an object ({@code expectedVersion} {@link #ABSENT}) or replaces the one stored at
   * {@code expectedVersion}.
   */
  record Put(StoredObject object, long expectedVersion) implements StoreWrite {
    public Put {
      Objects.requireNonNull(object, "object");
      if (expectedVersion < 0) {
        throw new IllegalArgumentException("expected version " + expectedVersion);
      }
    }

    @Override
    public String uri() {
      return object.uri();
    }
  }

  /**
   * Removes the object stored at {@code expectedVersion}; fails as stale when it is gone, at
   * another version, or when objects name it as their parent.
   */
  record Delete(String uri, long expectedVersion) implements StoreWrite {
    public Delete {
      Objects.requireNonNull(uri, "uri");
    }
  }

  /**
   * Requires that the object exists, and keeps it from being deleted until the batch is committed:
   * a conference cloned from another one needs its parent there.
   */
  record Require(String uri) implements StoreWrite {
    public Require {
      Objects.requireNonNull(uri, "uri");
    }
  }
}
