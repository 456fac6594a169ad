package io.xconf.sip;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: takes requests that match no dialog of the stack's, for the methods named by the
 * service property {@link #METHODS}. The stack asks the handlers of a request's method in service
 * ranking order whether they {@link #takes} it; the first that does handles it. Requests no handler
 * takes are answered by the stack (404, 405, 481, 501).
 */
@ConsumerType
public interface SipRequestHandler {

  /** Service property: the methods (String or String[]) this handler is asked about. */
  String METHODS = "xconf.sip.methods";

  /**
   * Whether this handler answers the request, e.g. because its Request-URI is a conference it
   * serves. Cheap and without effects: several handlers may be asked.
   */
  boolean takes(SipRequest request);

  /** Answers the request, now or later; the stack does nothing more with it. */
  void handle(SipRequest request);
}
