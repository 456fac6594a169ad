/**
 * CCMP (RFC 6503) without a transport: the processor that turns a request document into a response
 * document, and the whiteboard of handlers, one per standard message type.
 */
@Export
@Version("1.3.0")
package io.xconf.ccmp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
