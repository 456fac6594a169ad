package io.xconf.focus.sip.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.Addresses;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.accounts.DigestVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP Digest (RFC 3261 section 22, RFC 8760) against the Xconf accounts, with the credentials
 * CCMP's HTTP Digest takes: the realm is the server's domain. The focus challenges as a UAS and as
 * a registrar, so with 401 and WWW-Authenticate.
 */
final class SipDigest {

  private static final Logger LOG = LoggerFactory.getLogger(SipDigest.class);

  /** What a request proved: an account, or a challenge to send (stale or not). */
  record Proof(Account account, boolean stale) {}

  private final Signalling sip;
  private final DigestVerifier verifier;
  private final AccountDirectory accounts;

  SipDigest(Signalling sip, AccountDirectory accounts, List<DigestAlgorithm> algorithms) {
    this.sip = sip;
    this.accounts = accounts;
    this.verifier = new DigestVerifier(accounts, sip.domain, algorithms, System::currentTimeMillis);
  }

  /** The account whose Digest credentials the request carries for our realm. */
  Proof check(Request request) {
    boolean stale = false;
    ListIterator<?> headers = request.getHeaders(AuthorizationHeader.NAME);
    while (headers != null && headers.hasNext()) {
      String credentials = value((Header) headers.next());
      if (!credentials.regionMatches(true, 0, "Digest ", 0, 7)) {
        continue;
      }
      String requestUri = request.getRequestURI().toString();
      DigestVerifier.Outcome outcome =
          verifier.verify(
              credentials.substring(7),
              request.getMethod(),
              uri -> uri.equals(requestUri) || sameAddress(uri, requestUri));
      if (outcome.account() != null) {
        return new Proof(outcome.account(), false);
      }
      stale |= outcome.staleNonce();
    }
    return new Proof(null, stale);
  }

  /** 401 with a challenge per algorithm. */
  void challenge(RequestEvent event, ServerTransaction transaction, boolean stale) {
    try {
      Response unauthorized =
          sip.messages.createResponse(Response.UNAUTHORIZED, event.getRequest());
      for (String challenge : verifier.challenges(stale)) {
        unauthorized.addHeader(sip.headers.createHeader("WWW-Authenticate", challenge));
      }
      transaction.sendResponse(unauthorized);
    } catch (Exception e) {
      LOG.debug("401 failed", e);
    }
  }

  /**
   * Whether an account may act for this address: the directory finds the account at it (its {@code
   * sip:<name>@<domain>} or one of its URIs).
   */
  boolean owns(Account account, String address) {
    return accounts.byUri(address).map(a -> a.name().equals(account.name())).orElse(false);
  }

  /** The addresses that name an account in conference lists, its XCON-USERID first. */
  List<String> identities(Account account) {
    List<String> identities = new ArrayList<>();
    identities.add(account.userId());
    identities.add("sip:" + account.name() + "@" + sip.domain);
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
