package io.xconf.itests.support;

import static io.xconf.itests.support.SipClient.header;
import static io.xconf.itests.support.SipClient.status;
import static io.xconf.itests.support.SipClient.tag;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A call set up by hand from a {@link SipClient}: INVITE, 200, ACK; then re-INVITE or BYE. */
public final class SipCall {

  private static final Duration ANSWER = Duration.ofSeconds(5);

  public final SipClient client;
  public final String target;
  public final String callId;
  public final String from;
  public final String fromTag;
  public String toTag;
  public String credentials;
  public int mediaPort;
  public int cseq = 1;
  private final Map<String, String> extraHeaders = new LinkedHashMap<>();

  /** A call to {@code target} (a conference's SIP URI) from {@code from}, not sent yet. */
  public SipCall(SipClient client, String target, String from) {
    this.client = client;
    this.target = target;
    this.callId = "call-" + System.nanoTime();
    this.from = from;
    this.fromTag = Long.toHexString(System.nanoTime());
  }

  /** A header every INVITE of this call carries. */
  public SipCall with(String name, String value) {
    extraHeaders.put(name, value);
    return this;
  }

  public static SipCall anonymous(SipClient client, String target, String from) throws Exception {
    SipCall call = new SipCall(client, target, from);
    call.connect(call.invite(null));
    return call;
  }

  /** Challenged, then with the account's credentials. */
  public static SipCall authenticated(
      SipClient client, String target, String domain, String name, String password)
      throws Exception {
    SipCall call = new SipCall(client, target, "sip:" + name + "@" + domain);
    String challenge = call.invite(null);
    assertEquals(challenge, 401, status(challenge));
    call.ack(challenge);
    call.cseq++;
    call.credentials =
        Digest.answer(header(challenge, "WWW-Authenticate"), "INVITE", target, name, password, 1);
    call.connect(call.invite(call.credentials));
    return call;
  }

  /** Sends the INVITE and returns its final answer (not acknowledged yet). */
  public String invite(String authorization) throws Exception {
    SipClient.Message invite =
        client
            .request("INVITE", target)
            .header("From", "<" + from + ">;tag=" + fromTag)
            .header("To", "<" + target + ">")
            .header("Call-ID", callId)
            .header("CSeq", cseq + " INVITE")
            .header("Contact", "<sip:caller@127.0.0.1:" + client.port() + ">");
    extraHeaders.forEach(invite::header);
    if (authorization != null) {
      invite.header("Authorization", authorization);
    }
    client.send(invite.body("application/sdp", client.offer()));
    String answer = client.finalResponse(callId, "INVITE", ANSWER);
    assertNotNull("an answer to the INVITE", answer);
    return answer;
  }

  /** Takes a 200 answer: the dialog's tag and the mixer's port; acknowledged. */
  public void connect(String answer) throws Exception {
    assertEquals(answer, 200, status(answer));
    toTag = tag(header(answer, "To"));
    mediaPort = SipClient.mediaPort(answer);
    ack(answer);
  }

  public void ack(String answer) throws IOException {
    client.send(
        client
            .request("ACK", target)
            .header("From", "<" + from + ">;tag=" + fromTag)
            .header("To", header(answer, "To"))
            .header("Call-ID", callId)
            .header("CSeq", cseq + " ACK"));
  }

  public int reinvite(String offer) throws Exception {
    client.send(
        inDialog("INVITE")
            .header("Contact", "<sip:caller@127.0.0.1:" + client.port() + ">")
            .body("application/sdp", offer));
    String answer = client.finalResponse(callId, "INVITE", ANSWER);
    if (status(answer) == 200) {
      ack(answer);
    }
    return status(answer);
  }

  public int hangUp() throws Exception {
    client.send(inDialog("BYE"));
    return status(client.finalResponse(callId, "BYE", ANSWER));
  }

  /** The next request of this call's dialog. */
  private SipClient.Message inDialog(String method) {
    cseq++;
    return client
        .request(method, target)
        .header("From", "<" + from + ">;tag=" + fromTag)
        .header("To", "<" + target + ">;tag=" + toTag)
        .header("Call-ID", callId)
        .header("CSeq", cseq + " " + method);
  }
}
