package io.xconf.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * The baseline of the CCMP benchmark: a bare Jetty 9.4 (the baseline the CCMP target was set
 * against, kept so that figures stay comparable; Xconf itself runs Jetty 12), outside Karaf and
 * OSGi, whose one handler reads a POST's body and answers with a fixed number of bytes as {@code
 * application/ccmp+xml}. Arguments: {@code PORT SIZE}. It serves until killed.
 */
public final class BareJetty {

  private BareJetty() {}

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
        new AbstractHandler() {
          @Override
          public void handle(
              String target, Request base, HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            try (InputStream body = request.getInputStream()) {
              body.readAllBytes();
            }
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("application/ccmp+xml;charset=utf-8");
            response.setContentLength(answer.length);
            response.getOutputStream().write(answer);
            base.setHandled(true);
          }
        });
    server.start();
    System.out.println("bare Jetty " + Server.getVersion() + " on 127.0.0.1:" + port);
    server.join();
  }
}
