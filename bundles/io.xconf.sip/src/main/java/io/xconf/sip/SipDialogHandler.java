package io.xconf.sip;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The owner of a dialog (a call, a subscription), set with {@link Sip#dialog}. The stack matches
 * requests to dialogs by Call-ID and both tags (RFC 3261 section 12.2.2) and passes each matched
 * request here, on a stack thread; requests that match no dialog never reach it.
 */
@ConsumerType
public interface SipDialogHandler {

  /**
   * A request within the dialog (ACK, BYE, re-INVITE, UPDATE, INFO, SUBSCRIBE, NOTIFY, REFER, ...).
   * Every one but ACK must be answered.
   */
  void request(SipRequest request);

  /**
   * The INVITE that sets the dialog up was cancelled before its final answer: the stack has
   * answered the CANCEL with 200; the handler answers the INVITE with 487.
   */
  default void cancelled() {}

  /**
   * The 2xx to the INVITE was never acknowledged (RFC 3261 section 13.3.1.4, after 64*T1): the
   * handler ends the dialog.
   */
  default void ackTimedOut() {}

  /** The stack ended the dialog. May be told more than once. */
  default void terminated() {}
}
