package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.XconfServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * RFC 4475's torture messages (section 3, byte for byte from the RFC's own archive, in
 * src/test/resources/rfc4475) sent to the packed distribution: every valid request gets a final
 * answer, even a refusal; no invalid request gets a 2xx; responses nobody asked for get nothing;
 * and the server answers an ordinary OPTIONS after each.
 *
 * <p>Each request goes over TCP, so the answer comes back on its connection whatever its Via says;
 * the few whose framing is the point of the test for datagrams (no Content-Length, or one that does
 * not fit the body) go over UDP with {@code rport} added to their top Via (RFC 3581), so the answer
 * comes back to the test's socket rather than to the host the Via names.
 */
public class Rfc4475IT {

  /** The RFC's domain: its REGISTERs and requests for users are then this server's. */
  private static final String DOMAIN = "example.com";

  /** A top Via header, with its continuation lines. */
  private static final Pattern TOP_VIA =
      Pattern.compile("(?im)^(?:via|v)[ \\t]*:([^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*)");

  /**
   * No Call-ID, From or To (section 3.3.1): the RFC would like a 400, but a response could not name
   * the request it answers (RFC 3261 section 8.2.6.2); it is dropped, and the server goes on.
   */
  private static final Set<String> UNANSWERABLE = Set.of("insuf.dat");

  /** Where the RFC names the answer: the statuses it allows. */
  private static final Map<String, Set<Integer>> NAMED =
      Map.of(
          "intmeth.dat", Set.of(501),
          "esc02.dat", Set.of(501),
          "badvers.dat", Set.of(505),
          "mismatch01.dat", Set.of(400),
          "mismatch02.dat", Set.of(400, 501),
          "unkscm.dat", Set.of(416),
          "novelsc.dat", Set.of(416),
          "bext01.dat", Set.of(420),
          "badinv01.dat", Set.of(400),
          "clerr.dat", Set.of(400));

  /** A well-formed SIP response head: a status line, header lines, an empty line. */
  private static final Pattern RESPONSE =
      Pattern.compile(
          "SIP/2\\.0 \\d{3} [^\\r\\n]*\\r\\n(?:[!-9;-~]+[ \\t]*:[^\\r\\n]*\\r\\n)+\\r\\n(?s).*");

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static XconfServer server;
  private static int sipPort;

