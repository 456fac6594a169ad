package io.xconf.focus.sip.internal;

import io.xconf.mixer.MediaLeg;
import javax.sip.ClientTransaction;

/** A call the focus places that has not been answered yet. */
record Outgoing(
    String callId,
    String conferenceUri,
    String target,
    String entity,
    ClientTransaction transaction,
    MediaLeg leg) {}
