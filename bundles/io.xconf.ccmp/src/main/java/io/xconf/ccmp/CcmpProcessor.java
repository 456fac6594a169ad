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
   * document), never an exception. Every request but optionsRequest and section 5.3.6's self-join
   * needs credentials, from the transport or the CCMP {@code subject}; without valid ones the
   * answer is 424 and {@link CcmpOutcome#authenticationRequired()} is set.
   *
   * @throws IOException only when the streams themselves fail
   */
  CcmpOutcome process(InputStream request, OutputStream response, CcmpCaller caller)
      throws IOException;

  /**
   * Answers a request with {@code code} without processing it (e.g. 510 when the server is
   * overloaded), in the response type and namespace the request calls for.
   */
  CcmpOutcome refuse(
      InputStream request, OutputStream response, CcmpResponseCode code, String reason)
      throws IOException;
}
