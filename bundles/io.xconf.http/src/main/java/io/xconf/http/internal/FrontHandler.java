package io.xconf.http.internal;

import io.xconf.http.HttpEndpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty handler Xconf gives Pax Web, in front of its servlet contexts (a positive {@code
 * service.ranking}), serving every {@link HttpEndpoint} service by its path. It needs nothing, so
 * it never re-registers (which would restart Pax Web's Jetty) and is there from Jetty's first
 * second after start: a request to one of Xconf's own paths that comes before its endpoint (at
 * start, or while it restarts) gets 503 with Retry-After instead of Jetty's 404 page. Every other
 * path goes on to the servlet contexts.
 */
@Component(service = Handler.class, property = "service.ranking:Integer=100")
public final class FrontHandler extends Handler.Abstract {

  /** Xconf's paths: answered 503 while their endpoint is not there. */
  static final List<String> OWN_PATHS =
      List.of("/ccmp", "/health", "/metrics", "/console", "/console/");

  private static final Logger LOG = LoggerFactory.getLogger(FrontHandler.class);

  private final Map<HttpEndpoint, List<String>> paths = new ConcurrentHashMap<>();

  /** Replaced as a whole when endpoints come and go; read without a lock. */
  private volatile Routes routes = new Routes(Map.of(), List.of());

  public FrontHandler() {
    super(InvocationType.BLOCKING);
  }

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void addEndpoint(HttpEndpoint endpoint, Map<String, Object> properties) {
    Object value = properties.get(HttpEndpoint.PATH);
    List<String> wanted =
        value instanceof String one
            ? List.of(one)
            : value instanceof String[] several ? List.of(several) : List.of();
    if (wanted.isEmpty() || wanted.stream().anyMatch(p -> !p.startsWith("/"))) {
      LOG.warn("HTTP endpoint {} ignored: its {} is not a path", endpoint, HttpEndpoint.PATH);
      return;
    }
    for (String path : wanted) {
      if (paths.values().stream().anyMatch(taken -> taken.contains(path))) {
        LOG.warn("Two HTTP endpoints for {}: one of them serves it", path);
      }
    }
    paths.put(endpoint, wanted);
    rebuild();
  }

  void removeEndpoint(HttpEndpoint endpoint) {
    if (paths.remove(endpoint) != null) {
      rebuild();
    }
  }

  private synchronized void rebuild() {
    Map<String, HttpEndpoint> exact = new HashMap<>();
    List<Map.Entry<String, HttpEndpoint>> trees = new ArrayList<>();
    paths.forEach(
        (endpoint, served) -> {
          for (String path : served) {
            if (exact.putIfAbsent(path, endpoint) == null && path.endsWith("/")) {
              trees.add(Map.entry(path, endpoint));
            }
          }
        });
    // The deepest tree first: /console/api/ before /console/.
    trees.sort(
        Comparator.comparingInt((Map.Entry<String, HttpEndpoint> e) -> e.getKey().length())
            .reversed());
    routes = new Routes(Map.copyOf(exact), List.copyOf(trees));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    HttpEndpoint endpoint = endpointFor(path);
    if (endpoint != null) {
      return endpoint.handle(request, response, callback);
    }
    if (OWN_PATHS.contains(path)) {
      starting(path, response, callback);
      return true;
    }
    return false;
  }

  /**
   * 503 with Retry-After: what a health check, a CCMP client or a scraper can act on (Jetty's 404
   * page would say the path does not exist). JSON on the health path, as its endpoint answers.
   */
  private static void starting(String path, Response response, Callback callback) {
    boolean health = "/health".equals(path);
    byte[] body =
        (health ? "{\"status\":\"starting\"}\n" : "Xconf is starting; try again in a moment\n")
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.RETRY_AFTER, "1");
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    headers.put(HttpHeader.CONTENT_TYPE, health ? "application/json" : "text/plain;charset=utf-8");
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** The endpoint of exactly this path, else of the deepest tree it is in. */
  HttpEndpoint endpointFor(String path) {
    if (path == null) {
      return null;
    }
    Routes current = routes;
    HttpEndpoint exact = current.exact().get(path);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, HttpEndpoint> tree : current.trees()) {
      if (path.startsWith(tree.getKey())) {
        return tree.getValue();
      }
    }
    return null;
  }

  private record Routes(
      Map<String, HttpEndpoint> exact, List<Map.Entry<String, HttpEndpoint>> trees) {}
}
