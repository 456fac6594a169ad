package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.SdpException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The part of SDP (RFC 4566) and offer/answer (RFC 3264) an audio mixer needs: the audio stream's
 * address, payload types and direction. Other streams are declined in the answer with port 0, as
 * RFC 3264 section 6 requires (one m-line in the answer for each in the offer).
 */
final class Sdp {

  static final int PCMU = 0;
  static final int PCMA = 8;
  static final int DEFAULT_TELEPHONE_EVENT = 101;

  private Sdp() {}

  /** What was agreed for the audio stream. */
  record Agreement(
      int payloadType,
      boolean alaw,
      int telephoneEventPayloadType,
      InetSocketAddress remoteRtp,
      InetSocketAddress remoteRtcp,
      Direction direction) {}

  /** A stream's direction, seen from the side that wrote it. */
  enum Direction {
    SENDRECV,
    SENDONLY,
    RECVONLY,
    INACTIVE;

    Direction reversed() {
      return switch (this) {
        case SENDONLY -> RECVONLY;
        case RECVONLY -> SENDONLY;
        default -> this;
      };
    }

    boolean sends() {
      return this == SENDRECV || this == SENDONLY;
    }

    boolean receives() {
      return this == SENDRECV || this == RECVONLY;
    }

    String attribute() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private record Media(
      String type,
      int port,
      String proto,
      List<String> formats,
      Map<String, String> rtpmaps,
      String connection,
      Direction direction,
      int rtcpPort) {}

  /**
   * Answers an offer (RFC 3264 section 6): the first offered G.711 variant, in the offerer's order,
   * plus telephone-event when offered; the reversed direction.
   *
   * @return the agreement and the answer's text
   */
  static Answered answer(String offer, String localAddress, int localPort, long sessionVersion)
      throws SdpException {
    List<Media> media = parse(offer);
    StringBuilder lines = header(localAddress, sessionVersion);
    Agreement agreement = null;
    for (Media m : media) {
      Agreement candidate = agreement == null ? agree(m) : null;
      if (candidate == null) {
        lines.append("m=").append(m.type).append(" 0 ").append(m.proto);
        lines.append(' ').append(m.formats.isEmpty() ? "0" : m.formats.get(0)).append("\r\n");
        continue;
      }
      Direction ours = candidate.direction().reversed();
      agreement =
          new Agreement(
              candidate.payloadType(),
              candidate.alaw(),
              candidate.telephoneEventPayloadType(),
              candidate.remoteRtp(),
              candidate.remoteRtcp(),
              ours);
      audioLines(lines, m.proto, localPort, agreement);
    }
    if (agreement == null) {
      throw new SdpException("no audio stream with PCMU or PCMA at 8000 Hz over RTP/AVP");
    }
    return new Answered(agreement, lines.toString());
  }

  record Answered(Agreement agreement, String sdp) {}

  /** The mixer's offer for a dial-out: PCMU, PCMA and telephone-event, sendrecv. */
  static String offer(String localAddress, int localPort, long sessionVersion) {
    StringBuilder lines = header(localAddress, sessionVersion);
    lines.append("m=audio ").append(localPort).append(" RTP/AVP 0 8 ");
    lines.append(DEFAULT_TELEPHONE_EVENT).append("\r\n");
    lines.append("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n");
    lines.append("a=rtpmap:").append(DEFAULT_TELEPHONE_EVENT).append(" telephone-event/8000\r\n");
    lines.append("a=fmtp:").append(DEFAULT_TELEPHONE_EVENT).append(" 0-16\r\n");
    lines.append("a=ptime:20\r\na=sendrecv\r\n");
    return lines.toString();
  }

  /** Reads the answer to {@link #offer}: it must pick one of the offered codecs. */
  static Agreement answered(String answer) throws SdpException {
    for (Media m : parse(answer)) {
      Agreement agreement = agree(m);
      if (agreement != null) {
        return new Agreement(
            agreement.payloadType(),
            agreement.alaw(),
            agreement.telephoneEventPayloadType(),
            agreement.remoteRtp(),
            agreement.remoteRtcp(),
            agreement.direction().reversed());
      }
    }
    throw new SdpException("the answer accepts no audio codec of the offer");
  }

