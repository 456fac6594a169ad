package io.xconf.bench.jetty12;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A baseline of the CCMP benchmark: a bare Jetty 12 (the version Xconf runs under Pax Web 11),
 * outside Karaf and OSGi, whose one core handler reads a POST's body and answers with a fixed
 * number of bytes as {@code application/ccmp+xml}. Arguments: {@code PORT SIZE}. It serves until
 * killed.
 */
public final class BareJetty12 {

  private BareJetty12() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    byte[] answer = new byte[Integer.parseInt(args[1])];
    Arrays.fill(answer, (byte) 'x');
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            Content.Source.consumeAll(
                request,
                Callback.from(
                    () -> {
                      response.setStatus(200);
                      response
                          .getHeaders()
                          .put(HttpHeader.CONTENT_TYPE, "application/ccmp+xml;charset=utf-8");
                      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
                      response.write(true, ByteBuffer.wrap(answer), callback);
                    },
                    callback::failed));
            return true;
          }
        });
    server.start();
    System.out.println("bare Jetty " + Server.getVersion() + " on 127.0.0.1:" + port);
    server.join();
  }
}
