/**
 * Where conference objects are kept. The model writes through {@link
 * io.xconf.store.ConferenceStore} and reads everything back at start; the embedded store and a
 * PostgreSQL store implement it.
 */
@Export
@Version("2.0.0")
package io.xconf.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
