package io.xconf.sip;

import io.xconf.accounts.Account;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * SIP Digest (RFC 3261 section 22, RFC 8760) against the Xconf accounts, with the realm and
 * credentials CCMP's HTTP Digest takes. Each nonce count is accepted once, so a captured
 * Authorization header cannot be replayed.
 */
@ProviderType
public interface SipAuthenticator {

  /** Who the request's credentials prove; {@link SipIdentity#NONE} without valid ones. */
  SipIdentity identify(SipRequest request);

  /** 401 with a challenge per offered algorithm. */
  void challenge(SipRequest request, boolean stale);

  /** The addresses that name an account in conference lists, its XCON-USERID first. */
  List<String> identities(Account account);

  /** Whether an account may act for an address of this domain (its own or one of its URIs). */
  boolean owns(Account account, String address);
}
