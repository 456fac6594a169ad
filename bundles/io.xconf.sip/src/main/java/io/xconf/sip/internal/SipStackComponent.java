package io.xconf.sip.internal;

import gov.nist.javax.sip.SipStackImpl;
import io.micrometer.core.instrument.MeterRegistry;
import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.server.ServerIdentity;
import io.xconf.sip.Sip;
import io.xconf.sip.SipAuthenticator;
import io.xconf.sip.SipClientHandler;
import io.xconf.sip.SipDialogHandler;
import io.xconf.sip.SipIdentity;
import io.xconf.sip.SipRequest;
import io.xconf.sip.SipRequestHandler;
import io.xconf.sip.SipResponseHandler;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ListeningPoint;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.Transaction;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP stack (JAIN-SIP RI): its listening points, TLS, transactions and dialogs. Nothing else
 * touches the stack: handlers are given requests by the {@link Dispatcher} and send through {@link
 * Sip}. Configured by PID {@code io.xconf.sip}.
 */
@Component(
    immediate = true,
    service = {Sip.class, SipAuthenticator.class},
    configurationPid = SipStackComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SipStackComponent.Config.class)
public final class SipStackComponent implements Sip, SipAuthenticator {

  static final String PID = "io.xconf.sip";
  private static final Logger LOG = LoggerFactory.getLogger(SipStackComponent.class);

  @ObjectClassDefinition(
      name = "Xconf SIP stack",
      description = "Where Xconf listens for SIP, and how it tells who calls.")
  public @interface Config {
    @AttributeDefinition(name = "SIP port", description = "UDP and TCP.", min = "1", max = "65535")
    int port() default 5060;

    @AttributeDefinition(
        name = "Address",
        description = "The IP address the stack listens on and puts into Via and Contact.")
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
            "A PKCS12 keystore with the server's key and certificate; SIP over TLS listens only"
                + " when one is given.")
    String tlsKeyStore() default "";

    @AttributeDefinition(name = "TLS keystore password", type = AttributeType.PASSWORD)
    String tlsKeyStorePassword() default "";

    @AttributeDefinition(
        name = "TLS truststore",
        description =
            "A PKCS12 truststore for the certificates of peers called over TLS; the JDK's"
                + " certificate authorities when empty.")
    String tlsTrustStore() default "";

    @AttributeDefinition(name = "TLS truststore password", type = AttributeType.PASSWORD)
    String tlsTrustStorePassword() default "";

    @AttributeDefinition(
        name = "New calls and subscriptions per second",
        description =
            "INVITEs, SUBSCRIBEs and REFERs that start a dialog, on average (bursts of as many);"
                + " more are answered 503 with Retry-After.",
        min = "1")
    int maxNewDialogsPerSecond() default 500;

    @AttributeDefinition(
        name = "Digest algorithms",
        description = "Offered in SIP challenges, in order of preference (RFC 8760): SHA-256, MD5.")
    String digestAlgorithms() default "SHA-256,MD5";

    @AttributeDefinition(
        name = "Outbound proxy",
        description =
            "A SIP URI (sip:host:port;lr): every request the server starts outside a dialog goes"
                + " through it. Empty: straight to the target.")
    String outboundProxy() default "";

