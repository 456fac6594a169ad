package io.xconf.sip;

import io.xconf.accounts.Account;
import java.util.List;

/**
 * Who a request proved to come from. Only authenticated identities may grant anything (join a
 * closed conference, skip a moderator, refer): what a request merely claims (its From) never does.
 *
 * @param account the account whose SIP Digest credentials the request carried, or null
 * @param identities the addresses that name the sender in conference lists, its XCON-USERID first;
 *     empty when nothing was proved
 * @param staleCredentials the credentials were right but their nonce was too old or already used: a
 *     new challenge says {@code stale=true}, so the client retries without asking its user
 */
public record SipIdentity(Account account, List<String> identities, boolean staleCredentials) {

  public static final SipIdentity NONE = new SipIdentity(null, List.of(), false);

  public SipIdentity {
    identities = List.copyOf(identities);
  }

  public boolean authenticated() {
    return !identities.isEmpty();
  }
}
