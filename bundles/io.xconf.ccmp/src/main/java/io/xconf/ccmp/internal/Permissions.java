package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.model.ConferenceObject;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * Who may do what with a conference (RFC 6503 section 10.2 leaves the policy to the server):
 *
 * <ul>
 *   <li>it is <em>managed</em> by its organizer (creator), by its users whose roles include {@code
 *       administrator} or {@code moderator}, and by server administrators;
 *   <li>it is <em>seen</em> by those who manage it and by its users;
 *   <li>a {@code conference-password} (RFC 6501 section 4.2.6) is asked of everyone who does not
 *       manage it: missing 423, wrong 422; and it is shown only to those who manage it.
 * </ul>
 */
final class Permissions {

  static final QName CONF_URIS = new QName(Namespaces.CONFERENCE_INFO, "conf-uris");
  static final QName ROLES = new QName(Namespaces.CONFERENCE_INFO, "roles");
  static final QName PASSWORD = new QName(Namespaces.XCON, "conference-password");
  private static final Set<String> MANAGING_ROLES = Set.of("administrator", "moderator");

  private Permissions() {}

  static boolean manages(ConferenceObject conference, Account sender) {
    if (sender == null) {
      return false;
    }
    if (sender.administrator() || sender.userId().equals(conference.owner())) {
      return true;
    }
    XmlElement user = UserHandlers.user(conference.document(), sender.userId());
    if (user == null) {
      return false;
    }
    for (XmlElement roles : user.children(ROLES)) {
      for (XmlElement role : roles.children()) {
        if (role.text() != null
            && MANAGING_ROLES.contains(role.text().trim().toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean sees(ConferenceObject conference, Account sender) {
    return manages(conference, sender)
        || (sender != null && UserHandlers.user(conference.document(), sender.userId()) != null);
  }

  /** Null when the password check passes; else 423 (none given) or 422 (wrong). */
  static CcmpResponseCode passwordCheck(ConferenceObject conference, Account sender, String given) {
    List<String> passwords = passwords(conference.document());
    if (passwords.isEmpty() || manages(conference, sender)) {
      return null;
    }
    if (given == null || given.isEmpty()) {
      return CcmpResponseCode.CONFERENCE_PASSWORD_REQUIRED;
    }
    return passwords.contains(given) ? null : CcmpResponseCode.INVALID_CONFERENCE_PASSWORD;
  }

  static List<String> passwords(XmlElement document) {
    List<String> passwords = new ArrayList<>();
    document
        .child(ModelBridge.DESCRIPTION)
        .flatMap(d -> d.child(CONF_URIS))
        .ifPresent(
            uris -> {
              for (XmlElement entry : uris.children()) {
                for (XmlElement password : entry.children(PASSWORD)) {
                  if (password.text() != null && !password.text().isEmpty()) {
                    passwords.add(password.text());
                  }
                }
              }
            });
    return passwords;
  }

  /** The document as {@code sender} may read it: passwords only for those who manage it. */
  static XmlElement visible(ConferenceObject conference, Account sender) {
    XmlElement document = conference.document();
    if (manages(conference, sender) || passwords(document).isEmpty()) {
      return document;
    }
    XmlElement description = document.child(ModelBridge.DESCRIPTION).orElseThrow();
    XmlElement uris = description.child(CONF_URIS).orElseThrow();
    List<XmlElement> entries = new ArrayList<>();
    for (XmlElement entry : uris.children()) {
      entries.add(entry.withoutChildren(PASSWORD));
    }
    List<XmlElement> children = new ArrayList<>();
    for (XmlElement child : description.children()) {
      children.add(child.name().equals(CONF_URIS) ? uris.withChildren(entries) : child);
    }
    List<XmlElement> root = new ArrayList<>();
    for (XmlElement child : document.children()) {
      root.add(
          child.name().equals(ModelBridge.DESCRIPTION)
              ? description.withChildren(children)
              : child);
    }
    return document.withChildren(root);
  }
}
