/**
 * Xconf's SIP stack as a service. One bundle owns JAIN-SIP (transports, TLS, transactions, dialog
 * matching after RFC 3261 section 12.2); the others plug in:
 *
 * <ul>
 *   <li>{@link io.xconf.sip.SipRequestHandler} services take requests outside any dialog, by method
 *       and by what they serve (a conference URI, a user of the domain);
 *   <li>a {@link io.xconf.sip.SipDialogHandler} owns each dialog it sets up and gets its requests,
 *       its CANCEL and the end of it; a {@link io.xconf.sip.SipClientHandler} gets the responses,
 *       timeout or failure of each request it sends;
 *   <li>{@link io.xconf.sip.Sip} builds and sends messages; {@link io.xconf.sip.SipAuthenticator}
 *       tells who a request comes from.
 * </ul>
 */
@Export
@Version("1.2.0")
package io.xconf.sip;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
