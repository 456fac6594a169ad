package io.xconf.schema.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with {@link LimitExceededException} once more than {@code limit} bytes are read. */
final class BoundedInputStream extends FilterInputStream {

  /** Unchecked so that it passes through the parser; the codec turns it into a 400. */
  static final class LimitExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitExceededException(String message) {
      super(message);
    }
  }

  private final long limit;
  private long count;

  BoundedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long n) {
    count += n;
    if (count > limit) {
      throw new LimitExceededException("document larger than " + limit + " bytes");
    }
  }
}
