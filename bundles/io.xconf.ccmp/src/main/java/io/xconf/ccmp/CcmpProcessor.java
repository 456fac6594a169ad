package io.xconf.ccmp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.osgi.annotation.versioning.ProviderType;

/** Answers CCMP requests, whatever carried them. */
@ProviderType
public interface CcmpProcessor {

  /**
   * Reads one {@code <ccmpRequest>} document and writes the {@code <ccmpResponse>} to it, in the
   * namespace the request used. Bad input gets a CCMP error response (400 for a malformed
   * document), never an exception.
   *
   * @throws IOException only when the streams themselves fail
   */
  CcmpOutcome process(InputStream request, OutputStream response) throws IOException;
}
