/**
 * Conferences as a user manages them from outside: {@link io.xconf.cli.ConferenceCommands} over any
 * {@link io.xconf.cli.CcmpTransport} (HTTP for {@code bin/xconf}, in-process for the Karaf shell
 * and the web console), so that each of them can do exactly what CCMP lets that user do.
 */
@Export
@Version("1.0.0")
package io.xconf.cli;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
