package io.xconf.sip.registrar.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.sip.LocationService;
import io.xconf.sip.Sip;
import io.xconf.sip.SipAuthenticator;
import io.xconf.sip.SipRequest;
import io.xconf.sip.SipRequestHandler;
import io.xconf.sip.SipResponseHandler;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registrar and its proxy for the Xconf accounts, so that Xconf alone serves SIP phones: REGISTER
 * with SIP Digest, then requests for a registered user's address go on to its contact, and the
 * focus dials registered users where they are. Behind a platform's proxy it is switched off ({@code
 * enabled=false}): then it serves nothing at all. Configured by PID {@code io.xconf.sip.registrar}.
 */
@Component(
    immediate = true,
    service = {},
    configurationPid = RegistrarComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RegistrarComponent.Config.class)
public final class RegistrarComponent {

  static final String PID = "io.xconf.sip.registrar";
  private static final Logger LOG = LoggerFactory.getLogger(RegistrarComponent.class);

  @ObjectClassDefinition(
      name = "Xconf SIP registrar",
      description = "REGISTER for Xconf accounts, and forwarding to registered phones.")
  public @interface Config {
    @AttributeDefinition(
        name = "Enabled",
        description =
            "Take REGISTER from Xconf accounts and forward requests for their addresses to the"
                + " registered contacts. Off behind a SIP proxy.")
    boolean enabled() default true;
  }

  private final Sip sip;
  private final AccountDirectory accounts;
  private final Bindings bindings;
  private final Proxy proxy;
  private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
  private final ScheduledExecutorService timers;

  @Activate
  public RegistrarComponent(
      BundleContext context,
      @Reference Sip sip,
      @Reference SipAuthenticator authenticator,
      @Reference AccountDirectory accounts,
      Config config) {
    this.sip = sip;
    this.accounts = accounts;
    this.bindings = new Bindings(sip, authenticator);
    this.proxy = new Proxy(sip);
    if (!config.enabled()) {
      this.timers = null;
      LOG.info("SIP registrar off");
      return;
    }
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-registrar-timers");
              thread.setDaemon(true);
              return thread;
            });
    timers.scheduleWithFixedDelay(
        () -> {
          long now = System.currentTimeMillis();
          bindings.expire(now);
          proxy.expire(now);
        },
        1,
        1,
        TimeUnit.SECONDS);
    Dictionary<String, Object> registering = new Hashtable<>();
    registering.put(SipRequestHandler.METHODS, new String[] {Request.REGISTER});
    registrations.add(
        context.registerService(SipRequestHandler.class, new Registering(), registering));
    Dictionary<String, Object> forwarding = new Hashtable<>();
    forwarding.put(
        SipRequestHandler.METHODS,
        new String[] {
          "INVITE",
          "ACK",
          "CANCEL",
          "BYE",
          "OPTIONS",
          "PRACK",
          "SUBSCRIBE",
          "NOTIFY",
          "PUBLISH",
          "INFO",
          "REFER",
          "MESSAGE",
          "UPDATE"
        });
    // After the focus's handlers: conference URIs are the focus's.
    forwarding.put(Constants.SERVICE_RANKING, -100);
    registrations.add(
        context.registerService(SipRequestHandler.class, new Forwarding(), forwarding));
    registrations.add(
        context.registerService(SipResponseHandler.class, new Answers(), new Hashtable<>()));
    registrations.add(
        context.registerService(LocationService.class, this::locate, new Hashtable<>()));
    LOG.info("SIP registrar for the accounts of {}", sip.domain());
  }

  @Deactivate
  void deactivate() {
    registrations.forEach(ServiceRegistration::unregister);
    if (timers != null) {
      timers.shutdownNow();
    }
  }

  /** A user of this domain registered here: its newest contact. */
  private Optional<SipURI> locate(SipURI target) {
    if (!sip.isLocal(target) || target.getUser() == null) {
      return Optional.empty();
    }
    return bindings.contactOf("sip:" + target.getUser() + "@" + sip.domain());
  }

  /** REGISTER for this domain. */
  private final class Registering implements SipRequestHandler {
    @Override
    public boolean takes(SipRequest request) {
      return request.target() != null && sip.isLocal(request.target());
    }

    @Override
    public void handle(SipRequest request) {
      bindings.register(request);
    }
  }

  /**
   * Requests for a user of this domain that has an account, outside any dialog; and requests within
   * the calls the proxy forwarded.
   */
  private final class Forwarding implements SipRequestHandler {
    @Override
    public boolean takes(SipRequest request) {
      if (request.hasToTag() || Request.CANCEL.equals(request.method())) {
        return proxy.targetWithin(request).isPresent();
      }
      SipURI target = request.target();
      return target != null
          && target.getUser() != null
          && sip.isLocal(target)
          && !Request.ACK.equals(request.method())
          && accounts.byUri(address(target)).isPresent();
    }

    @Override
    public void handle(SipRequest request) {
      if (request.hasToTag() || Request.CANCEL.equals(request.method())) {
        proxy.targetWithin(request).ifPresent(target -> proxy.forwardWithin(request, target));
        return;
      }
      if (Request.BYE.equals(request.method())) {
        // A BYE outside any dialog (a client giving up on a refused REGISTER) goes no further.
        request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
        return;
      }
      Optional<SipURI> contact = bindings.contactOf(address(request.target()));
      if (contact.isEmpty()) {
        request.respond(Response.TEMPORARILY_UNAVAILABLE, "not registered now");
        return;
      }
      proxy.forwardNew(request, contact.get());
    }

    private String address(SipURI target) {
      return "sip:" + target.getUser() + "@" + sip.domain();
    }
  }

  /** Answers to what the proxy forwarded. */
  private final class Answers implements SipResponseHandler {
    @Override
    public boolean takes(Response response) {
      return Proxy.forwardedBy(response);
    }

    @Override
    public void handle(Response response) {
      proxy.answer(response);
    }
  }
}
