package io.xconf.accounts.internal;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import io.xconf.accounts.Account;
import io.xconf.accounts.Addresses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** How an LDAP entry becomes an {@link Account}. */
final class LdapEntries {

  /** What is read of an account's entry. */
  static final String[] ACCOUNT_ATTRIBUTES = {"uid", "labeledURI", "telephoneNumber"};

  /** What is read of the administrators' group. */
  static final String[] GROUP_ATTRIBUTES = {"member", "uniqueMember"};

  /** A telephone number once separators are gone: what a tel: URI can carry. */
  private static final Pattern NUMBER = Pattern.compile("tel:\\+?[0-9*#]{1,32}");

  /** An account and the entry it came from (the DN to bind as). */
  record LdapAccount(Account account, DN dn) {}

  private LdapEntries() {}

  /**
   * The account of an {@code inetOrgPerson} entry: named by its {@code uid} (empty when it has
   * none, several, or one no SIP or XCON user part can carry), reached at its {@code labeledURI}
   * values that are SIP, SIPS or tel URIs (RFC 2079: the URI, then an optional label) and at its
   * {@code telephoneNumber} values as tel URIs.
   */
  static Optional<LdapAccount> accountOf(Entry entry, String domain, Set<DN> administrators) {
    String[] uids = entry.getAttributeValues("uid");
    if (uids == null || uids.length != 1 || !StoredAccount.isValidName(uids[0])) {
      return Optional.empty();
    }
    DN dn;
    try {
      dn = entry.getParsedDN();
    } catch (LDAPException e) {
      return Optional.empty();
    }
    String name = uids[0];
    Set<String> uris = new LinkedHashSet<>();
    for (String value : values(entry, "labeledURI")) {
      String uri = value.strip().split("\\s+", 2)[0];
      String address = Addresses.normalize(uri);
      if (address != null && !(address.startsWith("tel:") && !NUMBER.matcher(address).matches())) {
        uris.add(uri);
      }
    }
    for (String value : values(entry, "telephoneNumber")) {
      String address = Addresses.normalize("tel:" + value.strip());
      if (address != null && NUMBER.matcher(address).matches()) {
        uris.add(address);
      }
    }
    return Optional.of(
        new LdapAccount(
            new Account(
                name,
                "xcon-userid:" + name + "@" + domain,
                administrators.contains(dn),
                new ArrayList<>(uris)),
            dn));
  }

  /**
   * The members of a group entry: {@code member} values, and {@code uniqueMember} values without
   * their optional {@code #'...'B} unique identifier.
   */
  static Set<DN> membersOf(Entry group) {
    Set<DN> members = new HashSet<>();
    for (String value : values(group, "member")) {
      parse(value).ifPresent(members::add);
    }
    for (String value : values(group, "uniqueMember")) {
      int hash = value.lastIndexOf("#'");
      parse(hash < 0 ? value : value.substring(0, hash)).ifPresent(members::add);
    }
    return members;
  }

  private static Optional<DN> parse(String dn) {
    try {
      return Optional.of(new DN(dn));
    } catch (LDAPException e) {
      return Optional.empty();
    }
  }

  private static List<String> values(Entry entry, String attribute) {
    String[] values = entry.getAttributeValues(attribute);
    return values == null ? List.of() : List.of(values);
  }
}