  private static StringBuilder header(String localAddress, long sessionVersion) {
    String family = localAddress.contains(":") ? "IP6" : "IP4";
    StringBuilder lines = new StringBuilder(256);
    lines.append("v=0\r\n");
    lines.append("o=xconf 1 ").append(sessionVersion).append(" IN ").append(family).append(' ');
    lines.append(localAddress).append("\r\n");
    lines.append("s=xconf\r\n");
    lines.append("c=IN ").append(family).append(' ').append(localAddress).append("\r\n");
    lines.append("t=0 0\r\n");
    return lines;
  }

  private static void audioLines(StringBuilder lines, String proto, int port, Agreement agreed) {
    lines.append("m=audio ").append(port).append(' ').append(proto).append(' ');
    lines.append(agreed.payloadType());
    if (agreed.telephoneEventPayloadType() >= 0) {
      lines.append(' ').append(agreed.telephoneEventPayloadType());
    }
    lines.append("\r\n");
    lines.append("a=rtpmap:").append(agreed.payloadType());
    lines.append(agreed.alaw() ? " PCMA/8000\r\n" : " PCMU/8000\r\n");
    if (agreed.telephoneEventPayloadType() >= 0) {
      lines.append("a=rtpmap:").append(agreed.telephoneEventPayloadType());
      lines.append(" telephone-event/8000\r\n");
      lines.append("a=fmtp:").append(agreed.telephoneEventPayloadType()).append(" 0-16\r\n");
    }
    lines.append("a=ptime:20\r\n");
    lines.append("a=").append(agreed.direction().attribute()).append("\r\n");
  }

  /** The agreement an audio m-line allows, in the direction its writer gave; null if none. */
  private static Agreement agree(Media m) throws SdpException {
    if (!"audio".equals(m.type) || m.port == 0 || !m.proto.startsWith("RTP/AVP")) {
      return null;
    }
    int chosen = -1;
    boolean alaw = false;
    int telephoneEvent = -1;
    for (String format : m.formats) {
      String rtpmap = m.rtpmaps.get(format);
      int pt;
      try {
        pt = Integer.parseInt(format);
      } catch (NumberFormatException e) {
        continue;
      }
      String encoding =
          rtpmap != null
              ? rtpmap.toUpperCase(Locale.ROOT)
              : pt == PCMU ? "PCMU/8000" : pt == PCMA ? "PCMA/8000" : "";
      if (chosen < 0 && (encoding.equals("PCMU/8000") || encoding.startsWith("PCMU/8000/1"))) {
        chosen = pt;
      } else if (chosen < 0
          && (encoding.equals("PCMA/8000") || encoding.startsWith("PCMA/8000/1"))) {
        chosen = pt;
        alaw = true;
      } else if (telephoneEvent < 0 && encoding.equals("TELEPHONE-EVENT/8000")) {
        telephoneEvent = pt;
      }
    }
    if (chosen < 0) {
      return null;
    }
    if (m.connection == null) {
      throw new SdpException("no connection address (c=) for the audio stream");
    }
    // c=0.0.0.0 is RFC 2543's hold: nothing is sent there.
    boolean held = m.connection.equals("0.0.0.0");
    InetSocketAddress rtp = InetSocketAddress.createUnresolved(m.connection, m.port);
    int rtcpPort = m.rtcpPort > 0 ? m.rtcpPort : m.port + 1;
    if (rtcpPort > 65535) {
      throw new SdpException("RTCP port out of range: " + rtcpPort);
    }
    InetSocketAddress rtcp = InetSocketAddress.createUnresolved(m.connection, rtcpPort);
    Direction direction = held ? Direction.INACTIVE : m.direction;
    return new Agreement(chosen, alaw, telephoneEvent, rtp, rtcp, direction);
  }

