package io.xconf.focus.sip.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.mixer.MixerControl;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import io.xconf.server.ServerIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.CSeqHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conference focus (RFC 4353, RFC 4579) on JAIN-SIP. It owns the SIP stack and hands each
 * request and each change of a conference object to the part that deals with it: {@link DialIn},
 * {@link DialOut}, {@link ConferenceEvents}, {@link Schedule}; {@link LiveConferences} holds what
 * runs now. Transactions and dialogs are the stack's.
 */
@Component(
    immediate = true,
    service = ConferenceChangeListener.class,
    configurationPid = SipFocus.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SipFocus.Config.class)
public final class SipFocus implements SipListener, ConferenceChangeListener {

  static final String PID = "io.xconf.focus.sip";
  private static final Logger LOG = LoggerFactory.getLogger(SipFocus.class);

  @ObjectClassDefinition(name = "Xconf SIP focus", description = "Where conferences meet SIP.")
  public @interface Config {
    @AttributeDefinition(name = "SIP port", description = "UDP and TCP.", min = "1", max = "65535")
    int port() default 5060;

    @AttributeDefinition(
        name = "Address",
        description = "The IP address the focus listens on and puts into Via and Contact.")
    String address() default "127.0.0.1";

    @AttributeDefinition(name = "Transports", description = "Comma-separated: udp, tcp.")
    String transports() default "udp,tcp";

    @AttributeDefinition(
        name = "TLS port",
        description = "SIP over TLS, when a keystore is configured.",
        min = "1",
        max = "65535")
    int tlsPort() default 5061;

    @AttributeDefinition(
        name = "TLS keystore",
        description =
            "A PKCS12 keystore with the focus's key and certificate; SIP over TLS listens only"
                + " when one is given.")
    String tlsKeyStore() default "";

