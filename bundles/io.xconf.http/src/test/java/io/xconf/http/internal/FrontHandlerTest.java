package io.xconf.http.internal;

import static org.junit.Assert.assertEquals;

import io.xconf.http.HttpEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The front handler on a real Jetty, asked over HTTP. */
public class FrontHandlerTest {

  private final FrontHandler front = new FrontHandler();
  private final HttpClient client = HttpClient.newHttpClient();
  private Server server;
  private String base;

  @Before
  public void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    // What Pax Web has behind Xconf's handler: its servlet contexts, here one that says so.
    Handler.Sequence handlers = new Handler.Sequence(front, answering("contexts"));
    server.setHandler(handlers);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @After
  public void stop() throws Exception {
    server.stop();
  }

  @Test
  public void ownPathsWithoutTheirEndpointAre503AndOthersGoOn() throws Exception {
    HttpResponse<String> ccmp = get("/ccmp");
    assertEquals(503, ccmp.statusCode());
    assertEquals("1", ccmp.headers().firstValue("Retry-After").orElse(""));
    HttpResponse<String> health = get("/health");
    assertEquals(503, health.statusCode());
    assertEquals("{\"status\":\"starting\"}\n", health.body());
    assertEquals("contexts", get("/ccmpx").body());
    assertEquals("contexts", get("/other").body());
  }

  @Test
  public void endpointsServeTheirPathOrTheirTreeAndLeaveWhenRemoved() throws Exception {
    HttpEndpoint ccmp = endpoint("ccmp");
    HttpEndpoint console = endpoint("console");
    HttpEndpoint api = endpoint("api");
    front.addEndpoint(ccmp, Map.of(HttpEndpoint.PATH, "/ccmp"));
    front.addEndpoint(console, Map.of(HttpEndpoint.PATH, new String[] {"/console", "/console/"}));
    front.addEndpoint(api, Map.of(HttpEndpoint.PATH, "/console/api/"));
    front.addEndpoint(endpoint("nowhere"), Map.of(HttpEndpoint.PATH, "relative"));

    assertEquals("ccmp", get("/ccmp").body());
    assertEquals("contexts", get("/ccmp/more").body());
    assertEquals("console", get("/console/").body());
    assertEquals("console", get("/console/app.js").body());
    assertEquals("api", get("/console/api/conferences").body());
    assertEquals("console", get("/console").body());
    assertEquals("contexts", get("/consoles").body());

    front.removeEndpoint(ccmp);
    front.removeEndpoint(api);
    assertEquals(503, get("/ccmp").statusCode());
    assertEquals("console", get("/console/api/conferences").body());
  }

  @Test
  public void anEndpointThatDeclinesLetsTheRequestGoOn() throws Exception {
    front.addEndpoint((request, response, callback) -> false, Map.of(HttpEndpoint.PATH, "/x"));
    assertEquals("contexts", get("/x").body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpEndpoint endpoint(String says) {
    return (request, response, callback) -> write(response, callback, says);
  }

  private static Handler answering(String says) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        return write(response, callback, says);
      }
    };
  }

  private static boolean write(Response response, Callback callback, String says) {
    response.setStatus(200);
    response.write(true, ByteBuffer.wrap(says.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
