package io.xconf.sip.focus.internal;

import io.xconf.model.UserLists;
import io.xconf.model.XmlElement;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.focus.Admission;
import io.xconf.sip.focus.Focus.Purpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sip.message.Response;

/**
 * Who may join or watch a conference, and as whom (RFC 6501 sections 4.6.1 and 4.6.2), from what a
 * request proved. The rules, in order:
 *
 * <ol>
 *   <li>join-handling {@code block} refuses everyone; {@code directed-operator} is not offered.
 *   <li>A From in this server's domain is a claim to be one of its users: it must be proved.
 *   <li>{@code user-admission-policy anonymous} admits everyone and ignores both lists.
 *   <li>A deny list refuses whom it names, by proved identity or by claimed address (a refusal
 *       cannot be abused); unless the policy is {@code closedAuthenticated}, which ignores it.
 *   <li>Proof is needed for join-handling {@code authenticate}, for the two {@code *Authenticated}
 *       policies, and whenever a deny list names anyone: else whoever is denied would call under
 *       another name.
 *   <li>{@code closedAuthenticated} admits only proved identities the allowed list names.
 *   <li>join-handling {@code confirm} admits callers the allowed list names by a proved identity;
 *       others wait for a moderator. Watchers must be so named.
 *   <li>A proved caller is its account's user, or the conference's user for one of its addresses;
 *       an unproved one is a new anonymous user, whatever its From says.
 * </ol>
 */
final class AdmissionPolicy {

  private static final Set<String> OFFERED = Set.of("allow", "authenticate", "confirm");

  /**
   * What a request tells of its sender.
   *
   * @param identity what it proved
   * @param claimed its From address (unverified)
   * @param claimsLocal whether that From names a user of this server's domain
   * @param provesClaim whether the proved account owns that local From
   * @param manager whether the proved account manages the conference
   */
  record Caller(
      SipIdentity identity,
      String claimed,
      boolean claimsLocal,
      boolean provesClaim,
      boolean manager) {}

  private AdmissionPolicy() {}

  /**
   * @param anonymous makes a new anonymous XCON-USERID
   * @param allowedIdentities for a caller already waiting, the identities the focus gave it (its
   *     anonymous user among them), which a moderator's allowed list may name
   */
  static Admission decide(
      XmlElement document,
      Caller caller,
      Purpose purpose,
      Supplier<String> anonymous,
      List<String> allowedIdentities) {
    String joinHandling = UserLists.joinHandling(document);
    String policy = UserLists.admissionPolicy(document).orElse("");
    if ("block".equals(joinHandling)) {
      return Admission.refuse(Response.FORBIDDEN, "the conference takes no participants");
    }
    if (!OFFERED.contains(joinHandling)) {
      return Admission.refuse(
          Response.FORBIDDEN, "join-handling " + joinHandling + " is not offered");
    }
    SipIdentity identity = caller.identity();
    if (caller.claimsLocal()) {
      if (!identity.authenticated()) {
        return Admission.challenge();
      }
      if (!caller.provesClaim()) {
        return Admission.refuse(Response.FORBIDDEN, "the From is another user's");
      }
    }
    if ("anonymous".equals(policy)) {
      return admitted(document, identity, anonymous, caller.manager(), false);
    }
    boolean closed = "closedAuthenticated".equals(policy);
    List<String> identities = new ArrayList<>(identity.identities());
    identities.addAll(allowedIdentities);
    if (!closed) {
      List<String> claimedOrProved = new ArrayList<>(identities);
      claimedOrProved.add(caller.claimed());
      if (UserLists.listed(document, UserLists.DENIED, claimedOrProved)) {
        return Admission.refuse(Response.FORBIDDEN, "denied by the conference");
      }
    }
    boolean proofNeeded =
        "authenticate".equals(joinHandling)
            || policy.endsWith("Authenticated")
            || (!closed && UserLists.namesAnyone(document, UserLists.DENIED));
    if (proofNeeded && !identity.authenticated() && allowedIdentities.isEmpty()) {
      return Admission.challenge();
    }
    boolean listed =
        !identities.isEmpty() && UserLists.listed(document, UserLists.ALLOWED, identities);
    if (closed && !listed) {
      return Admission.refuse(Response.FORBIDDEN, "not among the allowed users");
    }
    boolean awaitsModerator = "confirm".equals(joinHandling) && !listed;
    if (awaitsModerator && purpose == Purpose.WATCH) {
      return identity.authenticated()
          ? Admission.refuse(Response.FORBIDDEN, "not confirmed by a moderator")
          : Admission.challenge();
    }
    return admitted(document, identity, anonymous, caller.manager(), awaitsModerator);
  }

  private static Admission admitted(
      XmlElement document,
      SipIdentity identity,
      Supplier<String> anonymous,
      boolean manager,
      boolean awaitsModerator) {
    String entity = identity.authenticated() ? entityOf(document, identity) : anonymous.get();
    return new Admission(
        awaitsModerator ? Admission.Verdict.AWAIT_MODERATOR : Admission.Verdict.ADMIT,
        0,
        null,
        entity,
        Roster.user(document, entity).isEmpty(),
        manager);
  }

  /** The conference's user for one of the proved addresses, else the first (its XCON-USERID). */
  private static String entityOf(XmlElement document, SipIdentity identity) {
    for (String address : identity.identities()) {
      Optional<String> listed = Roster.userFor(document, address);
      if (listed.isPresent()) {
        return listed.get();
      }
    }
    return identity.identities().get(0);
  }

  /**
   * Why a proved referrer may not have the focus act (RFC 4579 sections 5.5, 5.7, 5.11): each
   * method needs its right on the referrer's user (RFC 6501 section 4.6.5; unset is false), and
   * rights belong to proved identities only. Empty when it may.
   */
  static Optional<Admission> refer(XmlElement document, SipIdentity referrer, String method) {
    String right =
        switch (method) {
          case "INVITE" -> "allow-invite-users-dynamically";
          case "BYE" -> "allow-remove-users-dynamically";
          case "REFER" -> "allow-refer-users-dynamically";
          default -> null;
        };
    if (right == null) {
      return Optional.of(
          Admission.refuse(Response.NOT_IMPLEMENTED, "a REFER for " + method + " is not offered"));
    }
    if (!referrer.authenticated()) {
      return Optional.of(Admission.challenge());
    }
    if (!Roster.granted(document, referrer.identities(), right)) {
      return Optional.of(Admission.refuse(Response.FORBIDDEN, right + " is not granted"));
    }
    return Optional.empty();
  }
}
