package io.xconf.store;

/**
 * A write found an object other than it expected (another process changed, created or deleted it
 * meanwhile, or cloned from it); nothing of its batch was written. Read the objects again and
 * retry.
 */
public final class StaleWriteException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String uri;

  public StaleWriteException(String uri) {
    super("another change of " + uri + " came first", null);
    this.uri = uri;
  }

  /** The object whose expectation did not hold. */
  public String uri() {
    return uri;
  }
}
