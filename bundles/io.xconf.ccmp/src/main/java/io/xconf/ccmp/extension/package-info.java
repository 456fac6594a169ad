/**
 * CCMP extensions ({@code extendedRequest}, RFC 6503 section 5.3.11): an extension bundle registers
 * a {@link io.xconf.ccmp.extension.CcmpExtension} service; it is answered and listed in {@code
 * optionsResponse} for as long as the service is registered.
 */
@Export
@Version("1.0.0")
package io.xconf.ccmp.extension;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
