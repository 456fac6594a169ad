package io.xconf.sip.registrar.internal;

import io.xconf.accounts.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls the registrar's proxy forwarded, so that it forwards their later requests (phones that
 * use it as their outbound proxy send them through it) and nothing else: a request is forwarded
 * within a call only if its Call-ID and both tags are the call's (RFC 3261 section 12.2), and only
 * to the other party's own contact.
 */
final class ForwardedDialogs {

  /** Calls (Call-IDs) remembered at most: more INVITEs are refused until some end. */
  static final int MAX = 20_000;

  /** Calls remembered under one Call-ID (an INVITE forked, or retried with a new From tag). */
  private static final int MAX_PER_CALL_ID = 4;

  /** How long a call that was never answered is remembered (its CANCEL, its ACK). */
  private static final long UNANSWERED_MILLIS = 200_000;

  /** How long an answered call is remembered after its last request. */
  private static final long IDLE_MILLIS = 12 * 3600_000L;

  /** One forwarded call: the caller's tag and contact, and the callee's once it answered. */
  static final class Call {
    final String callId;
    final String callerTag;
    final String callerContact;
    final String calleeContact;
    volatile String calleeTag;
    volatile String answeredContact;
    volatile long lastUsed;

    Call(String callId, String callerTag, String callerContact, String calleeContact, long now) {
      this.callId = callId;
      this.callerTag = callerTag;
      this.callerContact = callerContact;
      this.calleeContact = calleeContact;
      this.lastUsed = now;
    }

    /** Where a request within the call from {@code fromTag} may go: the other party's contact. */
    Optional<String> peerOf(String fromTag, String toTag) {
      if (callerTag.equals(fromTag) && (toTag == null || toTag.equals(calleeTag))) {
        return Optional.of(answeredContact != null ? answeredContact : calleeContact);
      }
      if (calleeTag != null && calleeTag.equals(fromTag) && callerTag.equals(toTag)) {
        return Optional.ofNullable(callerContact);
      }
      return Optional.empty();
    }
  }

  private final Map<String, List<Call>> byCallId = new ConcurrentHashMap<>();

  /** A forwarded INVITE; false when too many calls are remembered already. */
  boolean add(Call call) {
    // Counted by Call-ID (a map's size is cheap; summing the calls walked them all), and a few
    // calls at most under one Call-ID, the oldest making way.
    if (byCallId.size() >= MAX && !byCallId.containsKey(call.callId)) {
      return false;
    }
    byCallId.compute(
        call.callId,
        (id, calls) -> {
          List<Call> next = calls == null ? new ArrayList<>() : new ArrayList<>(calls);
          next.removeIf(c -> c.callerTag.equals(call.callerTag));
          if (next.size() >= MAX_PER_CALL_ID) {
            next.remove(0);
          }
          next.add(call);
          return List.copyOf(next);
        });
    return true;
  }

  /** The call a request belongs to by Call-ID and tags. */
  Optional<Call> find(String callId, String fromTag, String toTag) {
    for (Call call : byCallId.getOrDefault(callId, List.of())) {
      if (call.peerOf(fromTag, toTag).isPresent()) {
        return Optional.of(call);
      }
    }
    return Optional.empty();
  }

  /** The callee answered: its tag and contact complete the call. */
  void answered(String callId, String callerTag, String calleeTag, String contact, long now) {
    for (Call call : byCallId.getOrDefault(callId, List.of())) {
      if (call.callerTag.equals(callerTag) && call.calleeTag == null) {
        call.answeredContact = contact;
        call.calleeTag = calleeTag;
        call.lastUsed = now;
      }
    }
  }

  void remove(Call ended) {
    byCallId.computeIfPresent(
        ended.callId,
        (id, calls) -> {
          List<Call> next = new ArrayList<>(calls);
          next.remove(ended);
          return next.isEmpty() ? null : List.copyOf(next);
        });
  }

  void expire(long now) {
    for (List<Call> calls : byCallId.values()) {
      for (Call call : calls) {
        long idle = now - call.lastUsed;
        if (idle > (call.calleeTag == null ? UNANSWERED_MILLIS : IDLE_MILLIS)) {
          remove(call);
        }
      }
    }
  }

  /** Two contacts as SIP compares them loosely. */
  static boolean same(String a, String b) {
    String left = Addresses.normalize(a);
    return left != null && left.equals(Addresses.normalize(b));
  }
}
