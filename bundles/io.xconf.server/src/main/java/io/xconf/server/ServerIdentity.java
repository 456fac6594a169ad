package io.xconf.server;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The identity every Xconf component shares: the domain of its XCON-URIs, XCON-USERIDs and
 * conference SIP URIs, and the folder that holds its durable state.
 */
@ProviderType
public interface ServerIdentity {

  /** The domain of XCON-URIs and XCON-USERIDs, e.g. {@code example.com}; never empty. */
  String domain();

  /** The folder that holds all durable state of this server; it exists. */
  Path stateDirectory();
}
