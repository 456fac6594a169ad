package io.xconf.sip.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.Addresses;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.DigestVerifier;
import io.xconf.sip.SipAuthenticator;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP Digest against the Xconf accounts with the accounts' {@link DigestVerifier} (the class CCMP's
 * HTTP Digest uses): the realm is the server's domain; the stack challenges as a UAS and as a
 * registrar, so with 401 and WWW-Authenticate. A request from a trusted proxy may instead carry the
 * identity that proxy proved (RFC 3325): believed as Digest would be, except for REGISTER, where
 * only the account's own credentials bind a contact.
 */
final class DigestAuthentication implements SipAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(DigestAuthentication.class);

  private final AccountDirectory accounts;
  private final HeaderFactory headers;
  private final String domain;
  private final DigestVerifier verifier;
  private final TrustedProxies trustedProxies;

  DigestAuthentication(
      AccountDirectory accounts,
      HeaderFactory headers,
      String domain,
      List<DigestAlgorithm> algorithms,
      TrustedProxies trustedProxies) {
    this.accounts = accounts;
    this.trustedProxies = trustedProxies;
    this.headers = headers;
    this.domain = domain;
    this.verifier = new DigestVerifier(accounts, domain, algorithms, System::currentTimeMillis);
  }

  @Override
  public SipIdentity identify(SipRequest sipRequest) {
    if (sipRequest instanceof IncomingRequest incoming) {
      synchronized (incoming) {
        SipIdentity known = incoming.identity();
        if (known == null) {
          known = verify(sipRequest);
          incoming.identity(known);
        }
        return known;
      }
    }
    return verify(sipRequest);
  }

  private SipIdentity verify(SipRequest sipRequest) {
    Request request = sipRequest.message();
    if (!Request.REGISTER.equals(request.getMethod())
        && trustedProxies.trusts(sipRequest.source())) {
      SipIdentity asserted = asserted(request);
      if (asserted != null) {
        return asserted;
      }
    }
    boolean stale = false;
    ListIterator<?> credentials = request.getHeaders(AuthorizationHeader.NAME);
    while (credentials != null && credentials.hasNext()) {
      String value = value((Header) credentials.next());
      if (!value.regionMatches(true, 0, "Digest ", 0, 7)) {
        continue;
      }
      String requestUri = request.getRequestURI().toString();
      DigestVerifier.Outcome outcome =
          verifier.verify(
              value.substring(7),
              request.getMethod(),
              uri -> uri.equals(requestUri) || sameAddress(uri, requestUri));
      if (outcome.account() != null) {
        return new SipIdentity(outcome.account(), identities(outcome.account()), false);
      }
      stale |= outcome.staleNonce();
    }
    return stale ? new SipIdentity(null, List.of(), true) : SipIdentity.NONE;
  }

  /**
   * The identity a trusted proxy asserts: the account one of its URIs belongs to, else the URIs
   * themselves (a user of the platform without a Xconf account); null when it asserts none.
   */
  private SipIdentity asserted(Request request) {
    List<String> uris = TrustedProxies.asserted(request);
    for (String uri : uris) {
      Account account = accountAt(uri);
      if (account != null) {
        return new SipIdentity(account, identities(account), false);
      }
    }
    List<String> identities = new ArrayList<>();
    for (String uri : uris) {
      String address = Addresses.normalize(uri);
      // RFC 3323's anonymous URI names no one.
      if (address != null
          && !address.toLowerCase(java.util.Locale.ROOT).endsWith("@anonymous.invalid")
          && !identities.contains(address)) {
        identities.add(address);
      }
    }
    return identities.isEmpty() ? null : new SipIdentity(null, identities, false);
  }

  /**
   * The account an asserted URI names: {@code sip:<name>@<domain>} is the account of that name, as
   * a proxy that authenticated the name asserts it (another account listing that address as one of
   * its own must not take it over); any other URI is looked up among the accounts' addresses.
   */
  private Account accountAt(String uri) {
    String address = Addresses.normalize(uri);
    String suffix = "@" + domain;
    if (address != null
        && address.startsWith("sip:")
        && address.toLowerCase(java.util.Locale.ROOT).endsWith(suffix)) {
      Account named =
          accounts.byName(address.substring(4, address.length() - suffix.length())).orElse(null);
      if (named != null) {
        return named;
      }
    }
    return accounts.byUri(uri).orElse(null);
  }

  @Override
  public void challenge(SipRequest request, boolean stale) {
    try {
      Response unauthorized = request.response(Response.UNAUTHORIZED);
      for (String challenge : verifier.challenges(stale)) {
        unauthorized.addHeader(headers.createHeader("WWW-Authenticate", challenge));
      }
      request.send(unauthorized);
    } catch (Exception e) {
      LOG.debug("401 failed", e);
    }
  }

  @Override
  public boolean owns(Account account, String address) {
    return accounts.byUri(address).map(a -> a.name().equals(account.name())).orElse(false);
  }

  @Override
  public List<String> identities(Account account) {
    List<String> identities = new ArrayList<>();
    identities.add(account.userId());
    identities.add("sip:" + account.name() + "@" + domain);
    identities.addAll(account.uris());
    return identities;
  }

  private static boolean sameAddress(String a, String b) {
    String left = Addresses.normalize(a);
    return left != null && left.equals(Addresses.normalize(b));
  }

  /** A header's value: its text after the name and colon. */
  private static String value(Header header) {
    String text = header.toString();
    int colon = text.indexOf(':');
    return text.substring(colon + 1).strip();
  }

  static List<DigestAlgorithm> algorithms(String configured) {
    List<DigestAlgorithm> algorithms = new ArrayList<>();
    for (String token : configured.split(",")) {
      if (token.isBlank()) {
        continue;
      }
      DigestAlgorithm algorithm = DigestAlgorithm.fromToken(token);
      if (algorithm == null) {
        throw new IllegalArgumentException("unknown Digest algorithm " + token.strip());
      }
      algorithms.add(algorithm);
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("SIP Digest needs at least one algorithm");
    }
    return algorithms;
  }
}
