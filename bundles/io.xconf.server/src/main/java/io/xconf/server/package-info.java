/** Who this Xconf server is: its domain and where it keeps its state. */
@Export
@Version("1.0.0")
package io.xconf.server;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
