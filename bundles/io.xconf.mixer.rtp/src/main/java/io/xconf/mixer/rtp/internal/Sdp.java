package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.SdpException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The part of SDP (RFC 4566) and offer/answer (RFC 3264) an audio mixer needs: the audio stream's
 * address, payload types and direction. Other streams are declined in the answer with port 0, as
 * RFC 3264 section 6 requires (one m-line in the answer for each in the offer).
 */
final class Sdp {

  static final int DEFAULT_TELEPHONE_EVENT = 101;

  /** What we send Opus at: wideband speech, transparent at this rate (RFC 7587 section 3.1.1). */
  static final int OPUS_BITRATE = 24000;

  /** What we tell Opus senders: we mix at 16 kHz, more would be wasted. */
  private static final String OPUS_FMTP =
      "maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1";

  private Sdp() {}

  /** What was agreed for the audio stream. */
  record Agreement(
      AudioCodec codec,
      int payloadType,
      int telephoneEventPayloadType,
      int telephoneEventRate,
      int bitrate,
      InetSocketAddress remoteRtp,
      InetSocketAddress remoteRtcp,
      Direction direction) {

    Agreement withDirection(Direction other) {
      return new Agreement(
          codec,
          payloadType,
          telephoneEventPayloadType,
          telephoneEventRate,
          bitrate,
          remoteRtp,
          remoteRtcp,
          other);
    }

    Agreement withAddresses(InetSocketAddress rtp, InetSocketAddress rtcp) {
      return new Agreement(
          codec,
          payloadType,
          telephoneEventPayloadType,
          telephoneEventRate,
          bitrate,
          rtp,
          rtcp,
          direction);
    }
  }

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
      Map<String, String> fmtps,
      String connection,
      Direction direction,
      int rtcpPort) {}

  /**
   * Answers an offer (RFC 3264 section 6): of the codecs offered and allowed, Opus before G.722
   * before G.711 (PCMU and PCMA in the offerer's order), plus telephone-event when offered; the
   * reversed direction.
   *
   * @return the agreement and the answer's text
   */
  static Answered answer(
      String offer,
      Set<AudioCodec> allowed,
      String localAddress,
      int localPort,
      long sessionVersion)
      throws SdpException {
    List<Media> media = parse(offer);
    StringBuilder lines = header(localAddress, sessionVersion);
    Agreement agreement = null;
    for (Media m : media) {
      Agreement candidate = agreement == null ? agree(m, allowed, true) : null;
      if (candidate == null) {
        lines.append("m=").append(m.type).append(" 0 ").append(m.proto);
        lines.append(' ').append(m.formats.isEmpty() ? "0" : m.formats.get(0)).append("\r\n");
        continue;
      }
      agreement = candidate.withDirection(candidate.direction().reversed());
      audioLines(lines, m.proto, localPort, agreement);
    }
    if (agreement == null) {
      throw new SdpException(
          "no audio stream over RTP/AVP with a codec this conference takes: " + names(allowed));
    }
    return new Answered(agreement, lines.toString());
  }

  record Answered(Agreement agreement, String sdp) {}

  /**
   * The mixer's offer for a dial-out: the allowed codecs in our order of preference, and
   * telephone-event, sendrecv.
   */
  static String offer(
      Set<AudioCodec> allowed, String localAddress, int localPort, long sessionVersion) {
    StringBuilder lines = header(localAddress, sessionVersion);
    lines.append("m=audio ").append(localPort).append(" RTP/AVP");
    for (AudioCodec codec : allowed) {
      lines.append(' ').append(codec.offeredPayloadType());
    }
    lines.append(' ').append(DEFAULT_TELEPHONE_EVENT).append("\r\n");
    for (AudioCodec codec : allowed) {
      lines.append("a=rtpmap:").append(codec.offeredPayloadType()).append(' ');
      lines.append(codec.rtpmap()).append("\r\n");
      if (codec == AudioCodec.OPUS) {
        lines.append("a=fmtp:").append(codec.offeredPayloadType()).append(' ');
        lines.append(OPUS_FMTP).append("\r\n");
      }
    }
    lines.append("a=rtpmap:").append(DEFAULT_TELEPHONE_EVENT).append(" telephone-event/8000\r\n");
    lines.append("a=fmtp:").append(DEFAULT_TELEPHONE_EVENT).append(" 0-16\r\n");
    lines.append("a=ptime:20\r\na=sendrecv\r\n");
    return lines.toString();
  }

  /** Reads the answer to {@link #offer}: the first codec it lists that we offered. */
  static Agreement answered(String answer, Set<AudioCodec> offered) throws SdpException {
    for (Media m : parse(answer)) {
      Agreement agreement = agree(m, offered, false);
      if (agreement != null) {
        return agreement.withDirection(agreement.direction().reversed());
      }
    }
    throw new SdpException("the answer accepts no audio codec of the offer");
  }

  private static String names(Set<AudioCodec> codecs) {
    StringBuilder names = new StringBuilder();
    for (AudioCodec codec : codecs) {
      names.append(names.length() == 0 ? "" : ", ").append(codec.subtype());
    }
    return names.length() == 0 ? "none" : names.toString();
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
    lines.append("a=rtpmap:").append(agreed.payloadType()).append(' ');
    lines.append(agreed.codec().rtpmap()).append("\r\n");
    if (agreed.codec() == AudioCodec.OPUS) {
      lines.append("a=fmtp:").append(agreed.payloadType()).append(' ').append(OPUS_FMTP);
      lines.append("\r\n");
    }
    if (agreed.telephoneEventPayloadType() >= 0) {
      lines.append("a=rtpmap:").append(agreed.telephoneEventPayloadType());
      lines.append(" telephone-event/").append(agreed.telephoneEventRate()).append("\r\n");
      lines.append("a=fmtp:").append(agreed.telephoneEventPayloadType()).append(" 0-16\r\n");
    }
    lines.append("a=ptime:20\r\n");
    lines.append("a=").append(agreed.direction().attribute()).append("\r\n");
  }

  /**
   * The agreement an audio m-line allows, in the direction its writer gave; null if none.
   *
   * @param ourOrder pick by our preference (answering an offer) rather than the first listed (an
   *     answer's own choice)
   */
  private static Agreement agree(Media m, Set<AudioCodec> allowed, boolean ourOrder)
      throws SdpException {
    if (!"audio".equals(m.type) || m.port == 0 || !m.proto.startsWith("RTP/AVP")) {
      return null;
    }
    AudioCodec chosen = null;
    int chosenPt = -1;
    List<int[]> telephoneEvents = new ArrayList<>();
    for (String format : m.formats) {
      int pt;
      try {
        pt = Integer.parseInt(format);
      } catch (NumberFormatException e) {
        continue;
      }
      String rtpmap = m.rtpmaps.get(format);
      String encoding = rtpmap != null ? rtpmap.strip() : staticEncoding(pt);
      String upper = encoding.toUpperCase(Locale.ROOT);
      if (upper.startsWith("TELEPHONE-EVENT/")) {
        telephoneEvents.add(new int[] {pt, rate(upper)});
        continue;
      }
      AudioCodec codec = codecNamed(encoding);
      if (codec == null || !allowed.contains(codec)) {
        continue;
      }
      if (chosen == null || (ourOrder && rank(codec) < rank(chosen))) {
        chosen = codec;
        chosenPt = pt;
      }
    }
    if (chosen == null) {
      return null;
    }
    int telephoneEvent = -1;
    int telephoneEventRate = 8000;
    for (int[] event : telephoneEvents) {
      // One whose clock is the codec's is right (RFC 4733 section 2.1); any other will do.
      if (telephoneEvent < 0
          || (event[1] == chosen.clockRate() && telephoneEventRate != event[1])) {
        telephoneEvent = event[0];
        telephoneEventRate = event[1];
      }
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
    Map<String, String> parameters = fmtpParameters(m.fmtps.get(String.valueOf(chosenPt)));
    int bitrate = OPUS_BITRATE;
    String maximum = parameters.get("maxaveragebitrate");
    if (maximum != null) {
      try {
        bitrate = opusBitrateWithin(Integer.parseInt(maximum));
      } catch (NumberFormatException e) {
        // Unreadable: ignored, as RFC 7587 lets a sender do with every parameter it cannot use.
      }
    }
    return new Agreement(
        chosen, chosenPt, telephoneEvent, telephoneEventRate, bitrate, rtp, rtcp, direction);
  }

  /**
   * The highest of a few rates that fits a peer's maximum: legs with the same rate share an encoded
   * stream, so a few steps keep a mix's encoders few whatever callers write.
   */
  private static int opusBitrateWithin(int maximum) {
    for (int step : OPUS_BITRATES) {
      if (step <= maximum) {
        return step;
      }
    }
    return OPUS_BITRATES[OPUS_BITRATES.length - 1];
  }

  private static final int[] OPUS_BITRATES = {OPUS_BITRATE, 16000, 12000, 8000, 6000};

  private static int rank(AudioCodec codec) {
    return codec == AudioCodec.PCMA ? AudioCodec.PCMU.ordinal() : codec.ordinal();
  }

  private static String staticEncoding(int pt) {
    for (AudioCodec codec : AudioCodec.values()) {
      if (codec.staticPayloadType() == pt) {
        return codec.subtype() + "/" + codec.clockRate();
      }
    }
    return "";
  }

  private static AudioCodec codecNamed(String encoding) {
    for (AudioCodec codec : AudioCodec.values()) {
      if (codec.named(encoding)) {
        return codec;
      }
    }
    return null;
  }

  private static int rate(String encoding) {
    String[] parts = encoding.split("/");
    try {
      return parts.length > 1 ? Integer.parseInt(parts[1].strip()) : 8000;
    } catch (NumberFormatException e) {
      return 8000;
    }
  }

  /** An fmtp's "key=value; key=value" (keys lowercased); empty for none. */
  private static Map<String, String> fmtpParameters(String fmtp) {
    Map<String, String> parameters = new HashMap<>();
    if (fmtp == null) {
      return parameters;
    }
    for (String pair : fmtp.split(";")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        parameters.put(
            pair.substring(0, equals).strip().toLowerCase(Locale.ROOT),
            pair.substring(equals + 1).strip());
      }
    }
    return parameters;
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
    Map<String, String> fmtps = new HashMap<>();
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
                  fmtps,
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
        fmtps = new HashMap<>();
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
        } else if (type != null && value.startsWith("fmtp:")) {
          int space = value.indexOf(' ');
          if (space > 5) {
            fmtps.put(value.substring(5, space), value.substring(space + 1).strip());
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
              fmtps,
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
