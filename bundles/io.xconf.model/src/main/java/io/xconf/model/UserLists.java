package io.xconf.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.namespace.QName;

/**
 * The admission settings of a conference document's {@code <users>} (RFC 6501 sections 4.6.1 and
 * 4.6.2): join-handling, user-admission-policy and the allowed and deny lists, read the same way
 * wherever someone joins (a SIP dial-in, a CCMP self-join).
 */
public final class UserLists {

  /** The list of whom the conference lets in (and whom it calls: targets with method dial-out). */
  public static final String ALLOWED = "allowed-users-list";

  /** The list of whom the conference refuses. */
  public static final String DENIED = "deny-users-list";

  private static final QName USERS = new QName(Namespaces.CONFERENCE_INFO, "users");

  private UserLists() {}

  /** RFC 6501 join-handling; {@code allow} when unset. */
  public static String joinHandling(XmlElement document) {
    return setting(document, "join-handling").orElse("allow");
  }

  /** RFC 6501 user-admission-policy: closedAuthenticated, openAuthenticated or anonymous. */
  public static Optional<String> admissionPolicy(XmlElement document) {
    return setting(document, "user-admission-policy");
  }

  private static Optional<String> setting(XmlElement document, String name) {
    return document
        .child(USERS)
        .flatMap(users -> users.child(xcon(name)))
        .map(XmlElement::text)
        .map(String::strip)
        .filter(text -> !text.isEmpty());
  }

  /**
   * Whether a list of targets ({@link #ALLOWED}, {@link #DENIED}) names one of these identities: an
   * XCON-USERID or an address, or a whole domain as {@code *@example.com}.
   */
  public static boolean listed(XmlElement document, String list, List<String> identities) {
    List<String> wanted = identities.stream().map(UserLists::listable).toList();
    return document
        .child(USERS)
        .flatMap(users -> users.child(xcon(list)))
        .map(
            targets ->
                targets.children(xcon("target")).stream()
                    .map(t -> t.attribute("uri"))
                    .filter(uri -> uri != null)
                    .anyMatch(uri -> names(uri, wanted)))
        .orElse(false);
  }

  /** Whether a list of targets names anyone at all. */
  public static boolean namesAnyone(XmlElement document, String list) {
    return document
        .child(USERS)
        .flatMap(users -> users.child(xcon(list)))
        .map(targets -> !targets.children(xcon("target")).isEmpty())
        .orElse(false);
  }

  private static boolean names(String target, List<String> identities) {
    int wildcard = target.indexOf("*@");
    if (wildcard >= 0) {
      String domain = "@" + listable(target.substring(wildcard + 2)).toLowerCase(Locale.ROOT);
      return identities.stream().anyMatch(id -> id.toLowerCase(Locale.ROOT).endsWith(domain));
    }
    return identities.contains(listable(target));
  }

  /**
   * An address as the lists compare it: as SIP compares it loosely, and without a port, since a
   * list names people, not the ports they use (sip:mallory@host:5080 is the mallory a deny list
   * names as sip:mallory@host).
   */
  public static String listable(String address) {
    String comparable = UserIds.comparable(address);
    int host = comparable.indexOf('@') + 1;
    int port = comparable.lastIndexOf(':');
    int literalEnd = comparable.lastIndexOf(']');
    if (host > 0
        && port > host
        && port > literalEnd
        && comparable.substring(port + 1).matches("\\d+")) {
      return comparable.substring(0, port);
    }
    return comparable;
  }

  private static QName xcon(String localName) {
    return new QName(Namespaces.XCON, localName);
  }
}
