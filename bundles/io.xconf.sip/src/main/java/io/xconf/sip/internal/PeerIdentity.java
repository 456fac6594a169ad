package io.xconf.sip.internal;

import gov.nist.javax.sip.ClientTransactionExt;
import gov.nist.javax.sip.TlsSecurityPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.sip.address.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check JAIN-SIP leaves out of TLS: the certificate of a peer the stack calls must name the
 * host it called (RFC 5922 section 7.2, in short): its subjectAltName lists that DNS name (a
 * wildcard for one leftmost label), that IP address, or {@code sip:<host>}. Without it, any
 * certificate a trusted authority issued would do for any target.
 */
final class PeerIdentity implements TlsSecurityPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(PeerIdentity.class);
  private static final int DNS_NAME = 2;
  private static final int URI = 6;
  private static final int IP_ADDRESS = 7;

  /** Told the transaction and the reason of a request not sent: the stack tells no one. */
  private final BiConsumer<ClientTransactionExt, String> refused;

  PeerIdentity(BiConsumer<ClientTransactionExt, String> refused) {
    this.refused = refused;
  }

  @Override
  public void enforceTlsPolicy(ClientTransactionExt transaction) {
    try {
      check(transaction);
    } catch (SecurityException e) {
      LOG.warn("Not sent over TLS: {}", e.getMessage());
      refused.accept(transaction, e.getMessage());
      throw e;
    }
  }

  private static void check(ClientTransactionExt transaction) {
    if (!(transaction.getRequest().getRequestURI() instanceof SipURI target)) {
      throw new SecurityException("no SIP host to check the peer's certificate against");
    }
    Certificate[] chain;
    try {
      chain = transaction.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new SecurityException("the peer showed no certificate", e);
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate peer)) {
      throw new SecurityException("the peer showed no certificate");
    }
    try {
      if (!names(peer.getSubjectAlternativeNames(), target.getHost())) {
        throw new SecurityException("the peer's certificate does not name " + target.getHost());
      }
    } catch (CertificateParsingException e) {
      throw new SecurityException("the peer's certificate cannot be read", e);
    }
  }

  /** Whether subjectAltName entries (as {@link X509Certificate} lists them) name {@code host}. */
  static boolean names(Collection<List<?>> alternativeNames, String host) {
    if (alternativeNames == null || host == null) {
      return false;
    }
    String wanted = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    boolean literal = wanted.matches("[0-9.]+") || wanted.contains(":");
    for (List<?> entry : alternativeNames) {
      if (entry.size() < 2 || !(entry.get(0) instanceof Integer type)) {
        continue;
      }
      String value = String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT);
      boolean match =
          switch (type) {
            case IP_ADDRESS -> literal && sameAddress(value, wanted);
            case DNS_NAME -> !literal && dnsMatch(value, wanted);
            case URI -> value.equals("sip:" + wanted);
            default -> false;
          };
      if (match) {
        return true;
      }
    }
    return false;
  }

  private static boolean dnsMatch(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  private static boolean sameAddress(String a, String b) {
    try {
      // Literals only: getByName parses them without a lookup.
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
