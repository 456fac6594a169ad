package io.xconf.accounts.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import io.xconf.accounts.Account;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class LdapEntriesTest {

  private static Entry person(String dn, String... attributes) throws Exception {
    String[] ldif = new String[attributes.length + 2];
    ldif[0] = "dn: " + dn;
    ldif[1] = "objectClass: inetOrgPerson";
    System.arraycopy(attributes, 0, ldif, 2, attributes.length);
    return new Entry(ldif);
  }

  @Test
  public void anEntryIsTheAccountOfItsUidReachedAtItsSipAndTelephoneAddresses() throws Exception {
    Entry alice =
        person(
            "uid=alice,ou=people,dc=example,dc=com",
            "uid: alice",
            "labeledURI: sip:alice.desk@pbx.example.org Desk phone",
            "labeledURI: https://example.org/~alice Home page",
            "labeledURI: tel:+44-20-7946-0018",
            "labeledURI: mailto:alice@example.org",
            "telephoneNumber: +1 (555) 0100",
            "telephoneNumber: call the front desk");
    Account account = LdapEntries.accountOf(alice, "example.com", Set.of()).orElseThrow().account();
    assertEquals("alice", account.name());
    assertEquals("xcon-userid:alice@example.com", account.userId());
    assertFalse(account.administrator());
    assertEquals(
        List.of("sip:alice.desk@pbx.example.org", "tel:+44-20-7946-0018", "tel:+15550100"),
        account.uris());
  }

  @Test
  public void aMemberOfTheAdministratorsGroupIsAnAdministrator() throws Exception {
    Entry group =
        new Entry(
            "dn: cn=xconf-admins,ou=groups,dc=example,dc=com",
            "objectClass: groupOfUniqueNames",
            "uniqueMember: UID=Carol, ou=People,dc=example,dc=com#'0101'B",
            "member: not a dn ===");
    Set<DN> administrators = LdapEntries.membersOf(group);
    assertEquals(Set.of(new DN("uid=carol,ou=people,dc=example,dc=com")), administrators);
    Entry carol = person("uid=carol,ou=people,dc=example,dc=com", "uid: carol");
    assertTrue(
        LdapEntries.accountOf(carol, "example.com", administrators)
            .orElseThrow()
            .account()
            .administrator());
  }

  @Test
  public void anEntryWithoutOneUsableUidIsNoAccount() throws Exception {
    for (String[] uids :
        List.of(
            new String[] {},
            new String[] {"uid: alice", "uid: alice2"},
            new String[] {"uid: alice@example.com"},
            new String[] {"uid: -rf"},
            new String[] {"uid: al ice"})) {
      Entry entry = person("cn=someone,dc=example,dc=com", uids);
      assertTrue(
          String.join(",", uids), LdapEntries.accountOf(entry, "example.com", Set.of()).isEmpty());
    }
  }
}
