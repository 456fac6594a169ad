package io.xconf.focus.sip.internal;

import io.xconf.mixer.MediaLeg;
import javax.sip.Dialog;

/**
 * A connected call in a conference.
 *
 * @param entity the roster user it stands for
 * @param endpoint the roster endpoint (the caller's or callee's address)
 * @param userAddedByCall whether the call brought the user, which then leaves with it
 */
record Call(
    String callId,
    String conferenceUri,
    String entity,
    String endpoint,
    boolean userAddedByCall,
    Dialog dialog,
    MediaLeg leg) {}
