package io.xconf.accounts.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class LdapSettingsTest {

  private static LdapSettings parse(String url, String base, String bindDn, String password) {
    return LdapSettings.parse(url, base, bindDn, password, "", "", "", 5000, 60, 4, false);
  }

  @Test
  public void plainLdapIsForThisMachineOnly() {
    LdapSettings local = parse("ldap://127.0.0.1:3890", "dc=example,dc=com", "", "");
    assertFalse(local.secure());
    assertNull(local.bindDn());
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("ldap://192.0.2.10:389", "dc=example,dc=com", "", ""));
    assertTrue(refused.getMessage(), refused.getMessage().contains("in clear"));
    assertTrue(parse("ldaps://192.0.2.10:636", "dc=example,dc=com", "", "").secure());
    assertEquals(
        "192.0.2.10",
        LdapSettings.parse(
                "ldap://192.0.2.10", "dc=example,dc=com", "", "", "", "", "", 5000, 60, 4, true)
            .url()
            .getHost());
  }

  @Test
  public void whatCannotWorkIsRefusedByName() {
    for (String[] bad :
        new String[][] {
          {"http://127.0.0.1", "dc=example,dc=com", "", ""},
          {"ldap://127.0.0.1", "", "", ""},
          {"ldap://127.0.0.1", "not a dn ===", "", ""},
          {"ldap://127.0.0.1", "dc=example,dc=com", "cn=xconf,dc=example,dc=com", ""},
        }) {
      assertThrows(
          String.join(" ", bad),
          IllegalArgumentException.class,
          () -> parse(bad[0], bad[1], bad[2], bad[3]));
    }
  }

  @Test
  public void passwordsNeverShowInTheDescription() {
    LdapSettings settings =
        parse("ldap://127.0.0.1", "dc=example,dc=com", "cn=xconf,dc=example,dc=com", "s3cret!");
    assertFalse(settings.toString().contains("s3cret!"));
  }
}
