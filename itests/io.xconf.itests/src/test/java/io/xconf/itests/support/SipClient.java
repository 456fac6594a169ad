package io.xconf.itests.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SIP over UDP written by hand, for what no well-behaved phone sends: forged headers, replayed
 * credentials, floods, requests that never finish. One socket for SIP on 127.0.0.1, one for RTP.
 */
public final class SipClient implements AutoCloseable {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final DatagramSocket sip;
  private final DatagramSocket rtp;
  private final int focusPort;
  private final AtomicInteger rtpReceived = new AtomicInteger();
  private final Thread rtpReader;
  private volatile Thread rtpSender;

  public SipClient(int focusPort) throws IOException {
    this(focusPort, 0);
  }

  /** A client whose SIP port is {@code localPort} (one a server was told to trust, say). */
  public SipClient(int focusPort, int localPort) throws IOException {
    this.focusPort = focusPort;
    this.sip = new DatagramSocket(new InetSocketAddress("127.0.0.1", localPort));
    this.rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    this.rtpReader =
        new Thread(
            () -> {
              byte[] buffer = new byte[2048];
              while (!rtp.isClosed()) {
                try {
                  rtp.receive(new DatagramPacket(buffer, buffer.length));
                  rtpReceived.incrementAndGet();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "sip-client-rtp");
    rtpReader.setDaemon(true);
    rtpReader.start();
  }

  public int port() {
    return sip.getLocalPort();
  }

  public int rtpPort() {
    return rtp.getLocalPort();
  }

  /** RTP packets that reached the client's RTP port. */
  public int rtpReceived() {
    return rtpReceived.get();
  }

  /** A request to build: method, Request-URI, then headers in order and a body. */
  public Message request(String method, String requestUri) {
    return new Message(method + " " + requestUri + " SIP/2.0")
        .header("Via", "SIP/2.0/UDP 127.0.0.1:" + port() + ";branch=z9hG4bK" + System.nanoTime())
        .header("Max-Forwards", "70");
  }

  /** An SDP offer of PCMU at the client's RTP port. */
  public String offer() {
    return "v=0\r\no=attacker 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio "
        + rtpPort()
        + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
  }

  public void send(Message message) throws IOException {
    send(message.toString());
  }

  public void send(String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    sip.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, focusPort));
  }

  /** The next message, or null when none comes in time. */
  public String receive(Duration timeout) throws IOException {
    sip.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    byte[] buffer = new byte[65536];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      sip.receive(packet);
      return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /**
   * The final response to the request with this Call-ID and CSeq method, skipping provisional ones
   * and anything else; null when none comes in time.
   */
  public String finalResponse(String callId, String method, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String message = receive(Duration.ofNanos(deadline - System.nanoTime()));
      if (message != null
          && message.startsWith("SIP/2.0 ")
          && !message.startsWith("SIP/2.0 1")
          && callId.equals(header(message, "Call-ID"))
          && header(message, "CSeq").endsWith(" " + method)) {
        return message;
      }
    }
    return null;
  }

  /** The first request with this method that comes in time, or null. */
  public String request(String method, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String message = receive(Duration.ofNanos(deadline - System.nanoTime()));
      if (message != null && message.startsWith(method + " ")) {
        return message;
      }
    }
    return null;
  }