  @BeforeClass
  public static void startServer() throws Exception {
    Path work = Path.of(System.getProperty("xconf.work"), "servers", "rfc4475");
    server = XconfServer.configure(work.resolve("data"), DOMAIN);
    server.start();
    sipPort = server.sipPort();
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  /** One line of index.tsv: the file, its section, the RFC's verdict, what the RFC expects. */
  private record Message(
      String file, String section, String kind, boolean request, String expected) {}

  @Test
  public void everyValidRequestIsAnsweredNoInvalidOneAcceptedAndTheServerServesOn()
      throws Exception {
    List<String> wrong = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (Message message : index()) {
      byte[] bytes = resource(message.file());
      String answer;
      if (!message.request()) {
        answer = overUdp(bytes);
        if (answer != null) {
          wrong.add(message.file() + ": a response was answered with " + firstLine(answer));
        }
      } else {
        answer = viaUdp(bytes) ? overUdp(withRport(bytes, message.file())) : overTcp(bytes);
        int status = answer == null ? 0 : status(answer);
        boolean valid = !message.kind().equals("invalid") && !UNANSWERABLE.contains(message.file());
        if (NAMED.containsKey(message.file()) && !NAMED.get(message.file()).contains(status)) {
          wrong.add(
              message.file() + ": the RFC says " + NAMED.get(message.file()) + ", not " + status);
        }
        if (answer != null && !RESPONSE.matcher(answer).matches()) {
          wrong.add(message.file() + ": a malformed answer\n" + answer);
        }
        if (valid && status < 200) {
          wrong.add(message.file() + " (" + message.kind() + "): no final answer");
        }
        if (!valid && status >= 200 && status < 300) {
          wrong.add(message.file() + " (invalid): accepted with " + firstLine(answer));
        }
      }
      table
          .append(message.section())
          .append(' ')
          .append(message.file())
          .append(" (")
          .append(message.kind())
          .append("): ")
          .append(answer == null ? "no answer" : firstLine(answer))
          .append(" | RFC: ")
          .append(message.expected())
          .append('\n');
      assertEquals(
          "the server answers OPTIONS after " + message.file() + "\n" + table,
          200,
          status(alive()));
    }
    System.out.println("RFC 4475 section 3, message by message:\n" + table);
    assertTrue(String.join("\n", wrong) + "\n\n" + table, wrong.isEmpty());
  }

  private static List<Message> index() throws IOException {
    List<Message> messages = new ArrayList<>();
    String index = new String(resource("index.tsv"), StandardCharsets.UTF_8);
    for (String line : index.split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length < 5 || fields[0].equals("file") || fields[2].equals("extra")) {
        continue;
      }
      messages.add(
          new Message(fields[0], fields[1], fields[2], fields[3].equals("yes"), fields[4]));
    }
    assertEquals("the corpus of RFC 4475 section 3", 49, messages.size());
    return messages;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Rfc4475IT.class.getResourceAsStream("/rfc4475/" + name)) {
      return in.readAllBytes();
    }
  }

  /** Whether a message's top Via names UDP (in any spacing and line folding). */
  private static boolean viaUdp(byte[] message) {
    Matcher via = TOP_VIA.matcher(new String(message, StandardCharsets.ISO_8859_1));
    return via.find()
        && via.group(1).replaceAll("\\s", "").toUpperCase().matches("SIP/[^/]*/UDP.*");
  }

  /**
   * The message with {@code ;rport} after its top Via's first value, so that the answer comes back
   * to its source.
   */
  private static byte[] withRport(byte[] message, String name) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    Matcher via = TOP_VIA.matcher(text);
    if (!via.find()) {
      return message;
    }
    int comma = text.indexOf(',', via.start(1));
    int end = comma >= 0 && comma < via.end(1) ? comma : via.end(1);
    String top = text.substring(via.start(1), end);
    Matcher branch = Pattern.compile("(?i)(branch[ \\t]*=[ \\t]*[^;,\\s]+)").matcher(top);
    String changed =
        branch.find()
            ? top.substring(0, branch.end())
                + "-"
                + name.replace(".dat", "")
                + top.substring(branch.end())
            : top;
    return (text.substring(0, via.start(1)) + changed + ";rport" + text.substring(end))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Sends a datagram; the first final answer within 3 s, else the last provisional, else null. */
  private static String overUdp(byte[] message) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.send(new DatagramPacket(message, message.length, LOOPBACK, sipPort));
      String last = null;
      long deadline = System.currentTimeMillis() + 3000;
      while (System.currentTimeMillis() < deadline) {
        socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          break;
        }
        last = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        if (status(last) >= 200) {
          return last;
        }
      }
      return last;
    }
  }

  /** Sends on a new TCP connection; the first final answer within 3 s, as {@link #overUdp}. */
  private static String overTcp(byte[] message) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, sipPort)) {
      socket.setSoTimeout(3000);
      socket.getOutputStream().write(message);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String last = null;
      long deadline = System.currentTimeMillis() + 3000;
      while (System.currentTimeMillis() < deadline) {
        String response = readMessage(in);
        if (response == null) {
          break;
        }
        last = response;
        if (status(last) >= 200) {
          return last;
        }
      }
      return last;
    } catch (java.net.SocketException e) {
      return null; // closed on us: no answer
    }
  }

  /** One message off a stream: its headers and, by Content-Length, its body; null at the end. */
  private static String readMessage(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
      }
      String headers = head.toString(StandardCharsets.UTF_8);
      if (headers.isBlank()) {
        return readMessage(in); // a keep-alive
      }
      Matcher length =
          Pattern.compile("(?im)^(content-length|l)[ \\t]*:[ \\t]*(\\d+)").matcher(headers);
      int bodyLength = length.find() ? Integer.parseInt(length.group(2)) : 0;
      return headers + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private static String alive() throws IOException {
    String callId = "alive-" + System.nanoTime();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      String options =
          "OPTIONS sip:127.0.0.1:"
              + sipPort
              + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
              + socket.getLocalPort()
              + ";branch=z9hG4bK"
              + callId
              + "\r\nFrom: <sip:tester@127.0.0.1>;tag=t\r\nTo: <sip:127.0.0.1>\r\nCall-ID: "
              + callId
              + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
      byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, sipPort));
      socket.setSoTimeout(5000);
      DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
      socket.receive(packet);
      return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
  }

  private static int status(String response) {
    Matcher matcher = Pattern.compile("^SIP/2\\.0 (\\d{3}) ").matcher(response);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\r');
    return end < 0 ? message : message.substring(0, end);
  }
}
