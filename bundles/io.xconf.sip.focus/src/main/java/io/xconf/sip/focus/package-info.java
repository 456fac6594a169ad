/**
 * The conference focus (RFC 4353, RFC 4579) as the other SIP bundles use it: which conference a
 * request addresses, and whether its sender may join or watch it, and as whom ({@link
 * io.xconf.sip.focus.Focus}).
 */
@Export
@Version("1.2.0")
package io.xconf.sip.focus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
