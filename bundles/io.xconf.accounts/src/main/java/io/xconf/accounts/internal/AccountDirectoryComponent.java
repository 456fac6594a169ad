package io.xconf.accounts.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.LoginThrottle;
import io.xconf.server.ServerIdentity;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The server's one {@link AccountDirectory}: the account file by default, an LDAP directory when
 * one is configured. Exactly one of them serves at a time, so that no login is ever checked against
 * the other; a changed configuration replaces it (and the components using it restart with it).
 * Configured by PID {@code io.xconf.accounts}.
 */
@Component(
    service = AccountDirectory.class,
    configurationPid = AccountDirectoryComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AccountDirectoryComponent.Config.class)
public final class AccountDirectoryComponent implements AccountDirectory {

  static final String PID = "io.xconf.accounts";

  @ObjectClassDefinition(
      name = "Xconf accounts",
      description =
          "Where accounts come from: accounts.properties in the data folder, or an LDAP directory.")
  public @interface Config {
    @AttributeDefinition(
        name = "LDAP URL",
        description =
            "ldaps://host:port (or ldap:// on this machine) of the directory whose inetOrgPerson"
                + " entries are the accounts. Empty: the account file.",
        required = false)
    String ldapUrl() default "";

    @AttributeDefinition(
        name = "LDAP base",
        description =
            "The entry under which accounts are searched, e.g. ou=people,dc=example,dc=com",
        required = false)
    String ldapBase() default "";

    @AttributeDefinition(
        name = "LDAP bind DN",
        description = "Who searches the directory; empty: anonymous searches.",
        required = false)
    String ldapBindDn() default "";

    @AttributeDefinition(
        name = "LDAP bind password",
        type = AttributeType.PASSWORD,
        required = false)
    String ldapBindPassword() default "";

    @AttributeDefinition(
        name = "LDAP administrators' group",
        description =
            "DN of a groupOfNames or groupOfUniqueNames whose members manage every conference;"
                + " empty: nobody from LDAP does.",
        required = false)
    String ldapAdminGroup() default "";

    @AttributeDefinition(
        name = "LDAP trust store",
        description = "PKCS12 certificates trusted for ldaps://; empty: the JDK's.",
        required = false)
    String ldapTrustStore() default "";

    @AttributeDefinition(
        name = "LDAP trust store password",
        type = AttributeType.PASSWORD,
        required = false)
    String ldapTrustStorePassword() default "";

    @AttributeDefinition(
        name = "LDAP timeout (ms)",
        description = "For connecting and for each answer.")
    int ldapTimeoutMillis() default 5000;

    @AttributeDefinition(
        name = "LDAP refresh (s)",
        description = "How often the accounts and their addresses are read afresh.")
    int ldapRefreshSeconds() default 60;

    @AttributeDefinition(
        name = "LDAP connections",
        description = "Kept, for searches and for password checks each; more while all are busy.")
    int ldapPoolSize() default 4;

    @AttributeDefinition(
        name = "Plain LDAP to other machines",
        description =
            "Allow ldap:// to a host that is not this machine: passwords then cross the network"
                + " in clear.")
    boolean ldapAllowPlain() default false;
  }

  private final AccountDirectory chosen;

  @Activate
  public AccountDirectoryComponent(@Reference ServerIdentity identity, Config config) {
    this.chosen =
        config.ldapUrl().isBlank()
            ? new FileAccountDirectory(identity)
            : new LdapAccountDirectory(
                LdapSettings.parse(
                    config.ldapUrl(),
                    config.ldapBase(),
                    config.ldapBindDn(),
                    config.ldapBindPassword(),
                    config.ldapAdminGroup(),
                    config.ldapTrustStore(),
                    config.ldapTrustStorePassword(),
                    config.ldapTimeoutMillis(),
                    config.ldapRefreshSeconds(),
                    config.ldapPoolSize(),
                    config.ldapAllowPlain()),
                identity.domain());
  }

  @Deactivate
  void close() {
    if (chosen instanceof LdapAccountDirectory ldap) {
      ldap.close();
    }
  }

  @Override
  public Optional<Account> byName(String name) {
    return chosen.byName(name);
  }

  @Override
  public Optional<Account> byUserId(String userId) {
    return chosen.byUserId(userId);
  }

  @Override
  public Optional<Account> byUri(String uri) {
    return chosen.byUri(uri);
  }

  @Override
  public List<Account> all() {
    return chosen.all();
  }

  @Override
  public Optional<Account> authenticate(String name, String password) {
    return chosen.authenticate(name, password);
  }

  @Override
  public Optional<String> digestHa1(String name, String realm, DigestAlgorithm algorithm) {
    return chosen.digestHa1(name, realm, algorithm);
  }

  @Override
  public LoginThrottle loginThrottle() {
    return chosen.loginThrottle();
  }
}