  private static List<Media> parse(String sdp) throws SdpException {
    if (sdp == null || sdp.isBlank()) {
      throw new SdpException("no SDP");
    }
    if (sdp.length() > 16 * 1024) {
      throw new SdpException("SDP over 16 KiB");
    }
    String sessionConnection = null;
    Direction sessionDirection = Direction.SENDRECV;
    List<Media> media = new ArrayList<>();
    String type = null;
    int port = 0;
    String proto = "";
    List<String> formats = List.of();
    Map<String, String> rtpmaps = new HashMap<>();
    String connection = null;
    Direction direction = null;
    int rtcpPort = 0;
    boolean sawVersion = false;
    for (String raw : sdp.split("\r?\n")) {
      String line = raw.strip();
      if (line.length() < 2 || line.charAt(1) != '=') {
        continue;
      }
      char kind = line.charAt(0);
      String value = line.substring(2);
      if (kind == 'v') {
        sawVersion = true;
      } else if (kind == 'm') {
        if (type != null) {
          media.add(
              new Media(
                  type,
                  port,
                  proto,
                  formats,
                  rtpmaps,
                  connection != null ? connection : sessionConnection,
                  direction != null ? direction : sessionDirection,
                  rtcpPort));
        }
        String[] fields = value.split(" +");
        if (fields.length < 3) {
          throw new SdpException("malformed m= line: " + line);
        }
        type = fields[0];
        try {
          port = Integer.parseInt(before(fields[1], '/'));
        } catch (NumberFormatException e) {
          throw new SdpException("malformed port in: " + line);
        }
        if (port < 0 || port > 65535) {
          throw new SdpException("port out of range in: " + line);
        }
        proto = fields[2];
        formats = List.of(fields).subList(3, fields.length);
        rtpmaps = new HashMap<>();
        connection = null;
        direction = null;
        rtcpPort = 0;
      } else if (kind == 'c') {
        String[] fields = value.split(" +");
        if (fields.length < 3 || !fields[0].equals("IN")) {
          throw new SdpException("malformed c= line: " + line);
        }
        String address = before(fields[2], '/');
        if (type == null) {
          sessionConnection = address;
        } else {
          connection = address;
        }
      } else if (kind == 'a') {
        Direction named = directionOf(value);
        if (named != null) {
          if (type == null) {
            sessionDirection = named;
          } else {
            direction = named;
          }
        } else if (type != null && value.startsWith("rtpmap:")) {
          int space = value.indexOf(' ');
          if (space > 7) {
            rtpmaps.put(value.substring(7, space), value.substring(space + 1).strip());
          }
        } else if (type != null && value.startsWith("rtcp:")) {
          try {
            rtcpPort = Integer.parseInt(before(value.substring(5), ' '));
          } catch (NumberFormatException e) {
            throw new SdpException("malformed a=rtcp: " + line);
          }
        }
      }
    }
    if (!sawVersion) {
      throw new SdpException("not SDP: no v= line");
    }
    if (type != null) {
      media.add(
          new Media(
              type,
              port,
              proto,
              formats,
              rtpmaps,
              connection != null ? connection : sessionConnection,
              direction != null ? direction : sessionDirection,
              rtcpPort));
    }
    return media;
  }

  private static Direction directionOf(String attribute) {
    return switch (attribute) {
      case "sendrecv" -> Direction.SENDRECV;
      case "sendonly" -> Direction.SENDONLY;
      case "recvonly" -> Direction.RECVONLY;
      case "inactive" -> Direction.INACTIVE;
      default -> null;
    };
  }

  /** The first usable c= address of an SDP (not the old hold address 0.0.0.0), or null. */
  static String connectionAddress(String sdp) {
    for (String line : sdp.split("\r?\n")) {
      if (line.startsWith("c=IN ")) {
        String[] fields = line.strip().split(" +");
        if (fields.length >= 3 && !fields[2].startsWith("0.0.0.0")) {
          return before(fields[2], '/');
        }
      }
    }
    return null;
  }

  /** The text before the first {@code stop}, all of it without one ("/" alone gives ""). */
  private static String before(String text, char stop) {
    int at = text.indexOf(stop);
    return at < 0 ? text : text.substring(0, at);
  }
}
