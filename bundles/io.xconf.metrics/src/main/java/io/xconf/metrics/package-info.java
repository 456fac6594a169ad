/** The server's meters as text, for the endpoint that serves them. */
@Export
@Version("1.0.0")
package io.xconf.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
