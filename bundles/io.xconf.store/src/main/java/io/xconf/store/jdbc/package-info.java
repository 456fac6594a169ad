/**
 * What the SQL engines' stores share: applying a {@link io.xconf.store.ConferenceStore#write} batch
 * with its expected versions checked, each engine giving its own SQL ({@link
 * io.xconf.store.jdbc.ConditionalWrites}).
 */
@Export
@Version("1.0.0")
package io.xconf.store.jdbc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
