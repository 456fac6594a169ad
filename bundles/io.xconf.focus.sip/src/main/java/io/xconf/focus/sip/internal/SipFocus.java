package io.xconf.focus.sip.internal;

import io.xconf.mixer.MediaLeg;
import io.xconf.mixer.Mix;
import io.xconf.mixer.MixerControl;
import io.xconf.mixer.MixerException;
import io.xconf.mixer.SdpException;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.model.ObjectKind;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import io.xconf.server.ServerIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
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
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
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
 * The conference focus (RFC 4353, RFC 4579) on JAIN-SIP. It owns the SIP stack: a call to a
 * conference's SIP URI joins that conference's mix, and the call's state is written into the
 * conference object as RFC 4575 describes it. Transactions and dialogs are the stack's.
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
  private static final String ACTOR = "focus";
  private static final List<String> ALLOW =
      List.of(
          Request.INVITE,
          Request.ACK,
          Request.CANCEL,
          Request.BYE,
          Request.OPTIONS,
          Request.SUBSCRIBE,
          Request.NOTIFY);

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
        name = "Mixer",
        description =
            "The xconf.mixer.name of the mixer for conferences whose document names none"
                + " (xconf:mixer in conference-description, inherited from the blueprint).")
    String mixer() default "embedded";
  }

  /** One call in a conference. */
  private record Call(
      String callId,
      String conferenceUri,
      String entity,
      String endpoint,
      boolean userAddedByCall,
      Dialog dialog,
      MediaLeg leg) {}

  private final ConferenceService model;

  /** The installed mixers by their xconf.mixer.name. */
  private final Map<String, MixerControl> mixers = new ConcurrentHashMap<>();

  private final String defaultMixer;
  private final String domain;
  private final String address;
  private final int port;
  private final SipStack stack;
  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;
  private final AddressFactory addresses;
  private final Map<String, Call> calls = new ConcurrentHashMap<>();

  /** A call the focus places that has not been answered yet. */
  private record Outgoing(
      String callId,
      String conferenceUri,
      String target,
      String entity,
      ClientTransaction transaction,
      MediaLeg leg) {}

  private final Map<String, Outgoing> outgoing = new ConcurrentHashMap<>();

  /** The start and end timers of scheduled conferences, by conference URI. */
  private final Map<String, List<java.util.concurrent.ScheduledFuture<?>>> schedules =
      new ConcurrentHashMap<>();

  /** conference URI + " " + target: each dial-out target is called once while it is listed. */
  private final Map<String, String> dialled = new ConcurrentHashMap<>();

  private final Map<String, Mix> mixes = new ConcurrentHashMap<>();
  private final ExecutorService modelWork;
  private final ExecutorService dialer;
  private final ConferenceEvents events;
  private final java.util.concurrent.ScheduledExecutorService timers;

  @Activate
  public SipFocus(
      @Reference ConferenceService model, @Reference ServerIdentity identity, Config config)
      throws Exception {
    this.model = model;
    this.defaultMixer = config.mixer().strip();
    this.domain = identity.domain();
    this.address = config.address().strip();
    this.port = config.port();
    this.modelWork =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-focus-roster");
              thread.setDaemon(true);
              return thread;
            });
    this.dialer =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "xconf-focus-dial-out");
              thread.setDaemon(true);
              return thread;
            });
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties properties = new Properties();
    // SipFactory keeps every stack by name, stopped ones too (STACK.md pitfall 4).
    properties.setProperty("javax.sip.STACK_NAME", "xconf-focus-" + UUID.randomUUID());
    properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
    properties.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
    properties.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    properties.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    this.stack = factory.createSipStack(properties);
    this.messages = factory.createMessageFactory();
    this.headers = factory.createHeaderFactory();
    this.addresses = factory.createAddressFactory();
    List<ListeningPoint> points = new ArrayList<>();
    for (String transport : config.transports().split(",")) {
      if (!transport.isBlank()) {
        points.add(stack.createListeningPoint(address, port, transport.strip().toLowerCase()));
      }
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("the focus needs at least one transport");
    }
    this.provider = stack.createSipProvider(points.get(0));
    for (ListeningPoint point : points.subList(1, points.size())) {
      provider.addListeningPoint(point);
    }
    provider.addSipListener(this);
    this.events =
        new ConferenceEvents(
            provider,
            messages,
            headers,
            conference -> {
              try {
                return contact(conference, "udp");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "xconf-focus-timers");
              thread.setDaemon(true);
              return thread;
            });
    timers.scheduleWithFixedDelay(
        () -> events.expire(System.currentTimeMillis()), 1, 1, TimeUnit.SECONDS);
    stack.start();
    LOG.info("SIP focus on {}:{} ({})", address, port, config.transports());
    // Timers are derived from the stored conferences, so they survive a restart; conferences
    // active now have their dial-out targets called (their calls ended with the old process).
    for (ConferenceObject conference : model.conferences()) {
      schedule(conference.uri(), conference.document());
      if (Activation.isActive(conference.document(), Instant.now())) {
        dialer.execute(() -> dialOuts(conference.uri(), conference.document()));
      }
    }
  }

  @Deactivate
  public void deactivate() {
    for (Call call : List.copyOf(calls.values())) {
      hangUp(call);
    }
    for (Mix mix : mixes.values()) {
      mix.close();
    }
    mixes.clear();
    timers.shutdownNow();
    dialer.shutdownNow();
    modelWork.shutdown();
    try {
      modelWork.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    provider.removeSipListener(this);
    stack.stop();
  }

  // ----- SIP -----

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    try {
      switch (request.getMethod()) {
        case Request.INVITE -> invite(event);
        case Request.BYE -> bye(event);
        case Request.ACK -> {
          // The dialog is confirmed; media flows already.
        }
        case Request.SUBSCRIBE -> subscribe(event);
        case Request.CANCEL -> respond(event, Response.OK, null);
        case Request.OPTIONS -> respond(event, Response.OK, null);
        default -> respond(event, Response.METHOD_NOT_ALLOWED, null);
      }
    } catch (RuntimeException e) {
      LOG.error("{} failed", request.getMethod(), e);
      respond(event, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  private void invite(RequestEvent event) {
    Request request = event.getRequest();
    String callId = callId(request);
    Call existing = calls.get(callId);
    if (existing != null) {
      reinvite(event, existing);
      return;
    }
    ServerTransaction transaction = serverTransaction(event);
    if (transaction == null) {
      return; // a retransmission the stack is already answering
    }
    Optional<ConferenceObject> found = conferenceOf(request);
    if (found.isEmpty()) {
      respond(event, transaction, Response.NOT_FOUND, "no such conference");
      return;
    }
    ConferenceObject conference = found.get();
    XmlElement document = conference.document();
    if (!Activation.isActive(document, Instant.now())) {
      respond(event, transaction, Response.FORBIDDEN, "the conference is not running now");
      return;
    }
    String joinHandling = joinHandling(document);
    if ("block".equals(joinHandling)) {
      respond(event, transaction, Response.FORBIDDEN, "the conference takes no participants");
      return;
    }
    FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
    String caller = from.getAddress().getURI().toString();
    String entity = model.userIdOf(caller).orElseGet(() -> UserIds.derived(caller, domain));
    boolean known = Roster.user(document, entity).isPresent();
    int maximum = maximumUsers(document);
    if (!known && Roster.userCount(document) >= maximum) {
      respond(event, transaction, Response.BUSY_HERE, "the conference is full");
      return;
    }
    String sdp =
        request.getRawContent() == null
            ? null
            : new String(request.getRawContent(), StandardCharsets.UTF_8);
    if (sdp == null || sdp.isBlank()) {
      // An offerless INVITE (offer in the 200): not taken yet.
      respond(event, transaction, Response.NOT_ACCEPTABLE_HERE, "an SDP offer is needed");
      return;
    }
    MediaLeg leg;
    try {
      Mix mix = mixes.computeIfAbsent(conference.uri(), uri -> createMix(uri));
      leg = mix.join(callId, sdp);
    } catch (SdpException e) {
      respond(event, transaction, Response.NOT_ACCEPTABLE_HERE, e.getMessage());
      return;
    } catch (MixerException | IllegalStateException e) {
      LOG.warn("No media for a call into {}: {}", conference.uri(), e.getMessage());
      respond(event, transaction, Response.SERVICE_UNAVAILABLE, "no media resources");
      return;
    }
    try {
      Response ok = messages.createResponse(Response.OK, request);
      String toTag = Long.toHexString(UUID.randomUUID().getMostSignificantBits());
      ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(toTag);
      ok.addHeader(contact(conference, transport(request)));
      ok.setContent(leg.localSdp(), headers.createContentTypeHeader("application", "sdp"));
      String endpoint = UserIds.comparable(caller);
      String display = from.getAddress().getDisplayName();
      model.update(
          conference.uri(),
          Roster.joined(
              entity,
              display,
              endpoint,
              Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
              Roster.audioLabel(document),
              callId,
              from.getTag(),
              toTag),
          ACTOR);
      Call call =
          new Call(
              callId, conference.uri(), entity, endpoint, !known, transaction.getDialog(), leg);
      calls.put(callId, call);
      transaction.sendResponse(ok);
      applyMutes(conference.uri(), model.get(conference.uri()).map(ConferenceObject::document));
      LOG.debug("{} joined {}", caller, conference.uri());
    } catch (ModelException e) {
      leg.leave();
      respond(event, transaction, Response.SERVICE_UNAVAILABLE, e.getMessage());
    } catch (Exception e) {
      leg.leave();
      calls.remove(callId);
      LOG.error("Answering a call into {} failed", conference.uri(), e);
      respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  /** RFC 4575: watchers of a conference, authorised as callers into it would be. */
  private void subscribe(RequestEvent event) {
    Request request = event.getRequest();
    javax.sip.header.EventHeader eventHeader =
        (javax.sip.header.EventHeader) request.getHeader(javax.sip.header.EventHeader.NAME);
    ServerTransaction transaction = serverTransaction(event);
    if (transaction == null) {
      return;
    }
    if (eventHeader == null || !ConferenceEvents.EVENT.equals(eventHeader.getEventType())) {
      respond(event, transaction, Response.BAD_EVENT, "only the conference event package");
      return;
    }
    Optional<ConferenceObject> conference = conferenceOf(request);
    if (conference.isEmpty()) {
      respond(event, transaction, Response.NOT_FOUND, "no such conference");
      return;
    }
    if ("block".equals(joinHandling(conference.get().document()))) {
      respond(event, transaction, Response.FORBIDDEN, "the conference takes no participants");
      return;
    }
    try {
      events.subscribe(event, transaction, conference.get());
    } catch (Exception e) {
      LOG.error("SUBSCRIBE to {} failed", conference.get().uri(), e);
      respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  private void reinvite(RequestEvent event, Call call) {
    ServerTransaction transaction = serverTransaction(event);
    if (transaction == null) {
      return;
    }
    Request request = event.getRequest();
    String sdp =
        request.getRawContent() == null
            ? null
            : new String(request.getRawContent(), StandardCharsets.UTF_8);
    try {
      Response ok = messages.createResponse(Response.OK, request);
      ConferenceObject conference = model.get(call.conferenceUri()).orElse(null);
      if (conference != null) {
        ok.addHeader(contact(conference, transport(request)));
      }
      String answer =
          sdp == null || sdp.isBlank() ? call.leg().localSdp() : call.leg().reoffer(sdp);
      ok.setContent(answer, headers.createContentTypeHeader("application", "sdp"));
      transaction.sendResponse(ok);
    } catch (SdpException e) {
      respond(event, transaction, Response.NOT_ACCEPTABLE_HERE, e.getMessage());
    } catch (Exception e) {
      LOG.error("re-INVITE of {} failed", call.callId(), e);
      respond(event, transaction, Response.SERVER_INTERNAL_ERROR, null);
    }
  }

  private void bye(RequestEvent event) {
    Call call = calls.remove(callId(event.getRequest()));
    if (call == null) {
      respond(event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
      return;
    }
    respond(event, Response.OK, null);
    ended(call, true);
  }

  /** Frees a call's media and, when asked, takes it off the roster. */
  private void ended(Call call, boolean updateRoster) {
    call.leg().leave();
    closeMixIfIdle(call.conferenceUri());
    if (updateRoster) {
      modelWork.execute(
          () -> {
            try {
              model.update(
                  call.conferenceUri(),
                  Roster.left(call.entity(), call.endpoint(), call.userAddedByCall()),
                  ACTOR);
            } catch (ModelException e) {
              LOG.debug("{} left {}, which is gone", call.entity(), call.conferenceUri());
            }
          });
    }
  }

  private void hangUp(Call call) {
    calls.remove(call.callId());
    try {
      Dialog dialog = call.dialog();
      if (dialog != null && dialog.getState() != null) {
        Request bye = dialog.createRequest(Request.BYE);
        ClientTransaction transaction = provider.getNewClientTransaction(bye);
        dialog.sendRequest(transaction);
      }
    } catch (Exception e) {
      LOG.debug("BYE to {} failed", call.entity(), e);
    }
    ended(call, false);
  }

  @Override
  public void processResponse(ResponseEvent event) {
    Response response = event.getResponse();
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    if (cseq == null || !Request.INVITE.equals(cseq.getMethod())) {
      return; // answers to BYE and CANCEL
    }
    String callId = ((javax.sip.header.CallIdHeader) response.getHeader("Call-ID")).getCallId();
    int status = response.getStatusCode();
    if (status < 200) {
      Outgoing ringing = outgoing.get(callId);
      if (ringing != null && status >= 180) {
        rosterLater(
            ringing.conferenceUri(),
            Roster.dialing(ringing.entity(), ringing.target(), "alerting"));
      }
      return;
    }
    Outgoing call = outgoing.remove(callId);
    if (status < 300) {
      answered(event, cseq, call);
    } else if (call != null) {
      call.leg().leave();
      closeMixIfIdle(call.conferenceUri());
      boolean busy =
          status == Response.BUSY_HERE
              || status == Response.BUSY_EVERYWHERE
              || status == Response.DECLINE;
      rosterLater(
          call.conferenceUri(),
          Roster.disconnected(
              call.entity(),
              call.target(),
              busy ? "busy" : "failed",
              now(),
              status + " " + response.getReasonPhrase()));
    }
  }

  /** A dial-out answered: ACK, the callee's SDP to the mixer, connected in the roster. */
  private void answered(ResponseEvent event, CSeqHeader cseq, Outgoing call) {
    Dialog dialog = event.getDialog();
    try {
      if (dialog != null) {
        dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
      }
    } catch (Exception e) {
      LOG.debug("ACK failed", e);
    }
    if (call == null) {
      // Answered after it was cancelled (the 200 crossed our CANCEL): end it.
      byeQuietly(dialog);
      return;
    }
    Response response = event.getResponse();
    try {
      byte[] body = response.getRawContent();
      call.leg().answer(body == null ? "" : new String(body, StandardCharsets.UTF_8));
    } catch (SdpException e) {
      byeQuietly(dialog);
      call.leg().leave();
      closeMixIfIdle(call.conferenceUri());
      rosterLater(
          call.conferenceUri(),
          Roster.disconnected(
              call.entity(), call.target(), "failed", now(), "488 " + e.getMessage()));
      return;
    }
    calls.put(
        call.callId(),
        new Call(
            call.callId(),
            call.conferenceUri(),
            call.entity(),
            call.target(),
            false,
            dialog,
            call.leg()));
    rosterLater(
        call.conferenceUri(),
        Roster.answered(
            call.entity(),
            call.target(),
            call.callId(),
            ((FromHeader) response.getHeader(FromHeader.NAME)).getTag(),
            ((ToHeader) response.getHeader(ToHeader.NAME)).getTag()));
    modelWork.execute(
        () ->
            applyMutes(
                call.conferenceUri(),
                model.get(call.conferenceUri()).map(ConferenceObject::document)));
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    ClientTransaction transaction = event.getClientTransaction();
    if (transaction == null || !Request.INVITE.equals(transaction.getRequest().getMethod())) {
      return;
    }
    String callId =
        ((javax.sip.header.CallIdHeader) transaction.getRequest().getHeader("Call-ID")).getCallId();
    Outgoing call = outgoing.remove(callId);
    if (call != null) {
      call.leg().leave();
      closeMixIfIdle(call.conferenceUri());
      rosterLater(
          call.conferenceUri(),
          Roster.disconnected(call.entity(), call.target(), "failed", now(), "408 no answer"));
    }
  }

  // ----- schedule -----

  /** Timers for a conference's start (its dial-outs) and end (every call hung up). */
  private void schedule(String conferenceUri, XmlElement document) {
    cancelSchedule(conferenceUri);
    Instant now = Instant.now();
    List<java.util.concurrent.ScheduledFuture<?>> timersOfConference = new ArrayList<>();
    Activation.start(document)
        .filter(now::isBefore)
        .ifPresent(
            start ->
                timersOfConference.add(
                    timers.schedule(
                        () ->
                            dialer.execute(
                                () ->
                                    model
                                        .get(conferenceUri)
                                        .ifPresent(c -> dialOuts(conferenceUri, c.document()))),
                        java.time.Duration.between(now, start).toMillis(),
                        TimeUnit.MILLISECONDS)));
    Activation.end(document)
        .ifPresent(
            end -> {
              if (now.isBefore(end)) {
                timersOfConference.add(
                    timers.schedule(
                        () -> endOf(conferenceUri),
                        java.time.Duration.between(now, end).toMillis(),
                        TimeUnit.MILLISECONDS));
              } else {
                endOf(conferenceUri);
              }
            });
    if (!timersOfConference.isEmpty()) {
      schedules.put(conferenceUri, timersOfConference);
    }
  }

  private void cancelSchedule(String conferenceUri) {
    List<java.util.concurrent.ScheduledFuture<?>> old = schedules.remove(conferenceUri);
    if (old != null) {
      old.forEach(timer -> timer.cancel(false));
    }
  }

  /** The scheduled end: every call hung up, every ringing dial-out cancelled, the mix destroyed. */
  private void endOf(String conferenceUri) {
    for (Outgoing ringing : List.copyOf(outgoing.values())) {
      if (ringing.conferenceUri().equals(conferenceUri)) {
        removed(ringing.callId());
      }
    }
    for (Call call : List.copyOf(calls.values())) {
      if (call.conferenceUri().equals(conferenceUri)) {
        hangUp(call);
        rosterLater(
            conferenceUri,
            Roster.disconnected(
                call.entity(), call.endpoint(), "booted", now(), "the conference ended"));
      }
    }
    Mix mix = mixes.remove(conferenceUri);
    if (mix != null) {
      mix.close();
    }
  }

  // ----- dial-out -----

  /** Calls the dial-out targets not called yet; cancels or hangs up those no longer listed. */
  private void dialOuts(String conferenceUri, XmlElement document) {
    if (!Activation.isActive(document, Instant.now())) {
      return;
    }
    List<String> targets = Roster.dialOutTargets(document);
    for (String target : targets) {
      String key = conferenceUri + " " + UserIds.comparable(target);
      if (dialled.putIfAbsent(key, "") == null) {
        try {
          dial(conferenceUri, document, target, key);
        } catch (Exception e) {
          LOG.warn("Dialling {} for {} failed: {}", target, conferenceUri, e.toString());
          rosterLater(
              conferenceUri,
              Roster.disconnected(
                  Roster.userFor(document, target).orElseGet(() -> entityOf(target)),
                  target,
                  "failed",
                  now(),
                  "500 " + e.getMessage()));
        }
      }
    }
    for (Map.Entry<String, String> entry : List.copyOf(dialled.entrySet())) {
      String key = entry.getKey();
      if (!key.startsWith(conferenceUri + " ")) {
        continue;
      }
      String target = key.substring(conferenceUri.length() + 1);
      if (targets.stream().noneMatch(t -> UserIds.comparable(t).equals(target))) {
        dialled.remove(key);
        removed(entry.getValue());
      }
    }
  }

  private void dial(String conferenceUri, XmlElement document, String target, String key)
      throws Exception {
    String entity = Roster.userFor(document, target).orElseGet(() -> entityOf(target));
    Mix mix = mixes.computeIfAbsent(conferenceUri, this::createMix);
    javax.sip.header.CallIdHeader callIdHeader = provider.getNewCallId();
    String callId = callIdHeader.getCallId();
    MediaLeg leg = mix.offer(callId);
    try {
      SipURI requestUri = (SipURI) addresses.createURI(target);
      String transport =
          requestUri.getTransportParam() == null ? "udp" : requestUri.getTransportParam();
      String user = conferenceUri.substring("xcon:".length(), conferenceUri.indexOf('@'));
      Address focus = addresses.createAddress(addresses.createSipURI(user, domain));
      FromHeader from =
          headers.createFromHeader(
              focus, Long.toHexString(UUID.randomUUID().getLeastSignificantBits()));
      ToHeader to = headers.createToHeader(addresses.createAddress(requestUri), null);
      javax.sip.header.ViaHeader via = headers.createViaHeader(address, port, transport, null);
      Request invite =
          messages.createRequest(
              requestUri,
              Request.INVITE,
              callIdHeader,
              headers.createCSeqHeader(1L, Request.INVITE),
              from,
              to,
              new ArrayList<>(List.of(via)),
              headers.createMaxForwardsHeader(70),
              headers.createContentTypeHeader("application", "sdp"),
              leg.localSdp());
      ConferenceObject conference = model.get(conferenceUri).orElseThrow();
      invite.addHeader(contact(conference, transport));
      ClientTransaction transaction = provider.getNewClientTransaction(invite);
      outgoing.put(callId, new Outgoing(callId, conferenceUri, target, entity, transaction, leg));
      dialled.put(key, callId);
      rosterLater(conferenceUri, Roster.dialing(entity, target, "dialing-out"));
      transaction.sendRequest();
      LOG.debug("Dialling {} into {}", target, conferenceUri);
    } catch (Exception e) {
      outgoing.remove(callId);
      leg.leave();
      closeMixIfIdle(conferenceUri);
      throw e;
    }
  }

  /** A dial-out target taken off the list: CANCEL while it rings, BYE once connected. */
  private void removed(String callId) {
    Outgoing ringing = outgoing.remove(callId);
    if (ringing != null) {
      try {
        Request cancel = ringing.transaction().createCancel();
        provider.getNewClientTransaction(cancel).sendRequest();
      } catch (Exception e) {
        LOG.debug("CANCEL of {} failed", ringing.target(), e);
      }
      ringing.leg().leave();
      closeMixIfIdle(ringing.conferenceUri());
      return;
    }
    Call call = callId == null ? null : calls.get(callId);
    if (call != null) {
      hangUp(call);
    }
  }

  private String entityOf(String address) {
    return model.userIdOf(address).orElseGet(() -> UserIds.derived(address, domain));
  }

  private void byeQuietly(Dialog dialog) {
    try {
      if (dialog != null) {
        dialog.sendRequest(provider.getNewClientTransaction(dialog.createRequest(Request.BYE)));
      }
    } catch (Exception e) {
      LOG.debug("BYE failed", e);
    }
  }

  private void closeMixIfIdle(String conferenceUri) {
    boolean idle =
        calls.values().stream().noneMatch(c -> c.conferenceUri().equals(conferenceUri))
            && outgoing.values().stream().noneMatch(o -> o.conferenceUri().equals(conferenceUri));
    if (idle) {
      Mix mix = mixes.remove(conferenceUri);
      if (mix != null) {
        mix.close();
      }
    }
  }

  private void rosterLater(String conferenceUri, XmlElement update) {
    modelWork.execute(
        () -> {
          try {
            model.update(conferenceUri, update, ACTOR);
          } catch (ModelException e) {
            LOG.debug("Roster of {} not written: {}", conferenceUri, e.getMessage());
          }
        });
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    LOG.debug("SIP I/O failure towards {}:{}", event.getHost(), event.getPort());
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
      String id = change.uri().substring("xcon:".length(), change.uri().indexOf('@'));
      events.changed(change, "sip:" + id + "@" + domain);
    }
    if (change.kind() != ConferenceChange.Kind.DELETED
        && !ACTOR.equals(change.actor())
        && change.after() != null
        && model.get(change.uri()).map(o -> o.kind() == ObjectKind.CONFERENCE).orElse(false)) {
      XmlElement after = change.after();
      schedule(change.uri(), after);
      // Placing a call can wait on DNS: never on the roster's thread.
      dialer.execute(() -> dialOuts(change.uri(), after));
    }
    if (change.kind() == ConferenceChange.Kind.DELETED) {
      cancelSchedule(change.uri());
      dialled.keySet().removeIf(key -> key.startsWith(change.uri() + " "));
      for (Outgoing ringing : List.copyOf(outgoing.values())) {
        if (ringing.conferenceUri().equals(change.uri())) {
          removed(ringing.callId());
        }
      }
      for (Call call : List.copyOf(calls.values())) {
        if (call.conferenceUri().equals(change.uri())) {
          hangUp(call);
        }
      }
      Mix mix = mixes.remove(change.uri());
      if (mix != null) {
        mix.close();
      }
    } else if (change.kind() == ConferenceChange.Kind.UPDATED
        && !ACTOR.equals(change.actor())
        && mixes.containsKey(change.uri())) {
      applyMutes(change.uri(), Optional.ofNullable(change.after()));
    }
  }

  /** RFC 6501's mute controls onto the mix, and muted-via-focus onto the roster. */
  private void applyMutes(String conferenceUri, Optional<XmlElement> document) {
    if (document.isEmpty()) {
      return;
    }
    XmlElement current = document.get();
    Mix mix = mixes.get(conferenceUri);
    if (mix != null) {
      mix.setMuted(Roster.conferenceMuted(current));
      mix.setGain(Roster.conferenceGain(current));
    }
    for (Call call : calls.values()) {
      if (!call.conferenceUri().equals(conferenceUri)) {
        continue;
      }
      boolean muted = Roster.endpointMuted(current, call.entity(), call.endpoint());
      call.leg().setMuted(muted);
      call.leg().setGain(Roster.endpointGain(current, call.entity(), call.endpoint()));
      String wanted = muted ? "muted-via-focus" : "connected";
      if (!wanted.equals(
          Roster.endpointStatusOf(current, call.entity(), call.endpoint()).orElse(wanted))) {
        modelWork.execute(
            () -> {
              try {
                model.update(
                    conferenceUri,
                    Roster.endpointStatus(call.entity(), call.endpoint(), wanted),
                    ACTOR);
              } catch (ModelException e) {
                LOG.debug("Status of {} not written: {}", call.entity(), e.getMessage());
              }
            });
      }
    }
  }

  @Reference(
      service = MixerControl.class,
      cardinality = org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE,
      policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
      policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
  void addMixer(MixerControl mixer, Map<String, Object> properties) {
    Object name = properties.get(MixerControl.NAME);
    if (name != null) {
      mixers.put(name.toString(), mixer);
    }
  }

  void removeMixer(MixerControl mixer, Map<String, Object> properties) {
    Object name = properties.get(MixerControl.NAME);
    if (name != null) {
      mixers.remove(name.toString(), mixer);
    }
  }

  /**
   * The conference's mixer: the one its document names ({@code xconf:mixer} in
   * conference-description, which clones inherit from their blueprint), else the configured one.
   */
  private Mix createMix(String conferenceUri) {
    String name =
        model
            .get(conferenceUri)
            .flatMap(
                conference ->
                    conference.document().child(Roster.DESCRIPTION).flatMap(d -> d.child(MIXER)))
            .map(XmlElement::text)
            .map(String::strip)
            .filter(text -> !text.isEmpty())
            .orElse(defaultMixer);
    MixerControl mixer = mixers.get(name);
    if (mixer == null) {
      throw new IllegalStateException("no mixer named " + name + " is installed");
    }
    try {
      return mixer.createMix(conferenceUri, null);
    } catch (MixerException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static final javax.xml.namespace.QName MIXER =
      new javax.xml.namespace.QName(io.xconf.model.Namespaces.XCONF, "mixer");

  /** The conference whose SIP URI the request addresses: sip:<id>@<domain>, xcon:<id>@<domain>. */
  private Optional<ConferenceObject> conferenceOf(Request request) {
    if (!(request.getRequestURI() instanceof SipURI uri) || uri.getUser() == null) {
      return Optional.empty();
    }
    return model
        .get("xcon:" + uri.getUser() + "@" + domain)
        .filter(object -> object.kind() == ObjectKind.CONFERENCE);
  }

  private static String joinHandling(XmlElement document) {
    return document
        .child(Roster.USERS)
        .flatMap(users -> users.child(Roster.xcon("join-handling")))
        .map(XmlElement::text)
        .map(String::strip)
        .orElse("allow");
  }

  private static int maximumUsers(XmlElement document) {
    String text =
        document
            .child(Roster.DESCRIPTION)
            .flatMap(d -> d.child(Roster.info("maximum-user-count")))
            .map(XmlElement::text)
            .map(String::strip)
            .orElse("");
    try {
      return text.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** RFC 4579 section 5: the focus's Contact carries isfocus, on every message of the dialog. */
  private ContactHeader contact(ConferenceObject conference, String transport) throws Exception {
    String user = conference.uri().substring("xcon:".length(), conference.uri().indexOf('@'));
    SipURI uri = addresses.createSipURI(user, address);
    uri.setPort(port);
    uri.setTransportParam(transport);
    Address contactAddress = addresses.createAddress(uri);
    ContactHeader contact = headers.createContactHeader(contactAddress);
    contact.setParameter("isfocus", null);
    return contact;
  }

  private static String transport(Request request) {
    javax.sip.header.ViaHeader via = (javax.sip.header.ViaHeader) request.getHeader("Via");
    return via == null ? "udp" : via.getTransport().toLowerCase();
  }

  private static String callId(Request request) {
    return ((javax.sip.header.CallIdHeader) request.getHeader("Call-ID")).getCallId();
  }

  private ServerTransaction serverTransaction(RequestEvent event) {
    ServerTransaction transaction = event.getServerTransaction();
    if (transaction != null) {
      return transaction;
    }
    try {
      return provider.getNewServerTransaction(event.getRequest());
    } catch (TransactionAlreadyExistsException e) {
      return null;
    } catch (Exception e) {
      LOG.debug("No server transaction for {}", event.getRequest().getMethod(), e);
      return null;
    }
  }

  private void respond(RequestEvent event, int status, String reason) {
    ServerTransaction transaction = serverTransaction(event);
    if (transaction != null) {
      respond(event, transaction, status, reason);
    }
  }

  private void respond(
      RequestEvent event, ServerTransaction transaction, int status, String reason) {
    try {
      Response response = messages.createResponse(status, event.getRequest());
      if (reason != null) {
        response.setReasonPhrase(reason);
      }
      if (status == Response.METHOD_NOT_ALLOWED
          || event.getRequest().getMethod().equals(Request.OPTIONS)) {
        for (String method : ALLOW) {
          response.addHeader(headers.createAllowHeader(method));
        }
      }
      transaction.sendResponse(response);
    } catch (Exception e) {
      LOG.debug("Answering {} with {} failed", event.getRequest().getMethod(), status, e);
    }
  }
}
