package io.xconf.schema;

import io.xconf.schema.ccmp.CcmpResponseMessageType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and writes XCON documents safely: no DTDs or external entities, bounded size and depth.
 * Output uses the prefixes of the RFC examples ({@code ccmp:}, {@code info:}, {@code xcon:}),
 * because deployed clients compare prefixed names literally.
 */
@ProviderType
public interface XconCodec {

  /** Reads a {@code <ccmpRequest>} document in either CCMP namespace. */
  CcmpRequestDocument readCcmpRequest(InputStream in)
      throws MalformedDocumentException, IOException;

  /**
   * Reads a document into a binding class, whatever its root element is called (e.g. a {@code
   * <conference-info>} into {@code ConferenceType}): the conversion of what the server holds
   * already, so within the depth limit but not the size limit (what was stored is read back,
   * whatever the limit has been set to since).
   */
  <T> T readBinding(byte[] xml, Class<T> type) throws MalformedDocumentException;

  /** Writes a binding as a document whose root element is {@code element}, as UTF-8. */
  <T> byte[] writeBinding(javax.xml.namespace.QName element, Class<T> type, T value);

  /**
   * Why a {@code <conference-info>} document is not valid against RFC 4575 and RFC 6501 (the data
   * model a client may store), or empty when it is. What the bindings read leniently (an attribute
   * no type declares, a required one missing) is caught here, before anything is stored that would
   * make later answers invalid.
   */
  Optional<String> invalidity(byte[] conferenceInfo);

  /** Writes {@code <ccmpResponse>} around the message, in the given namespace, as UTF-8. */
  void writeCcmpResponse(CcmpResponseMessageType message, CcmpNamespace namespace, OutputStream out)
      throws IOException;
}
