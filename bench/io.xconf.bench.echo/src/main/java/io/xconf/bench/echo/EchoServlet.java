package io.xconf.bench.echo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The baseline of the CCMP benchmark: reads the request body and answers {@code ?size=N} bytes of
 * the CCMP media type, doing nothing else.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/bench/echo")
public final class EchoServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try (InputStream in = request.getInputStream()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    int size =
        Integer.parseInt(
            request.getParameter("size") == null ? "1000" : request.getParameter("size"));
    byte[] body = new byte[Math.max(0, Math.min(size, 1 << 20))];
    Arrays.fill(body, (byte) 'x');
    response.setContentType("application/ccmp+xml; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
