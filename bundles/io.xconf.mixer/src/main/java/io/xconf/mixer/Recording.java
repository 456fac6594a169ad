package io.xconf.mixer;

import java.nio.file.Path;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/** The mix being written to a file, from {@link Mix#record(Path)} until {@link #stop()}. */
@ProviderType
public interface Recording {

  Path file();

  Instant started();

  /**
   * Ends the recording: what is left is written, the file completed. Idempotent; the mix's closing
   * stops it too.
   */
  void stop();
}
