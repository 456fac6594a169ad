/** The users Xconf knows: their XCON-USERIDs, the URIs that reach them, their credentials. */
@Export
@Version("1.4.0")
package io.xconf.accounts;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
