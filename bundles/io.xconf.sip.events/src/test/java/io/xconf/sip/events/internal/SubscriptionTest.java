package io.xconf.sip.events.internal;

import static org.junit.Assert.assertEquals;

import io.xconf.model.ConferenceObject;
import io.xconf.model.Namespaces;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import io.xconf.sip.Sip;
import io.xconf.sip.SipClientHandler;
import io.xconf.sip.SipRequest;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import javax.xml.namespace.QName;
import org.junit.Before;
import org.junit.Test;

/**
 * One NOTIFY in flight per watcher, over a real JAIN-SIP message factory: the next waits for the
 * answer, and a subscription whose NOTIFY fails always gives its place back.
 */
public class SubscriptionTest {

  private static final String CONFERENCE = "xcon:room@example.com";
  private static final long FAR = Long.MAX_VALUE / 2;

  private MessageFactory messages;
  private HeaderFactory headers;
  private AddressFactory addresses;
  private final List<Request> sent = new ArrayList<>();
  private final List<SipClientHandler> awaiting = new ArrayList<>();
  private int ended;

  @Before
  public void factories() throws Exception {
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    messages = factory.createMessageFactory();
    headers = factory.createHeaderFactory();
    addresses = factory.createAddressFactory();
  }

  @Test
  public void theNextNotifyWaitsForTheAnswerToTheLast() throws Exception {
    Subscription subscription = subscription();
    subscription.renewed(FAR, view());
    subscription.renewed(FAR, view());
    assertEquals("one NOTIFY until it is answered", 1, sent.size());
    awaiting.get(0).response(answer(Response.TRYING));
    assertEquals("a provisional answer is no answer", 1, sent.size());
    awaiting.get(0).response(answer(Response.OK));
    assertEquals(2, sent.size());
  }

  @Test
  public void anEndQueuedBehindANotifyThatFailsStillGivesThePlaceBack() throws Exception {
    Subscription subscription = subscription();
    subscription.renewed(FAR, view());
    subscription.end(SubscriptionStateHeader.TIMEOUT, true);
    assertEquals(1, sent.size());
    awaiting.get(0).timeout();
    assertEquals("the owner hears of the end once", 1, ended);
    subscription.end(SubscriptionStateHeader.TIMEOUT, true);
    assertEquals(1, ended);
    assertEquals("nothing is sent to a watcher that is gone", 1, sent.size());
  }

  @Test
  public void aWatcherThatForgotTheSubscriptionEndsIt() throws Exception {
    Subscription subscription = subscription();
    subscription.renewed(FAR, view());
    subscription.renewed(FAR, view());
    awaiting.get(0).response(answer(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST));
    assertEquals(1, ended);
    assertEquals(1, sent.size());
  }

  private Subscription subscription() throws Exception {
    Subscription.Owner owner =
        new Subscription.Owner() {
          @Override
          public Optional<ConferenceObject> conference(String uri) {
            return Optional.of(
                new ConferenceObject(
                    CONFERENCE,
                    ObjectKind.CONFERENCE,
                    null,
                    1,
                    null,
                    "sip:room@example.com",
                    XmlElement.of(new QName(Namespaces.CONFERENCE_INFO, "conference-info")),
                    Instant.now()));
          }

          @Override
          public void refresh(SipRequest request, Subscription subscription) {}

          @Override
          public void ended(Subscription subscription) {
            ended++;
          }
        };
    Subscription subscription =
        new Subscription(
            sip(),
            owner,
            Runnable::run,
            Runnable::run,
            CONFERENCE,
            InetAddress.getLoopbackAddress(),
            headers.createContactHeader(addresses.createAddress("<sip:room@example.com;isfocus>")),
            view());
    subscription.dialog(dialog());
    return subscription;
  }

  private static Bodies.View view() {
    return new Bodies.View(Bodies.Format.CONFERENCE_INFO, false);
  }

  /** The stack as a subscription uses it: its factories, and sends that wait for an answer. */
  private Sip sip() {
    return (Sip)
        Proxy.newProxyInstance(
            Sip.class.getClassLoader(),
            new Class<?>[] {Sip.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "headers" -> headers;
                  case "messages" -> messages;
                  case "addresses" -> addresses;
                  case "send" -> {
                    sent.add((Request) args[1]);
                    awaiting.add((SipClientHandler) args[2]);
                    yield null;
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /** A dialog that makes NOTIFYs, its remote target a UDP one. */
  private Dialog dialog() {
    return (Dialog)
        Proxy.newProxyInstance(
            Dialog.class.getClassLoader(),
            new Class<?>[] {Dialog.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "createRequest" -> notifyRequest();
                  case "getRemoteTarget" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private Request notifyRequest() throws Exception {
    SipURI watcher = addresses.createSipURI("watcher", "127.0.0.1");
    return messages.createRequest(
        watcher,
        Request.NOTIFY,
        headers.createCallIdHeader("watch-1"),
        headers.createCSeqHeader((long) sent.size() + 1, Request.NOTIFY),
        headers.createFromHeader(addresses.createAddress("sip:room@example.com"), "focus"),
        headers.createToHeader(addresses.createAddress("sip:watcher@example.com"), "watcher"),
        new ArrayList<>(
            List.of(headers.createViaHeader("127.0.0.1", 5060, "udp", "z9hG4bK" + sent.size()))),
        headers.createMaxForwardsHeader(70));
  }

  private ResponseEvent answer(int status) throws Exception {
    Response response = messages.createResponse(status, sent.get(sent.size() - 1));
    return new ResponseEvent(this, null, null, response);
  }
}
