package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.Addresses;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.model.Namespaces;
import io.xconf.model.UserLists;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * What a caller who does not manage a conference may do with its own {@code <user>} (the table in
 * docs/ccmp.md), and whether it may join at all. A conference's managers set anything on anybody; a
 * user sets on itself only what describes it:
 *
 * <ul>
 *   <li>{@code entity}, {@code state}, {@code display-text}, {@code languages};
 *   <li>{@code associated-aors} at its own account's SIP and tel addresses (other schemes, such as
 *       mailto:, only describe it), and {@code endpoint}s there too (anyone's address for an
 *       anonymous joiner, whose endpoint is all the focus has to call);
 *   <li>of an endpoint, its {@code entity}, {@code display-text} and {@code media} (RFC 6504
 *       section 7.1: a user silences a stream for itself), whose status it may narrow but not widen
 *       again to send what a manager stopped (a moderator's mute, section 6.2, stays); the rest of
 *       an endpoint is the focus's report.
 * </ul>
 *
 * Roles, the RFC 6501 rights ({@code allow-*-dynamically}), {@code provide-anonymity}, {@code
 * cascaded-focus}, mixer controls and any other extension are the managers' to give.
 */
final class UserRights {

  /** Why a request is refused: a CCMP code and a reason for the response-string. */
  record Refusal(CcmpResponseCode code, String reason) {}

  private static final QName DISPLAY_TEXT = info("display-text");
  private static final QName ASSOCIATED_AORS = info("associated-aors");
  private static final QName ENDPOINT = info("endpoint");
  private static final QName ENTRY = info("entry");
  private static final QName URI = info("uri");
  private static final QName MEDIA = info("media");
  private static final QName STATUS = info("status");
  private static final Set<QName> MEDIA_PARTS =
      Set.of(DISPLAY_TEXT, info("type"), info("label"), STATUS);
  private static final Set<QName> OWN_PARTS =
      Set.of(DISPLAY_TEXT, info("languages"), ASSOCIATED_AORS, ENDPOINT);
  private static final Set<String> JOIN_HANDLINGS = Set.of("allow", "authenticate", "confirm");

  private UserRights() {}

  /**
   * Null when a caller who does not manage the conference may set {@code user} on itself ({@code
   * sender} null: an anonymous joiner); else why not.
   */
  static Refusal onItself(XmlElement user, Account sender, XmlElement stored) {
    for (QName attribute : user.attributes().keySet()) {
      String name = attribute.getLocalPart();
      if (!attribute.getNamespaceURI().isEmpty()
          || !(name.equals("entity") || name.equals("state"))) {
        return managersOnly(name);
      }
    }
    Set<String> own = sender == null ? null : addresses(sender);
    for (XmlElement part : user.children()) {
      if (!OWN_PARTS.contains(part.name())) {
        return managersOnly(part.name().getLocalPart());
      }
      if (part.name().equals(ASSOCIATED_AORS)) {
        // A SIP or tel address among them would make calls from it this user's (RFC 6504
        // section 6.3's newcomer gives a mailto: one, which only describes her).
        for (XmlElement entry : part.children(ENTRY)) {
          String uri = entry.child(URI).map(XmlElement::text).orElse(null);
          String address = Addresses.normalize(uri);
          if (address != null && (own == null || !own.contains(address))) {
            return notYours(uri);
          }
        }
      }
      if (part.name().equals(ENDPOINT)) {
        String uri = part.attribute("entity");
        if (sender != null && !own.contains(Addresses.normalize(uri))) {
          return notYours(uri);
        }
        for (XmlElement detail : part.children()) {
          if (detail.name().equals(MEDIA)) {
            Refusal media = media(detail, storedMedia(stored, uri, detail.attribute("id")));
            if (media != null) {
              return media;
            }
          } else if (!detail.name().equals(DISPLAY_TEXT)) {
            return managersOnly("an endpoint's " + detail.name().getLocalPart());
          }
        }
      }
    }
    return null;
  }

  private static Refusal media(XmlElement media, XmlElement stored) {
    for (XmlElement detail : media.children()) {
      if (!MEDIA_PARTS.contains(detail.name())) {
        return managersOnly("a medium's " + detail.name().getLocalPart());
      }
    }
    String status = media.child(STATUS).map(XmlElement::text).map(String::strip).orElse(null);
    String before =
        stored == null
            ? null
            : stored.child(STATUS).map(XmlElement::text).map(String::strip).orElse(null);
    if (sends(status) && before != null && !sends(before)) {
      return managersOnly("sending again on a stopped medium");
    }
    return null;
  }

  private static boolean sends(String status) {
    return "sendrecv".equals(status) || "sendonly".equals(status);
  }

  /** The stored medium of an endpoint of the user, by id; null when there is none. */
  private static XmlElement storedMedia(XmlElement user, String endpoint, String id) {
    if (user == null || endpoint == null || id == null) {
      return null;
    }
    for (XmlElement stored : user.children(ENDPOINT)) {
      if (endpoint.equals(stored.attribute("entity"))) {
        for (XmlElement media : stored.children(MEDIA)) {
          if (id.equals(media.attribute("id"))) {
            return media;
          }
        }
      }
    }
    return null;
  }

  /**
   * Null when a caller who does not manage the conference may join it through CCMP; else why not.
   * The rules are a SIP dial-in's (RFC 6501 sections 4.6.1, 4.6.2): what the caller proved is its
   * account; an anonymous joiner proved nothing and is known only by the endpoints it names.
   */
  static Refusal join(XmlElement document, Account sender, XmlElement user) {
    String joinHandling = UserLists.joinHandling(document);
    if ("block".equals(joinHandling)) {
      return new Refusal(CcmpResponseCode.FORBIDDEN, "the conference takes no participants");
    }
    if (!JOIN_HANDLINGS.contains(joinHandling)) {
      return new Refusal(
          CcmpResponseCode.FORBIDDEN, "join-handling " + joinHandling + " is not offered");
    }
    String policy = UserLists.admissionPolicy(document).orElse("");
    if ("anonymous".equals(policy)) {
      return null;
    }
    boolean closed = "closedAuthenticated".equals(policy);
    List<String> identities = new ArrayList<>();
    if (sender != null) {
      identities.add(sender.userId());
      identities.addAll(addresses(sender));
    }
    if (!closed) {
      List<String> claimedOrProved = new ArrayList<>(identities);
      claimedOrProved.addAll(endpoints(user));
      if (UserLists.listed(document, UserLists.DENIED, claimedOrProved)) {
        return new Refusal(CcmpResponseCode.UNAUTHORIZED, "denied by the conference");
      }
    }
    boolean proofNeeded =
        "authenticate".equals(joinHandling)
            || policy.endsWith("Authenticated")
            || (!closed && UserLists.namesAnyone(document, UserLists.DENIED));
    if (proofNeeded && sender == null) {
      return new Refusal(
          CcmpResponseCode.AUTHENTICATION_REQUIRED, "the conference admits its callers by account");
    }
    boolean listed =
        !identities.isEmpty() && UserLists.listed(document, UserLists.ALLOWED, identities);
    if (closed && !listed) {
      return new Refusal(CcmpResponseCode.UNAUTHORIZED, "not among the allowed users");
    }
    if ("confirm".equals(joinHandling) && !listed) {
      return new Refusal(
          CcmpResponseCode.UNAUTHORIZED, "a moderator admits the participants of this conference");
    }
    return null;
  }

  /** The entities of a user's endpoints: the addresses the focus is to call in a join. */
  static List<String> endpoints(XmlElement user) {
    List<String> endpoints = new ArrayList<>();
    for (XmlElement endpoint : user.children(ENDPOINT)) {
      String entity = endpoint.attribute("entity");
      if (entity != null && !entity.isBlank()) {
        endpoints.add(entity.trim());
      }
    }
    return endpoints;
  }

  /** The addresses an account answers at: its URIs, and its name at its domain. */
  static Set<String> addresses(Account account) {
    Set<String> addresses = new LinkedHashSet<>();
    for (String uri : account.uris()) {
      String address = Addresses.normalize(uri);
      if (address != null) {
        addresses.add(address);
      }
    }
    addresses.add(
        Addresses.normalize("sip:" + account.userId().substring("xcon-userid:".length())));
    return addresses;
  }

  private static Refusal managersOnly(String what) {
    return new Refusal(
        CcmpResponseCode.UNAUTHORIZED, what + " of a user is set by the conference's managers");
  }

  private static Refusal notYours(String uri) {
    return new Refusal(CcmpResponseCode.UNAUTHORIZED, uri + " is not an address of this account");
  }

  private static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }
}
