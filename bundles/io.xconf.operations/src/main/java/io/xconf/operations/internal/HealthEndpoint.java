package io.xconf.operations.internal;

import io.xconf.http.HttpEndpoint;
import io.xconf.http.Requests;
import io.xconf.model.ConferenceService;
import io.xconf.server.ServerIdentity;
import io.xconf.sip.Sip;
import io.xconf.sip.focus.Focus;
import io.xconf.store.ConferenceStore;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: 200 with a small JSON body while CCMP, the SIP focus and the conference
 * store are up, 503 with the same body before and while one of them is down. Open to everyone on
 * the HTTP listeners: it says up or down and nothing else (no version, no counts). The first time
 * everything is up it logs the start-up banner; later changes are logged once each.
 */
// configurationPid: "store.target" there names the engine the model uses, so that only that
// store is bound (and a store not chosen is never activated).
@Component(
    service = HttpEndpoint.class,
    property = HttpEndpoint.PATH + "=/health",
    configurationPid = "io.xconf.operations")
public final class HealthEndpoint implements HttpEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoint.class);

  private final StartupBanner banner;
  private final Object lock = new Object();

  // Each part is up while its service is registered: the CCMP endpoint; the SIP stack and the
  // focus on it; the store, and the conference service, registered once the store has been read.
  private volatile HttpEndpoint ccmp;
  private volatile Sip sip;
  private volatile Focus focus;
  private volatile ConferenceService conferences;
  private volatile String storeEngine;

  private final Bundle framework;
  private boolean wasUp;
  private boolean bannerShown;

  @Activate
  public HealthEndpoint(
      @Reference ServerIdentity identity,
      @Reference ConfigurationAdmin configurations,
      BundleContext context) {
    this.framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
    this.banner =
        new StartupBanner(
            context.getBundle().getVersion().toString(),
            identity,
            new HttpListeners(configurations));
  }

  @Reference(
      target = "(" + HttpEndpoint.PATH + "=/ccmp)",
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindCcmp(HttpEndpoint endpoint) {
    ccmp = endpoint;
    changed();
  }

  void unbindCcmp(HttpEndpoint endpoint) {
    if (ccmp == endpoint) {
      ccmp = null;
      changed();
    }
  }

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindSip(Sip stack) {
    sip = stack;
    changed();
  }

  void unbindSip(Sip stack) {
    if (sip == stack) {
      sip = null;
      changed();
    }
  }

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindFocus(Focus service) {
    focus = service;
    changed();
  }

  void unbindFocus(Focus service) {
    if (focus == service) {
      focus = null;
      changed();
    }
  }

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindConferences(ConferenceService service) {
    conferences = service;
    changed();
  }

  void unbindConferences(ConferenceService service) {
    if (conferences == service) {
      conferences = null;
      changed();
    }
  }

  @Reference(
      name = "store",
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindStore(ConferenceStore store, Map<String, Object> properties) {
    storeEngine = String.valueOf(properties.getOrDefault(ConferenceStore.ENGINE, "unnamed"));
    changed();
  }

  void unbindStore(ConferenceStore store) {
    storeEngine = null;
    changed();
  }

  /** Each part and whether it is up, in a fixed order. */
  Map<String, Boolean> parts() {
    Map<String, Boolean> parts = new LinkedHashMap<>();
    parts.put("ccmp", ccmp != null);
    parts.put("sip", sip != null && focus != null);
    parts.put("store", conferences != null && storeEngine != null);
    return parts;
  }

  static boolean allUp(Map<String, Boolean> parts) {
    return !parts.containsValue(false);
  }

  /** The JSON answer: {"status":"up","ccmp":"up","sip":"down",...}. */
  static String json(Map<String, Boolean> parts) {
    StringBuilder json = new StringBuilder("{\"status\":\"").append(allUp(parts) ? "up" : "down");
    parts.forEach(
        (part, up) -> json.append("\",\"").append(part).append("\":\"").append(up ? "up" : "down"));
    return json.append("\"}\n").toString();
  }

  private void changed() {
    synchronized (lock) {
      Map<String, Boolean> parts = parts();
      boolean up = allUp(parts);
      if (up == wasUp) {
        return;
      }
      wasUp = up;
      if (up && !bannerShown) {
        bannerShown = true;
        banner.lines(sip, storeEngine).forEach(line -> LOG.info("{}", line));
      } else if (up) {
        LOG.info("Xconf is up again");
      } else if (bannerShown && framework.getState() != Bundle.STOPPING) {
        // Not while the whole server stops: its parts go one by one then.
        LOG.warn("Xconf is down: {}", json(parts).strip());
      }
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (!Requests.reads(request, response, callback)) {
      return true;
    }
    Map<String, Boolean> parts = parts();
    Requests.answer(
        request,
        response,
        callback,
        allUp(parts) ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
        "application/json",
        json(parts).getBytes(StandardCharsets.UTF_8));
    return true;
  }
}