  /** Every message that comes within {@code window}. */
  public List<String> drain(Duration window) throws IOException {
    List<String> messages = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < deadline) {
      String message = receive(Duration.ofNanos(deadline - System.nanoTime()));
      if (message != null) {
        messages.add(message);
      }
    }
    return messages;
  }

  /** A 200 to a request the focus sent (a NOTIFY, a BYE). */
  public void ok(String request) throws IOException {
    StringBuilder response = new StringBuilder("SIP/2.0 200 OK\r\n");
    for (String name : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
      for (String value : headers(request, name)) {
        response.append(name).append(": ").append(value).append("\r\n");
      }
    }
    send(response.append("Content-Length: 0\r\n\r\n").toString());
  }

  /** Sends a PCMU packet every 100 ms to the mixer's port, from the client's RTP socket. */
  public void talkTo(int mixerPort) {
    Thread sender =
        new Thread(
            () -> {
              byte[] packet = new byte[12 + 160];
              packet[0] = (byte) 0x80;
              for (int sequence = 0; !rtp.isClosed(); sequence++) {
                packet[2] = (byte) (sequence >> 8);
                packet[3] = (byte) sequence;
                int timestamp = sequence * 160;
                packet[4] = (byte) (timestamp >> 24);
                packet[5] = (byte) (timestamp >> 16);
                packet[6] = (byte) (timestamp >> 8);
                packet[7] = (byte) timestamp;
                packet[11] = 7;
                try {
                  rtp.send(new DatagramPacket(packet, packet.length, LOOPBACK, mixerPort));
                  Thread.sleep(100);
                } catch (IOException | InterruptedException e) {
                  return;
                }
              }
            },
            "sip-client-talk");
    sender.setDaemon(true);
    sender.start();
    rtpSender = sender;
  }

  /** Stops sending RTP. */
  public void fallSilent() {
    Thread sender = rtpSender;
    if (sender != null) {
      sender.interrupt();
    }
  }

  @Override
  public void close() {
    fallSilent();
    sip.close();
    rtp.close();
  }

  // ----- reading messages -----

  public static int status(String response) {
    return response == null ? 0 : Integer.parseInt(response.substring(8, 11));
  }

  /** A header's first value (long name, case-insensitive), "" when absent. */
  public static String header(String message, String name) {
    List<String> values = headers(message, name);
    return values.isEmpty() ? "" : values.get(0);
  }

  public static List<String> headers(String message, String name) {
    List<String> values = new ArrayList<>();
    String head = message.split("\r\n\r\n", 2)[0];
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        values.add(line.substring(colon + 1).trim());
      }
    }
    return values;
  }

  public static String body(String message) {
    String[] parts = message.split("\r\n\r\n", 2);
    return parts.length < 2 ? "" : parts[1];
  }

  /** A tag parameter of a From or To value. */
  public static String tag(String fromOrTo) {
    Matcher matcher = Pattern.compile(";tag=([^;>\\s]+)").matcher(fromOrTo);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** The audio port of an SDP answer. */
  public static int mediaPort(String message) {
    Matcher matcher = Pattern.compile("m=audio (\\d+)").matcher(body(message));
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
  }

  /** A SIP message being written. */
  public static final class Message {
    private final String startLine;
    private final List<String[]> headers = new ArrayList<>();
    private String contentType;
    private String body = "";

    Message(String startLine) {
      this.startLine = startLine;
    }

    public Message header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    /** The header with this value instead of what was written for it so far. */
    public Message replace(String name, String value) {
      headers.removeIf(header -> header[0].equalsIgnoreCase(name));
      return header(name, value);
    }

    /** The first value of a header written so far. */
    public String value(String name) {
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          return header[1];
        }
      }
      return null;
    }

    /**
     * The CANCEL of this INVITE (RFC 3261 section 9.1): its Request-URI, Via, From, To and Call-ID,
     * its CSeq number.
     */
    public Message cancel() {
      Message cancel = new Message("CANCEL " + startLine.split(" ")[1] + " SIP/2.0");
      for (String name : List.of("Via", "Max-Forwards", "From", "To", "Call-ID")) {
        cancel.header(name, value(name));
      }
      return cancel.header("CSeq", value("CSeq").split(" ")[0] + " CANCEL");
    }

    public Message body(String type, String text) {
      this.contentType = type;
      this.body = text;
      return this;
    }

    @Override
    public String toString() {
      StringBuilder message = new StringBuilder(startLine).append("\r\n");
      for (String[] header : headers) {
        message.append(header[0]).append(": ").append(header[1]).append("\r\n");
      }
      if (contentType != null) {
        message.append("Content-Type: ").append(contentType).append("\r\n");
      }
      int length = body.getBytes(StandardCharsets.UTF_8).length;
      return message
          .append("Content-Length: ")
          .append(length)
          .append("\r\n\r\n")
          .append(body)
          .toString();
    }
  }
}
