package io.xconf.sip.events.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceObject;
import io.xconf.sip.Sip;
import io.xconf.sip.SipClientHandler;
import io.xconf.sip.SipDialogHandler;
import io.xconf.sip.SipRequest;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher's subscription (RFC 6665) to a conference, and the owner of its dialog: refreshes and
 * unsubscribes come here matched by Call-ID and both tags, never by Call-ID alone. Its NOTIFYs go
 * out one at a time, in version order, on a thread of a shared pool: a slow watcher holds up only
 * its own, and when it falls far behind its backlog becomes one full state.
 */
final class Subscription implements SipDialogHandler, SipClientHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

  /** Changes queued beyond this are dropped for one full state. */
  private static final int MAX_BACKLOG = 32;

  /** What the subscription is told, through {@link EventsComponent}. */
  interface Owner {
    Optional<ConferenceObject> conference(String uri);

    void refresh(SipRequest request, Subscription subscription);

    void ended(Subscription subscription);
  }

  /** Something to NOTIFY, in order. */
  private sealed interface Item permits Latest, Changed, Ending {}

  /** The conference as it is when this is sent. */
  private record Latest() implements Item {}

  /** A change, with the bodies other watchers of the same view share. */
  private record Changed(
      ConferenceChange change, String sipUri, Map<Bodies.View, Bodies.Body> bodies)
      implements Item {}

  /** The end: a last NOTIFY with Subscription-State terminated. */
  private record Ending(String reason, boolean withState) implements Item {}

  private final Sip sip;
  private final Owner owner;
  private final Executor datagramPool;
  private final Executor streamPool;
  final String conferenceUri;
  final InetAddress source;
  private final ContactHeader contact;
  private volatile Dialog dialog;
  private volatile Bodies.View view;
  private volatile long expiresAtMillis;

  // Guarded by queue.
  private final Deque<Item> queue = new ArrayDeque<>();
  private boolean draining;

  /** A NOTIFY awaits its answer: the next waits for it (bounded memory, order kept). */
  private boolean inFlight;

  private boolean over;
  private boolean endReported;

  // Only on the draining thread.
  private long notifiedVersion = -1;

  Subscription(
      Sip sip,
      Owner owner,
      Executor datagramPool,
      Executor streamPool,
      String conferenceUri,
      InetAddress source,
      ContactHeader contact,
      Bodies.View view) {
    this.sip = sip;
    this.owner = owner;
    this.datagramPool = datagramPool;
    this.streamPool = streamPool;
    this.conferenceUri = conferenceUri;
    this.source = source;
    this.contact = contact;
    this.view = view;
  }

  void dialog(Dialog dialog) {
    this.dialog = dialog;
  }

  Bodies.View view() {
    return view;
  }

  /** A new or refreshed subscription: it runs until then and reads this view. */
  void renewed(long expiresAtMillis, Bodies.View view) {
    this.expiresAtMillis = expiresAtMillis;
    this.view = view;
    enqueue(new Latest());
  }

  boolean expiredAt(long nowMillis) {
    return expiresAtMillis <= nowMillis;
  }

  /** A change of the conference, to be notified after what is queued. */
  void changed(ConferenceChange change, String sipUri, Map<Bodies.View, Bodies.Body> bodies) {
    enqueue(new Changed(change, sipUri, bodies));
  }

  /**
   * Ends the subscription with a last NOTIFY (RFC 6665: {@code timeout}, {@code noresource}, {@code
   * deactivated}), or without one when the watcher is gone.
   */
  void end(String reason, boolean notify) {
    enqueue(new Ending(reason, notify));
  }

  private void enqueue(Item item) {
    synchronized (queue) {
      if (over) {
        return;
      }
      if (item instanceof Ending) {
        over = true;
      }
      queue.add(item);
      if (queue.size() > MAX_BACKLOG) {
        // A watcher this far behind gets the state as it is, once.
        boolean ending = queue.stream().anyMatch(Ending.class::isInstance);
        queue.clear();
        queue.add(new Latest());
        if (ending) {
          queue.add(item);
        }
      }
      if (draining || inFlight) {
        return;
      }
      draining = true;
    }
    startDraining();
  }

  /**
   * Over UDP a send never waits: the shared pool. Over TCP or TLS a connect to an address that
   * leads nowhere waits for the stack's timeout, so such a watcher is sent to on a thread of its
   * own.
   */
  private void startDraining() {
    Dialog current = dialog;
    boolean datagram =
        current == null
            || !(current.getRemoteTarget() != null
                && current.getRemoteTarget().getURI() instanceof SipURI target)
            || "udp".equals(Sip.transportOf(target));
    try {
      (datagram ? datagramPool : streamPool).execute(this::drain);
    } catch (RejectedExecutionException stopping) {
      LOG.debug("No NOTIFY for {}: the event package is stopping", conferenceUri);
    }
  }

  private void drain() {
    while (true) {
      Item item;
      synchronized (queue) {
        item = inFlight ? null : queue.poll();
        if (item == null) {
          draining = false;
          return;
        }
      }
      try {
        send(item);
      } catch (RuntimeException e) {
        LOG.debug("NOTIFY for {} failed", conferenceUri, e);
      }
    }
  }

  private void send(Item item) {
    Bodies.View current = view;
    if (item instanceof Changed changed) {
      ConferenceChange change = changed.change();
      if (change.newVersion() <= notifiedVersion) {
        return; // the full state sent on subscribing had it already
      }
      // A partial state applies to the version before it only; after a gap, the full state.
      Bodies.Body body =
          notifiedVersion >= 0 && change.oldVersion() == notifiedVersion
              ? changed
                  .bodies()
                  .computeIfAbsent(current, v -> Bodies.changes(change, changed.sipUri(), v))
              : Bodies.full(change, changed.sipUri(), current);
      notify(body, SubscriptionStateHeader.ACTIVE, null);
      notifiedVersion = change.newVersion();
    } else if (item instanceof Ending ending) {
      if (ending.withState()) {
        notify(lastState(), SubscriptionStateHeader.TERMINATED, ending.reason());
      }
      reportEnded();
    } else {
      Optional<ConferenceObject> conference = owner.conference(conferenceUri);
      if (conference.isEmpty()) {
        notify(null, SubscriptionStateHeader.TERMINATED, SubscriptionStateHeader.NO_RESOURCE);
        reportEnded();
        return;
      }
      notify(Bodies.full(conference.get(), current), SubscriptionStateHeader.ACTIVE, null);
      notifiedVersion = conference.get().version();
    }
  }

  /** What a terminating NOTIFY carries: the state, when the conference still exists. */
  private Bodies.Body lastState() {
    return owner.conference(conferenceUri).map(c -> Bodies.full(c, view)).orElse(null);
  }

  private void notify(Bodies.Body body, String state, String reason) {
    Dialog current = dialog;
    if (current == null) {
      return;
    }
    try {
      Request notify = current.createRequest(Request.NOTIFY);
      notify.addHeader(sip.headers().createEventHeader(EventsComponent.EVENT));
      SubscriptionStateHeader subscriptionState =
          sip.headers().createSubscriptionStateHeader(state);
      if (SubscriptionStateHeader.ACTIVE.equals(state)) {
        long left = Math.max(0, (expiresAtMillis - System.currentTimeMillis()) / 1000);
        subscriptionState.setExpires((int) left);
      } else if (reason != null) {
        subscriptionState.setReasonCode(reason);
      }
      notify.addHeader(subscriptionState);
      // RFC 4579: the focus's Contact carries isfocus on every request of the dialog.
      notify.setHeader((ContactHeader) contact.clone());
      if (body != null) {
        notify.setContent(
            body.bytes(), sip.headers().createContentTypeHeader("application", body.subtype()));
      }
      synchronized (queue) {
        inFlight = true;
      }
      sip.send(current, notify, this);
    } catch (Exception e) {
      synchronized (queue) {
        inFlight = false;
      }
      LOG.debug("NOTIFY for {} failed", conferenceUri, e);
    }
  }

  // ----- the NOTIFYs' outcomes -----

  @Override
  public void response(ResponseEvent event) {
    int status = event.getResponse().getStatusCode();
    if (status < 200) {
      return;
    }
    if (status == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || status >= 400 && status != 401) {
      // RFC 6665 section 4.2.2: the watcher no longer has the subscription.
      gone();
      return;
    }
    answered();
  }

  /** The NOTIFY in flight has its answer: the next may go. */
  private void answered() {
    synchronized (queue) {
      inFlight = false;
      if (draining || queue.isEmpty()) {
        return;
      }
      draining = true;
    }
    startDraining();
  }

  @Override
  public void failed(String reason) {
    gone();
  }

  /** The watcher is unreachable or has forgotten the subscription: it ends without a NOTIFY. */
  private void gone() {
    synchronized (queue) {
      // Also when an end was queued behind the NOTIFY that failed: it would never go out.
      over = true;
      inFlight = false;
      queue.clear();
    }
    reportEnded();
  }

  /** Tells the owner, once, that the subscription is over: its place is given back. */
  private void reportEnded() {
    synchronized (queue) {
      if (endReported) {
        return;
      }
      endReported = true;
    }
    owner.ended(this);
  }

  // ----- the dialog -----

  @Override
  public void request(SipRequest request) {
    if (Request.SUBSCRIBE.equals(request.method())) {
      owner.refresh(request, this);
    } else {
      request.respond(Response.METHOD_NOT_ALLOWED, null);
    }
  }

  @Override
  public void terminated() {
    gone();
  }
}
