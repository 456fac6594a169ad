package io.xconf.focus.sip.internal;

import io.xconf.mixer.MediaLeg;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;

/**
 * A call the focus places that has not been answered yet.
 *
 * @param userAddedByCall whether the call brings the user (a referred one), which leaves with it
 * @param progress told each status the callee answers with, e.g. "180 Ringing"
 */
record Outgoing(
    String callId,
    String conferenceUri,
    String target,
    String entity,
    boolean userAddedByCall,
    ClientTransaction transaction,
    MediaLeg leg,
    Consumer<String> progress,
    long sinceMillis) {}
