/**
 * Where conference objects are kept, and which node hosts each live one. The model writes through
 * {@link io.xconf.store.ConferenceStore} and reads everything back at start (and, from a store
 * several nodes share, what the others changed); {@link io.xconf.store.ConferenceHosting} says
 * where a conference's calls belong. The embedded SQLite store (one node) and the PostgreSQL store
 * (a cluster) implement both.
 */
@Export
@Version("2.1.0")
package io.xconf.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
