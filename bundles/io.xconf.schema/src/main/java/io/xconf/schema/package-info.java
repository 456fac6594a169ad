/**
 * Reading and writing the XCON XML formats: CCMP messages (RFC 6503) and conference documents (RFC
 * 4575, RFC 6501). The generated bindings live in the {@code ccmp}, {@code conferenceinfo} and
 * {@code xcon} sub-packages.
 */
@Export
@Version("1.2.0")
package io.xconf.schema;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
