package io.xconf.ccmp;

import io.xconf.accounts.Account;
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
 *   <li>a {@code conference-password} (RFC 6501 section 4.2.6) is asked of everyone, managers too
 *       (RFC 6503 section 5.1: every request whose target is password-protected carries it):
 *       missing 423, wrong 422; and it is shown only to those who manage it;
 *   <li>the identifiers of its calls' dialogs (RFC 4575 {@code call-info}: Call-ID and tags, with
 *       which a request could pass for a participant's) are shown only to those who manage it.
 * </ul>
 */
public final class ConferenceAccess {

  static final QName CONF_URIS = new QName(Namespaces.CONFERENCE_INFO, "conf-uris");
  public static final QName ROLES = new QName(Namespaces.CONFERENCE_INFO, "roles");
  static final QName PASSWORD = new QName(Namespaces.XCON, "conference-password");
  private static final Set<String> MANAGING_ROLES =
      Set.of("administrator", "moderator", "organizer");

  private static final QName DESCRIPTION =
      new QName(Namespaces.CONFERENCE_INFO, "conference-description");
  private static final QName USERS = new QName(Namespaces.CONFERENCE_INFO, "users");
  private static final QName USER = new QName(Namespaces.CONFERENCE_INFO, "user");
  private static final QName ENDPOINT = new QName(Namespaces.CONFERENCE_INFO, "endpoint");
  private static final QName CALL_INFO = new QName(Namespaces.CONFERENCE_INFO, "call-info");
  private static final QName SIDEBARS_BY_VAL =
      new QName(Namespaces.CONFERENCE_INFO, "sidebars-by-val");

  private ConferenceAccess() {}

  /** The {@code <user>} of a conference document with this entity, or null. */
  public static XmlElement user(XmlElement document, String entity) {
    XmlElement users = document.child(USERS).orElse(null);
    if (users == null) {
      return null;
    }
    for (XmlElement user : users.children()) {
      if (user.name().equals(USER) && entity.equals(user.attribute("entity"))) {
        return user;
      }
    }
    return null;
  }

  public static boolean manages(ConferenceObject conference, Account sender) {
    if (sender == null) {
      return false;
    }
    if (sender.administrator() || sender.userId().equals(conference.owner())) {
      return true;
    }
    XmlElement user = user(conference.document(), sender.userId());
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

  public static boolean sees(ConferenceObject conference, Account sender) {
    return manages(conference, sender)
        || (sender != null && user(conference.document(), sender.userId()) != null);
  }

  /**
   * Null when the password check passes; else 423 (none given) or 422 (wrong). Everyone is asked,
   * whoever {@code sender} is (since 1.2: managers were exempt before).
   */
  public static CcmpResponseCode passwordCheck(
      ConferenceObject conference, Account sender, String given) {
    List<String> passwords = passwords(conference.document());
    if (passwords.isEmpty()) {
      return null;
    }
    if (given == null || given.isEmpty()) {
      return CcmpResponseCode.CONFERENCE_PASSWORD_REQUIRED;
    }
    return passwords.contains(given) ? null : CcmpResponseCode.INVALID_CONFERENCE_PASSWORD;
  }

  public static List<String> passwords(XmlElement document) {
    // On every request about a conference: plain loops, and nothing made when there is none.
    List<String> passwords = List.of();
    for (XmlElement description : document.children()) {
      if (!description.name().equals(DESCRIPTION)) {
        continue;
      }
      for (XmlElement uris : description.children()) {
        if (!uris.name().equals(CONF_URIS)) {
          continue;
        }
        for (XmlElement entry : uris.children()) {
          for (XmlElement password : entry.children()) {
            if (password.name().equals(PASSWORD)
                && password.text() != null
                && !password.text().isEmpty()) {
              if (passwords.isEmpty()) {
                passwords = new ArrayList<>(1);
              }
              passwords.add(password.text());
            }
          }
        }
      }
    }
    return passwords;
  }

  /**
   * The document as {@code sender} may read it: passwords and the calls' dialog identifiers only
   * for those who manage it.
   */
  public static XmlElement visible(ConferenceObject conference, Account sender) {
    XmlElement document = conference.document();
    return manages(conference, sender) ? document : withoutSecrets(document);
  }

  /** A conference document, or a sidebar by value within one, without passwords and call-info. */
  private static XmlElement withoutSecrets(XmlElement document) {
    List<XmlElement> root = new ArrayList<>();
    boolean changed = false;
    for (XmlElement child : document.children()) {
      XmlElement seen;
      if (child.name().equals(DESCRIPTION)) {
        seen = withoutPasswords(child);
      } else if (child.name().equals(USERS)) {
        seen = withoutCallInfo(child);
      } else if (child.name().equals(SIDEBARS_BY_VAL)) {
        seen =
            child.withChildren(
                child.children().stream().map(ConferenceAccess::withoutSecrets).toList());
      } else {
        seen = child;
      }
      changed |= seen != child;
      root.add(seen);
    }
    return changed ? document.withChildren(root) : document;
  }

  /**
   * One user of the document as someone may read it: the calls' dialog identifiers only for those
   * who manage the conference.
   */
  public static XmlElement visibleUser(XmlElement user, boolean manager) {
    return manager || user == null ? user : userWithoutCallInfo(user);
  }

  private static XmlElement withoutPasswords(XmlElement description) {
    XmlElement uris = description.child(CONF_URIS).orElse(null);
    if (uris == null || !hasPassword(uris)) {
      return description;
    }
    List<XmlElement> entries = new ArrayList<>();
    for (XmlElement entry : uris.children()) {
      entries.add(entry.withoutChildren(PASSWORD));
    }
    List<XmlElement> children = new ArrayList<>();
    for (XmlElement child : description.children()) {
      children.add(child.name().equals(CONF_URIS) ? uris.withChildren(entries) : child);
    }
    return description.withChildren(children);
  }

  private static boolean hasPassword(XmlElement uris) {
    return uris.children().stream().anyMatch(entry -> entry.child(PASSWORD).isPresent());
  }

  private static XmlElement withoutCallInfo(XmlElement users) {
    boolean found = false;
    List<XmlElement> children = new ArrayList<>();
    for (XmlElement user : users.children()) {
      XmlElement seen = user.name().equals(USER) ? userWithoutCallInfo(user) : user;
      children.add(seen);
      found |= seen != user;
    }
    return found ? users.withChildren(children) : users;
  }

  /** A user without its endpoints' call-info; the same element when it has none. */
  private static XmlElement userWithoutCallInfo(XmlElement user) {
    List<XmlElement> endpoints = new ArrayList<>();
    boolean found = false;
    for (XmlElement child : user.children()) {
      if (child.name().equals(ENDPOINT) && child.child(CALL_INFO).isPresent()) {
        endpoints.add(child.withoutChildren(CALL_INFO));
        found = true;
      } else {
        endpoints.add(child);
      }
    }
    return found ? user.withChildren(endpoints) : user;
  }
}
