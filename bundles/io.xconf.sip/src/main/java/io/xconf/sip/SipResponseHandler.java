package io.xconf.sip;

import javax.sip.message.Response;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: takes responses that belong to no transaction of the stack's, such as the answers to
 * requests a stateless proxy forwarded. The first handler that {@link #takes} one handles it.
 */
@ConsumerType
public interface SipResponseHandler {

  boolean takes(Response response);

  void handle(Response response);
}
