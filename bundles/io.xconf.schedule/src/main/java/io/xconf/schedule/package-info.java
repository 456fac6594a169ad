/**
 * When conferences are on (RFC 6501 conference-time, RFC 5545 recurrence): {@link
 * io.xconf.schedule.ConferenceSchedule} answers "is this conference on now" by its clock, and tells
 * {@link io.xconf.schedule.ConferenceActivityListener} services when an occurrence starts and ends.
 * Not a SIP question: the focus, webhooks and consoles all ask it.
 */
@Export
@Version("1.0.0")
package io.xconf.schedule;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
