/**
 * Conference objects: blueprints, conferences and sidebars in one cloning tree, read as their
 * effective documents and changed by partial updates, each change versioned and announced.
 */
@Export
@Version("1.3.0")
package io.xconf.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