    @AttributeDefinition(
        name = "TLS keystore password",
        type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String tlsKeyStorePassword() default "";

    @AttributeDefinition(
        name = "TLS truststore",
        description =
            "A PKCS12 truststore for the certificates of peers the focus calls over TLS; the"
                + " JDK's certificate authorities when empty.")
    String tlsTrustStore() default "";

    @AttributeDefinition(
        name = "TLS truststore password",
        type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String tlsTrustStorePassword() default "";

    @AttributeDefinition(
        name = "Mixer",
        description =
            "The xconf.mixer.name of the mixer for conferences whose document names none"
                + " (xconf:mixer in conference-description, inherited from the blueprint).")
    String mixer() default "embedded";

    @AttributeDefinition(
        name = "New calls and subscriptions per second",
        description =
            "INVITEs and SUBSCRIBEs that start a dialog, on average (bursts of as many); more"
                + " are answered 503 with Retry-After.",
        min = "1")
    int maxNewDialogsPerSecond() default 500;

    @AttributeDefinition(
        name = "Registrar",
        description =
            "Accept REGISTER from Xconf accounts (SIP Digest) and forward requests for their"
                + " addresses to the registered contacts. Off behind a SIP proxy.")
    boolean registrar() default true;

    @AttributeDefinition(
        name = "Digest algorithms",
        description = "Offered in SIP challenges, in order of preference (RFC 8760): SHA-256, MD5.")
    String digestAlgorithms() default "SHA-256,MD5";
  }

  private final ConferenceService model;
  private final SipStack stack;
  private final Signalling sip;
  private final LiveConferences live;
  private final DialIn dialIn;
  private final DialOut dialOut;
  private final Schedule schedule;
  private final ConferenceEvents events;
  private final RequestRate newDialogs;
  private final Registrar registrar;
  private final Referrals referrals;
  private static final int RETRY_AFTER_SECONDS = 5;

  @Activate
  public SipFocus(
      @Reference ConferenceService model,
      @Reference ServerIdentity identity,
      @Reference AccountDirectory accounts,
      Config config)
      throws Exception {
    this.model = model;
    this.newDialogs = new RequestRate(config.maxNewDialogsPerSecond());
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties properties = new Properties();
    // SipFactory keeps every stack by name, stopped ones too (STACK.md pitfall 4).
    properties.setProperty("javax.sip.STACK_NAME", "xconf-focus-" + UUID.randomUUID());
    properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
    properties.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
    // The focus makes its dialogs itself (Signalling.dialogOf): in-dialog requests of dialogs it
    // only forwards (a BYE from a phone that uses it as its proxy) then reach it rather than
    // being refused by the stack, and it answers 481 itself for those it does not know.
    properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    // Bursts (hundreds of SUBSCRIBEs or INVITEs at once) must queue in the socket, not be lost.
    properties.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "1048576");
    properties.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", "1048576");
    properties.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    properties.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    boolean tls = !config.tlsKeyStore().isBlank();
    if (tls) {
      tlsProperties(config, properties);
    }
    this.stack = factory.createSipStack(properties);
    String address = config.address().strip();
    List<ListeningPoint> points = new ArrayList<>();
    for (String transport : config.transports().split(",")) {
      if (!transport.isBlank()) {
        points.add(
            stack.createListeningPoint(
                address, config.port(), transport.strip().toLowerCase(Locale.ROOT)));
      }
    }
    if (tls) {
      points.add(stack.createListeningPoint(address, config.tlsPort(), ListeningPoint.TLS));
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("the focus needs at least one transport");
    }
    SipProvider provider = stack.createSipProvider(points.get(0));
    for (ListeningPoint point : points.subList(1, points.size())) {
      provider.addListeningPoint(point);
    }
    this.sip =
        new Signalling(
            provider,
            factory.createMessageFactory(),
            factory.createHeaderFactory(),
            factory.createAddressFactory(),
            address,
            config.port(),
            tls ? config.tlsPort() : -1,
            identity.domain());
    SipDigest digest =
        new SipDigest(sip, accounts, SipDigest.algorithms(config.digestAlgorithms()));
    this.registrar = config.registrar() ? new Registrar(sip, digest, accounts) : null;
    this.live = new LiveConferences(model, sip, config.mixer().strip());
    this.dialIn = new DialIn(model, sip, live, digest);
    this.dialOut = new DialOut(model, sip, live, registrar);
    this.schedule =
        new Schedule(live, dialOut, dialIn, uri -> model.get(uri).map(ConferenceObject::document));
    this.referrals = new Referrals(model, sip, live, dialIn, dialOut, digest);
    if (tls) {
      DialOut calls = dialOut;
      Referrals refers = referrals;
      ((gov.nist.javax.sip.SipStackImpl) stack)
          .setTlsSecurityPolicy(
              new PeerIdentity(
                  (callId, reason) -> {
                    calls.refused(callId, reason);
                    refers.refused(callId, reason);
                  }));
    }
    this.events =
        new ConferenceEvents(
            provider, sip.messages, sip.headers, sip::contact, sip::recordRoute, sip::dialogOf);
    schedule.timers.scheduleWithFixedDelay(
        () -> {
          long now = System.currentTimeMillis();
          events.expire(now);
          dialIn.expireWaiting(now);
          dialOut.expire(now);
          if (registrar != null) {
            registrar.expire(now);
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    provider.addSipListener(this);
    stack.start();
    LOG.info(
        "SIP focus on {}:{} ({}){}",
        address,
        config.port(),
        config.transports(),
        tls ? ", TLS on " + config.tlsPort() : "");
    // Timers come from the stored conferences, so they survive a restart; conferences running
    // now have their dial-out targets called again (their calls ended with the old process).
    for (ConferenceObject conference : model.conferences()) {
      schedule.set(conference.uri(), conference.document());
      if (Activation.isActive(conference.document(), Instant.now())) {
        dialOut.later(conference.uri(), conference.document());
      }
    }
  }

  /**
   * The stack's TLS: the operator's key; peers' certificates checked against the configured
   * truststore or the JDK's authorities; callers need no certificate of their own (SIP Digest tells
   * who they are).
   */
  private static void tlsProperties(Config config, Properties properties) {
    java.nio.file.Path keyStore = java.nio.file.Path.of(config.tlsKeyStore().strip());
    if (!java.nio.file.Files.isReadable(keyStore)) {
      throw new IllegalArgumentException("the SIP TLS keystore " + keyStore + " is not readable");
    }
    properties.setProperty("javax.net.ssl.keyStore", keyStore.toString());
    properties.setProperty("javax.net.ssl.keyStorePassword", config.tlsKeyStorePassword());
    properties.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
    String trustStore = config.tlsTrustStore().strip();
    if (trustStore.isEmpty()) {
      properties.setProperty(
          "javax.net.ssl.trustStore",
          java.nio.file.Path.of(System.getProperty("java.home"), "lib", "security", "cacerts")
              .toString());
      properties.setProperty("javax.net.ssl.trustStorePassword", "changeit");
      properties.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    } else {
      properties.setProperty("javax.net.ssl.trustStore", trustStore);
      properties.setProperty("javax.net.ssl.trustStorePassword", config.tlsTrustStorePassword());
      properties.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
    // Both directions; the stack's defaults (TLS 1.0 to 1.2, RSA key exchange only) fail
    // against today's peers and EC keys.
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
    properties.setProperty(
        "gov.nist.javax.sip.ENABLED_CIPHER_SUITES",
        String.join(
            ",",
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            // RFC 5630's mandatory suite, for older SIP peers.
            "TLS_RSA_WITH_AES_128_CBC_SHA"));
  }

  @Deactivate
  public void deactivate() {
    schedule.shutdown();
    dialOut.shutdown();
    live.shutdown();
    sip.provider.removeSipListener(this);
    stack.stop();
  }

  @Reference(
      service = MixerControl.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void addMixer(MixerControl mixer, Map<String, Object> properties) {
    Object name = properties.get(MixerControl.NAME);
    if (name != null) {
      live.addMixer(name.toString(), mixer);
    }
  }

  void removeMixer(MixerControl mixer, Map<String, Object> properties) {
    Object name = properties.get(MixerControl.NAME);
    if (name != null) {
      live.removeMixer(name.toString(), mixer);
    }
  }

  // ----- SIP -----

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    if (startsDialog(request) && !newDialogs.tryAcquire()) {
      overloaded(event);
      return;
    }
    try {
      if (registrar != null && routesElsewhere(request) && registrar.route(event)) {
        return;
      }
      if (unknownDialog(event)) {
        sip.respond(event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "no such dialog");
        return;
      }
      switch (request.getMethod()) {
        case Request.REGISTER -> register(event);
        case Request.INVITE -> dialIn.invite(event);
        case Request.BYE -> dialIn.bye(event);
        case Request.SUBSCRIBE -> subscribe(event);
        case Request.REFER -> referrals.refer(event);
          // The focus subscribes to nothing; users it REFERs are asked not to report (Refer-Sub).
        case Request.NOTIFY ->
            sip.respond(event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "no such subscription");
        case Request.ACK -> {
          // The dialog is confirmed; media flows already.
        }
        case Request.CANCEL -> {
          if (!dialIn.cancel(event)) {
            sip.respond(event, Response.OK, null);
          }
        }
        case Request.OPTIONS -> sip.respond(event, Response.OK, null);
        default -> sip.respond(event, Response.METHOD_NOT_ALLOWED, null);
      }
    } catch (RuntimeException e) {
      LOG.error("{} failed", request.getMethod(), e);
      sip.respond(event, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  private void register(RequestEvent event) {
    if (registrar == null) {
      sip.respond(event, Response.METHOD_NOT_ALLOWED, "no registrar here");
    } else {
      registrar.register(event);
    }
  }

  /**
   * A request that names no conference: for a registered user, perhaps, whether it starts a dialog
   * or continues one the focus forwarded (phones that send ACK and BYE to their proxy).
   */
  private boolean routesElsewhere(Request request) {
    return !Request.REGISTER.equals(request.getMethod())
        && !live.isCall(Signalling.callId(request))
        && dialIn.conferenceOf(request).isEmpty();
  }

  /**
   * An INVITE, SUBSCRIBE or REFER with a To tag for a dialog the focus does not have (RFC 3261
   * section 12.2.2): the stack, which makes no dialogs itself, passes it on rather than refusing
   * it.
   */
  private static boolean unknownDialog(RequestEvent event) {
    Request request = event.getRequest();
    String method = request.getMethod();
    if (!Request.INVITE.equals(method)
        && !Request.SUBSCRIBE.equals(method)
        && !Request.REFER.equals(method)) {
      return false;
    }
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    return to != null && to.getTag() != null && event.getDialog() == null;
  }

  /** An INVITE, SUBSCRIBE or REFER outside a dialog (no To tag): something new to set up. */
  private static boolean startsDialog(Request request) {
    String method = request.getMethod();
    if (!Request.INVITE.equals(method)
        && !Request.SUBSCRIBE.equals(method)
        && !Request.REFER.equals(method)) {
      return false;
    }
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    return to == null || to.getTag() == null;
  }

  /** 503 with Retry-After (RFC 3261 section 21.5.4): come back later rather than pile up. */
  private void overloaded(RequestEvent event) {
    ServerTransaction transaction = sip.serverTransaction(event);
    if (transaction == null) {
      return;
    }
    try {
      Response busy = sip.messages.createResponse(Response.SERVICE_UNAVAILABLE, event.getRequest());
      busy.addHeader(sip.headers.createRetryAfterHeader(RETRY_AFTER_SECONDS));
      transaction.sendResponse(busy);
    } catch (Exception e) {
      LOG.debug("503 failed", e);
    }
  }

  /** RFC 4575: watchers of a conference, admitted as callers into it would be. */
  private void subscribe(RequestEvent event) {
    ServerTransaction transaction = sip.serverTransaction(event);
    if (transaction == null) {
      return;
    }
    EventHeader eventHeader = (EventHeader) event.getRequest().getHeader(EventHeader.NAME);
    if (eventHeader == null || !ConferenceEvents.EVENT.equals(eventHeader.getEventType())) {
      sip.respond(event, transaction, Response.BAD_EVENT, "only the conference event package");
      return;
    }
    Optional<ConferenceObject> conference = dialIn.conferenceOf(event.getRequest());
    if (conference.isEmpty()) {
      sip.respond(event, transaction, Response.NOT_FOUND, "no such conference");
      return;
    }
    if (dialIn.admit(event, transaction, conference.get().document(), false) == null) {
      return;
    }
    try {
      events.subscribe(event, transaction, conference.get());
    } catch (Exception e) {
      LOG.error("SUBSCRIBE to {} failed", conference.get().uri(), e);
      sip.respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  @Override
  public void processResponse(ResponseEvent event) {
    if (registrar != null && registrar.forwarder.response(event)) {
      return;
    }
    CSeqHeader cseq = (CSeqHeader) event.getResponse().getHeader(CSeqHeader.NAME);
    if (cseq != null && Request.REFER.equals(cseq.getMethod())) {
      referrals.response(event);
    } else {
      dialOut.response(event);
    }
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    dialOut.timeout(event);
    referrals.timeout(event);
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    LOG.debug("SIP I/O failure towards {}:{}", event.getHost(), event.getPort());
    dialOut.unreachable(event.getHost(), event.getPort());
    referrals.unreachable(event.getHost(), event.getPort());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {}

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {}

  // ----- the model -----

  @Override
  public void changed(ConferenceChange change) {
    if (change.kind() != ConferenceChange.Kind.CREATED) {
      // In commit order, on the committing thread: the partial NOTIFYs keep the versions' order.
      events.changed(change, sip.sipUriOf(change.uri()));
    }
    if (change.kind() == ConferenceChange.Kind.DELETED) {
      schedule.cancel(change.uri());
      dialOut.forget(change.uri());
      dialIn.refuseWaiting(change.uri(), Response.NOT_FOUND, "the conference is gone");
      live.endAll(change.uri(), null);
      return;
    }
    if (LiveConferences.ACTOR.equals(change.actor()) || change.after() == null) {
      return; // the focus's own roster updates change nothing it acts on
    }
    boolean conference =
        model.get(change.uri()).map(o -> o.kind() == ObjectKind.CONFERENCE).orElse(false);
    if (conference) {
      XmlElement after = change.after();
      schedule.set(change.uri(), after);
      dialOut.later(change.uri(), after);
      dialIn.reconsider(change.uri(), after);
      if (live.hasMix(change.uri())) {
        live.applyControls(change.uri(), Optional.of(after));
      }
    }
  }
}
