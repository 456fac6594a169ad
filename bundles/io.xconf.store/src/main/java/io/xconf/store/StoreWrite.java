package io.xconf.store;

import java.util.Objects;

/** One change in a {@link ConferenceStore#write} batch. */
public sealed interface StoreWrite {

  /** The URI of the object written. */
  String uri();

  /** Inserts or replaces an object. */
  record Put(StoredObject object) implements StoreWrite {
    public Put {
      Objects.requireNonNull(object, "object");
    }

    @Override
    public String uri() {
      return object.uri();
    }
  }

  /** Removes an object; removing an absent one is no error. */
  record Delete(String uri) implements StoreWrite {
    public Delete {
      Objects.requireNonNull(uri, "uri");
    }
  }
}
