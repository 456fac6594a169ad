package io.xconf.accounts.internal;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the LDAP directory is and how to use it, checked: an unusable setting fails here, with a
 * message that names it, rather than as a refused login later.
 *
 * @param url {@code ldap://} or {@code ldaps://} host and port; nothing else of the URL is used
 * @param base the entry under which the accounts ({@code inetOrgPerson}) are searched
 * @param bindDn who searches; null: anonymous searches
 * @param adminGroup a {@code groupOfNames} ({@code member}) or {@code groupOfUniqueNames} ({@code
 *     uniqueMember}) whose members are administrators; null: nobody is
 * @param trustStore PKCS12 certificates trusted for {@code ldaps://}; null: the JDK's
 */
record LdapSettings(
    LDAPURL url,
    DN base,
    DN bindDn,
    String bindPassword,
    DN adminGroup,
    Path trustStore,
    String trustStorePassword,
    Duration timeout,
    Duration refresh,
    int poolSize) {

  boolean secure() {
    return url.getScheme().equals("ldaps");
  }

  /**
   * @param allowPlain whether {@code ldap://} may reach beyond this machine: every password checked
   *     crosses the network in clear then
   */
  static LdapSettings parse(
      String url,
      String base,
      String bindDn,
      String bindPassword,
      String adminGroup,
      String trustStore,
      String trustStorePassword,
      int timeoutMillis,
      int refreshSeconds,
      int poolSize,
      boolean allowPlain) {
    LDAPURL parsed;
    try {
      parsed = new LDAPURL(url.strip());
    } catch (LDAPException e) {
      throw new IllegalArgumentException("LDAP url '" + url + "' is not an LDAP URL", e);
    }
    if (!parsed.hostProvided()) {
      throw new IllegalArgumentException("LDAP url '" + url + "' names no host");
    }
    if (!parsed.getScheme().equals("ldaps") && !allowPlain && !isLoopback(parsed.getHost())) {
      throw new IllegalArgumentException(
          "LDAP url '"
              + url
              + "' is plain LDAP to another machine: passwords would cross the network in clear."
              + " Use ldaps://, or set allowPlain (XCONF_LDAP_ALLOW_PLAIN=true) on a network you"
              + " trust.");
    }
    if (blank(base)) {
      throw new IllegalArgumentException(
          "LDAP base (XCONF_LDAP_BASE) is required with an LDAP url");
    }
    if (!blank(bindDn) && blank(bindPassword)) {
      throw new IllegalArgumentException(
          "LDAP bind DN given without a password (XCONF_LDAP_BIND_PASSWORD)");
    }
    if (timeoutMillis < 100 || refreshSeconds < 1 || poolSize < 1) {
      throw new IllegalArgumentException(
          "LDAP timeout (at least 100 ms), refresh (at least 1 s) and pool size (at least 1)");
    }
    return new LdapSettings(
        parsed,
        dn("base", base),
        blank(bindDn) ? null : dn("bind DN", bindDn),
        blank(bindDn) ? null : bindPassword,
        blank(adminGroup) ? null : dn("administrators' group", adminGroup),
        blank(trustStore) ? null : Path.of(trustStore.strip()),
        blank(trustStorePassword) ? "" : trustStorePassword,
        Duration.ofMillis(timeoutMillis),
        Duration.ofSeconds(refreshSeconds),
        poolSize);
  }

  private static DN dn(String what, String value) {
    try {
      return new DN(value.strip());
    } catch (LDAPException e) {
      throw new IllegalArgumentException("LDAP " + what + " '" + value + "' is not a DN", e);
    }
  }

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  @Override
  public String toString() {
    // Never the passwords.
    return url.toString() + " base " + base + (bindDn == null ? " (anonymous)" : " as " + bindDn);
  }
}
