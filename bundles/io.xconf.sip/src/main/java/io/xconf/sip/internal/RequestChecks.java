package io.xconf.sip.internal;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.RequireHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * What every request must pass before a handler sees it (RFC 3261 section 8.2): a version the
 * server speaks, a SIP URI, no extension it would have to pretend to support. The stack's parser
 * has refused what it cannot read.
 */
final class RequestChecks {

  /** Option tags (RFC 3261 section 19.2) the server implements; none of the optional ones yet. */
  private static final Set<String> SUPPORTED = Set.of();

  /**
   * Why a request is refused.
   *
   * @param unsupported the option tags of a 420's Unsupported header
   */
  record Refusal(int status, String reason, List<String> unsupported) {}

  private RequestChecks() {}

  /** The refusal {@code request} gets, or null when handlers may see it. */
  static Refusal check(Request request) {
    if (request instanceof SIPRequest parsed
        && parsed.getRequestLine() != null
        && !"SIP/2.0".equalsIgnoreCase(parsed.getRequestLine().getSipVersion())) {
      return new Refusal(Response.VERSION_NOT_SUPPORTED, "only SIP/2.0", List.of());
    }
    CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
    if (cseq != null && !cseq.getMethod().equals(request.getMethod())) {
      return new Refusal(Response.BAD_REQUEST, "CSeq method differs", List.of());
    }
    if (!(request.getRequestURI() instanceof SipURI)) {
      return new Refusal(
          Response.UNSUPPORTED_URI_SCHEME, "only sip: and sips: URIs are served", List.of());
    }
    if (Request.CANCEL.equals(request.getMethod())) {
      return null; // RFC 3261 section 9.1: a CANCEL's Require is not to be acted on
    }
    List<String> unsupported = new ArrayList<>();
    ListIterator<?> requires = request.getHeaders(RequireHeader.NAME);
    while (requires != null && requires.hasNext()) {
      String tag = ((RequireHeader) requires.next()).getOptionTag();
      if (tag != null && !SUPPORTED.contains(tag.strip().toLowerCase(Locale.ROOT))) {
        unsupported.add(tag.strip());
      }
    }
    if (!unsupported.isEmpty()) {
      return new Refusal(Response.BAD_EXTENSION, null, unsupported);
    }
    return null;
  }
}
