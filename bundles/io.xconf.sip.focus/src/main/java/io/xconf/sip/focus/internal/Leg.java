package io.xconf.sip.focus.internal;

import java.net.InetAddress;

/**
 * What holds a place in a conference: a call, a dial-out ringing, a caller waiting for a moderator.
 * Each counts against the conference's maximum-user-count and against its source's limit.
 */
interface Leg {

  String conferenceUri();

  /** The conference user it stands for. */
  String entity();

  /** The roster endpoint: the address called, or what the caller's From says. */
  String endpoint();

  /** Where its requests come from; null for what the focus places itself. */
  InetAddress source();

  /**
   * Ends it from the focus's side (BYE, CANCEL, or a refusal of a waiting caller).
   *
   * @param reason why, for the roster; null when the conference itself is gone
   * @param recorded whether the roster keeps the endpoint as booted, with the reason, even for a
   *     user the call brought (someone removed it); else such a user just leaves
   */
  void end(String reason, boolean recorded);
}
