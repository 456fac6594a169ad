package io.xconf.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One of Xconf's HTTP paths, registered as a service with {@link #PATH}. Xconf's front handler (the
 * only Jetty handler it gives Pax Web) calls it for requests to that path, on Jetty's core API,
 * without Jetty's servlet layer. Endpoints come and go without restarting Jetty: adding a handler
 * to Pax Web restarts it, and every connection with it.
 *
 * <p>Implementations may block (the front handler is a blocking handler).
 */
@ConsumerType
public interface HttpEndpoint {

  /**
   * Service property: the path served, exactly ({@code /ccmp}), or every path under it when it ends
   * with a slash ({@code /console/} serves {@code /console/} and below); several paths as a {@code
   * String[]}.
   */
  String PATH = "xconf.http.path";

  /**
   * Answers the request, as Jetty's {@code Handler.handle}: the callback completes the answer.
   *
   * @return false to let the request go on to Pax Web's servlet contexts
   */
  boolean handle(Request request, Response response, Callback callback) throws Exception;
}
