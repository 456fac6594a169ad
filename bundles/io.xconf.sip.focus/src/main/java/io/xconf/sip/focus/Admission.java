package io.xconf.sip.focus;

/**
 * What the focus decided about a caller or a watcher.
 *
 * @param verdict admit, wait for a moderator, challenge for credentials, or refuse
 * @param status the SIP status of a refusal, 0 otherwise
 * @param reason the reason phrase of a refusal, null otherwise
 * @param entity the conference user the sender is (its account's, a listed user it proved to be, or
 *     a new anonymous one); null unless admitted or waiting
 * @param addedByCall whether that user is not in the conference yet and comes with the call
 * @param manager whether the sender proved to be someone who manages the conference, and so may see
 *     what its other participants may not (the dialogs' identifiers)
 */
public record Admission(
    Verdict verdict,
    int status,
    String reason,
    String entity,
    boolean addedByCall,
    boolean manager) {

  /** What happens to the request. */
  public enum Verdict {
    ADMIT,
    AWAIT_MODERATOR,
    CHALLENGE,
    REFUSE
  }

  public static Admission refuse(int status, String reason) {
    return new Admission(Verdict.REFUSE, status, reason, null, false, false);
  }

  public static Admission challenge() {
    return new Admission(Verdict.CHALLENGE, 0, null, null, false, false);
  }
}
