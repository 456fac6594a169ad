package io.xconf.accounts.internal;

import static org.junit.Assert.assertEquals;

import io.xconf.accounts.Account;
import java.util.List;
import java.util.function.Function;
import org.junit.Test;

public class AccountIndexTest {

  private static Account account(String name, String... uris) {
    return new Account(name, "xcon-userid:" + name + "@example.com", false, List.of(uris));
  }

  @Test
  public void anAccountsOwnAddressIsItsWhateverAnotherLists() {
    Account alice = account("alice", "sip:alice.desk@pbx.example.org");
    Account mallory = account("mallory", "sip:Alice@EXAMPLE.com", "sip:alice@example.com;lr");
    AccountIndex<Account> index = AccountIndex.of(List.of(mallory, alice), Function.identity());
    assertEquals(alice, index.byAddress().get("sip:alice@example.com"));
    assertEquals(alice, index.byAddress().get("sip:alice.desk@pbx.example.org"));
    assertEquals(mallory, index.byAddress().get("sip:mallory@example.com"));
    // The user part is case-sensitive: sip:Alice@ is another address, and mallory lists it.
    assertEquals(mallory, index.byAddress().get("sip:Alice@example.com"));
  }

  @Test
  public void anAddressTwoAccountsListIsTheFirstByName() {
    Account bob = account("bob", "tel:+15550100");
    Account carol = account("carol", "tel:+1-555-0100");
    assertEquals(
        bob,
        AccountIndex.of(List.of(carol, bob), Function.identity()).byAddress().get("tel:+15550100"));
  }
}
