package io.xconf.sip.internal;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.DigestAlgorithm;
import io.xconf.sip.SipIdentity;
import java.text.ParseException;
import java.util.List;
import javax.sip.RequestEvent;

/** The stack's first steps with a datagram, for the fuzz tests of other packages. */
public final class StackFuzzing {

  private static final PlainParseErrors PARSER = new PlainParseErrors();

  private final DigestAuthentication digest;

  /** SIP Digest for {@code domain} against {@code accounts}, as the stack checks it. */
  public StackFuzzing(AccountDirectory accounts, String domain) {
    this.digest =
        new DigestAuthentication(
            accounts,
            new HeaderFactoryImpl(),
            domain,
            List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5),
            TrustedProxies.NONE);
  }

  /** The message as the stack's parser reads it; a ParseException is the stack's 400. */
  public static SIPMessage parse(byte[] datagram) throws ParseException {
    return PARSER.createMessageParser(null).parseSIPMessage(datagram, true, false, null);
  }

  /** Whether the stack refuses the request before any handler sees it. */
  public static boolean refused(SIPRequest request) {
    return RequestChecks.check(request) != null;
  }

  /** What the request's credentials prove. */
  public SipIdentity identify(SIPRequest request) {
    return digest.identify(
        new IncomingRequest(new RequestEvent(this, null, null, request), null, null, null, null));
  }
}
