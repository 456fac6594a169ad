package io.xconf.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** What endpoints ask of a request, and the plain answers they give. */
public final class Requests {

  private Requests() {}

  /**
   * Whether the TCP peer is this machine (a loopback address): a client the operator runs here, or,
   * behind a reverse proxy on this machine, everyone (endpoints that trust this say so).
   */
  public static boolean fromThisMachine(Request request) {
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    return remote instanceof InetSocketAddress address
        && address.getAddress() != null
        && address.getAddress().isLoopbackAddress();
  }

  /**
   * Whether the request reads (GET or HEAD); if not, it has been answered 405 with {@code Allow}.
   */
  public static boolean reads(Request request, Response response, Callback callback) {
    if (HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod())) {
      return true;
    }
    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
    Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
    return false;
  }

  /** A whole answer: status, type and length, and the body unless the request was HEAD. */
  public static void answer(
      Request request,
      Response response,
      Callback callback,
      int status,
      String contentType,
      byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
  }
}
