package io.xconf.sip;

import javax.sip.ResponseEvent;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears how a request sent with {@link Sip#send} fares, on a stack thread. Exactly one of a final
 * {@link #response}, {@link #timeout} or {@link #failed} ends it; provisional responses come
 * before.
 */
@ConsumerType
public interface SipClientHandler {

  /** A response to the request: provisional (1xx) or final. */
  void response(ResponseEvent event);

  /** No final response came in time (RFC 3261 timers B and F). */
  default void timeout() {
    failed("408 no answer");
  }

  /**
   * The request could not be sent or delivered: the peer was unreachable, or over TLS it was not
   * who the request was addressed to.
   *
   * @param reason a status code and phrase for records, e.g. {@code "503 unreachable"}
   */
  void failed(String reason);
}