    @AttributeDefinition(
        name = "Trusted proxies",
        description =
            "Comma-separated IP[:port]: requests from these carry an identity the server believes"
                + " (P-Asserted-Identity, RFC 3325). From anyone else the header is removed.")
    String trustedProxies() default "";
  }

  private final SipStack stack;
  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;
  private final AddressFactory addresses;
  private final String domain;
  private final String address;
  private final int port;

  private final SecureRandom tags = new SecureRandom();

  /** The TLS port, or -1 without TLS. */
  private final int tlsPort;

  private final List<String> transports;

  private final DigestAuthentication digest;
  private final Dispatcher dispatcher;

  /** Where requests outside dialogs go first (a Route with lr), or null. */
  private final SipURI outboundProxy;

  private final ClientTransactions clients = new ClientTransactions();
  private final Whiteboard<SipRequestHandler> requestHandlers = new Whiteboard<>();
  private final Whiteboard<SipResponseHandler> responseHandlers = new Whiteboard<>();

  @Activate
  public SipStackComponent(
      @Reference ServerIdentity identity,
      @Reference AccountDirectory accounts,
      @Reference MeterRegistry meters,
      Config config)
      throws Exception {
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    this.stack = factory.createSipStack(StackSettings.of(config));
    ((SipStackImpl) stack).setMessageParserFactory(new PlainParseErrors());
    this.messages = factory.createMessageFactory();
    this.headers = factory.createHeaderFactory();
    this.addresses = factory.createAddressFactory();
    this.domain = identity.domain();
    this.address = config.address().strip();
    this.port = config.port();
    boolean tls = !config.tlsKeyStore().isBlank();
    this.tlsPort = tls ? config.tlsPort() : -1;
    List<ListeningPoint> points = new ArrayList<>();
    for (String transport : config.transports().split(",")) {
      if (!transport.isBlank()) {
        points.add(
            stack.createListeningPoint(address, port, transport.strip().toLowerCase(Locale.ROOT)));
      }
    }
    if (tls) {
      points.add(stack.createListeningPoint(address, tlsPort, ListeningPoint.TLS));
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("SIP needs at least one transport");
    }
    this.transports =
        points.stream()
            .map(ListeningPoint::getTransport)
            .map(t -> t.toLowerCase(Locale.ROOT))
            .toList();
    this.provider = stack.createSipProvider(points.get(0));
    for (ListeningPoint point : points.subList(1, points.size())) {
      provider.addListeningPoint(point);
    }
    this.outboundProxy = outboundProxy(config.outboundProxy());
    TrustedProxies trustedProxies = TrustedProxies.parse(config.trustedProxies());
    this.digest =
        new DigestAuthentication(
            accounts,
            headers,
            domain,
            DigestAuthentication.algorithms(config.digestAlgorithms()),
            trustedProxies);
    if (tls) {
      ((SipStackImpl) stack)
          .setTlsSecurityPolicy(
              new PeerIdentity(
                  (transaction, reason) -> {
                    SipClientHandler handler = clients.ended(transaction);
                    if (handler != null) {
                      handler.failed("503 " + reason);
                    }
                  }));
    }
    this.dispatcher =
        new Dispatcher(
            this,
            provider,
            requestHandlers,
            responseHandlers,
            clients,
            new RequestRate(config.maxNewDialogsPerSecond()),
            trustedProxies,
            new SipMetrics(meters));
    provider.addSipListener(dispatcher);
    stack.start();
    LOG.info(
        "SIP on {}:{} ({}){}{}{}",
        address,
        port,
        config.transports(),
        tls ? ", TLS on " + tlsPort : "",
        outboundProxy == null ? "" : ", outbound proxy " + outboundProxy,
        trustedProxies.isEmpty() ? "" : ", trusting identities from " + config.trustedProxies());
  }

  private SipURI outboundProxy(String configured) throws ParseException {
    if (configured.isBlank()) {
      return null;
    }
    if (!(addresses.createURI(configured.strip()) instanceof SipURI proxy)) {
      throw new IllegalArgumentException("the outbound proxy must be a sip: URI: " + configured);
    }
    // RFC 3261 section 8.1.2: a pre-existing route set of one loose router.
    proxy.setLrParam();
    return proxy;
  }

  @Deactivate
  void deactivate() {
    provider.removeSipListener(dispatcher);
    stack.stop();
  }

  @Reference(
      service = SipRequestHandler.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void addRequestHandler(
      ComponentServiceObjects<SipRequestHandler> handler, Map<String, Object> properties) {
    requestHandlers.add(handler, properties);
  }

  void removeRequestHandler(ComponentServiceObjects<SipRequestHandler> handler) {
    requestHandlers.remove(handler);
  }

  @Reference(
      service = SipResponseHandler.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void addResponseHandler(
      ComponentServiceObjects<SipResponseHandler> handler, Map<String, Object> properties) {
    responseHandlers.add(handler, properties);
  }

  void removeResponseHandler(ComponentServiceObjects<SipResponseHandler> handler) {
    responseHandlers.remove(handler);
  }

  // ----- Sip -----

  @Override
  public MessageFactory messages() {
    return messages;
  }

  @Override
  public HeaderFactory headers() {
    return headers;
  }

  @Override
  public AddressFactory addresses() {
    return addresses;
  }

  @Override
  public String domain() {
    return domain;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public int port(String transport) {
    return "tls".equalsIgnoreCase(transport) && tlsPort > 0 ? tlsPort : port;
  }

  @Override
  public List<String> transports() {
    return transports;
  }

  @Override
  public boolean isLocal(SipURI uri) {
    if (uri == null || uri.getHost() == null) {
      return false;
    }
    String host = uri.getHost();
    if (host.equalsIgnoreCase(domain)) {
      return true;
    }
    return host.equals(address)
        && (uri.getPort() <= 0 || uri.getPort() == port || uri.getPort() == tlsPort);
  }

  @Override
  public String newTag() {
    // 64 random bits: a dialog's secrecy is its tags.
    return Long.toHexString(tags.nextLong());
  }

  @Override
  public CallIdHeader newCallId() {
    return provider.getNewCallId();
  }

  @Override
  public ViaHeader via(String transport) {
    try {
      return headers.createViaHeader(address, port(transport), transport, null);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the stack's Via", e);
    }
  }

  @Override
  public RecordRouteHeader recordRoute(String transport) {
    try {
      SipURI uri = localUri(null, transport);
      uri.setLrParam();
      return headers.createRecordRouteHeader(addresses.createAddress(uri));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the stack's Record-Route", e);
    }
  }

  @Override
  public SipURI localUri(String user, String transport) {
    try {
      SipURI uri = addresses.createSipURI(user, address);
      uri.setPort(port(transport));
      uri.setTransportParam(transport);
      return uri;
    } catch (Exception e) {
      throw new IllegalStateException("cannot write a local SIP URI", e);
    }
  }

  @Override
  public Dialog dialog(Transaction transaction, SipDialogHandler owner) {
    Dialog dialog = transaction.getDialog();
    if (dialog == null) {
      try {
        dialog = provider.getNewDialog(transaction);
      } catch (SipException e) {
        throw new IllegalStateException("no dialog for " + transaction.getRequest().getMethod(), e);
      }
    }
    dialog.setApplicationData(owner);
    transaction.setApplicationData(owner);
    return dialog;
  }

  @Override
  public ClientTransaction send(Request request, SipClientHandler handler) throws SipException {
    return open(request, handler, null);
  }

  @Override
  public String transportToward(SipURI target) {
    return Sip.transportOf(outboundProxy == null ? target : outboundProxy);
  }

  @Override
  public ClientTransaction open(
      Request request, SipClientHandler handler, SipDialogHandler dialogOwner) throws SipException {
    if (outboundProxy != null && request.getHeader(RouteHeader.NAME) == null) {
      if (request.getRequestURI().isSipURI()
          && ((SipURI) request.getRequestURI()).isSecure()
          && !"tls".equals(Sip.transportOf(outboundProxy))) {
        // RFC 3261 section 26.2.2: a sips: request travels over TLS on every hop.
        throw new SipException("a sips: target needs an outbound proxy reached over TLS");
      }
      request.addHeader(
          headers.createRouteHeader(addresses.createAddress((SipURI) outboundProxy.clone())));
    }
    ClientTransaction transaction = provider.getNewClientTransaction(request);
    if (dialogOwner != null) {
      provider.getNewDialog(transaction).setApplicationData(dialogOwner);
    }
    clients.add(transaction, handler);
    try {
      transaction.sendRequest();
    } catch (SipException | RuntimeException e) {
      clients.ended(transaction);
      throw e;
    }
    return transaction;
  }

  @Override
  public ClientTransaction send(Dialog dialog, Request request, SipClientHandler handler)
      throws SipException {
    ClientTransaction transaction = provider.getNewClientTransaction(request);
    clients.add(transaction, handler);
    try {
      dialog.sendRequest(transaction);
    } catch (SipException | RuntimeException e) {
      clients.ended(transaction);
      throw e;
    }
    return transaction;
  }

  @Override
  public void forward(Request request) throws SipException {
    provider.sendRequest(request);
  }

  @Override
  public void forward(Response response) throws SipException {
    provider.sendResponse(response);
  }

  // ----- SipAuthenticator -----

  @Override
  public SipIdentity identify(SipRequest request) {
    return digest.identify(request);
  }

  @Override
  public void challenge(SipRequest request, boolean stale) {
    digest.challenge(request, stale);
  }

  @Override
  public List<String> identities(Account account) {
    return digest.identities(account);
  }

  @Override
  public boolean owns(Account account, String address) {
    return digest.owns(account, address);
  }
}
