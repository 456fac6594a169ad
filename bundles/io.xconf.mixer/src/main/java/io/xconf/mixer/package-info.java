/**
 * Media mixer control (RFC 5239 section 9, RFC 6505 for the shape of a standard control channel).
 * The SIP focus asks a {@link io.xconf.mixer.MixerControl} for one {@link io.xconf.mixer.Mix} per
 * active conference and joins each call's media to it by SDP offer/answer (RFC 3264). Several
 * implementations may be installed side by side; each registers with {@link
 * io.xconf.mixer.MixerControl#NAME} and a conference picks one by that name.
 */
@Export
@Version("1.3.0")
package io.xconf.mixer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
