package io.xconf.itests.support;

import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What mixers send, as the wire saw it: tshark captures the RTP leaving a range of ports on the
 * loopback interface, and gives each destination port's packets with the loudness of their decoded
 * G.711 A-law voice.
 */
public final class RtpCapture implements AutoCloseable {

  private final Process tshark;
  private final Path file;

  private RtpCapture(Process tshark, Path file) {
    this.tshark = tshark;
    this.file = file;
  }

  /** Starts capturing RTP sent from ports {@code min} to {@code max}; returns once tshark runs. */
  public static RtpCapture from(Path dir, int min, int max) throws Exception {
    Sipp.requireCommand("tshark", "tshark");
    Files.createDirectories(dir);
    Path file = dir.resolve("rtp.pcapng");
    Path log = dir.resolve("tshark.log");
    Files.deleteIfExists(file);
    Process tshark =
        new ProcessBuilder(
                "tshark",
                "-i",
                "lo",
                "-f",
                "udp src portrange " + min + "-" + max,
                "-w",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RtpCapture capture = new RtpCapture(tshark, file);
    try {
      Await.until(
          "tshark capturing",
          Duration.ofSeconds(20),
          () -> Files.exists(log) ? Files.readString(log) : "",
          text -> text.contains("Capturing on"));
    } catch (Exception | AssertionError e) {
      capture.close();
      throw e;
    }
    return capture;
  }

  /**
   * Ends the capture. Per destination port, every RTP packet as {epoch seconds, rms of its decoded
   * A-law payload}.
   */
  public Map<Integer, List<double[]>> levelsByDestination() throws Exception {
    Map<Integer, List<double[]>> levels = new LinkedHashMap<>();
    packetsByDestination()
        .forEach(
            (port, packets) -> {
              List<double[]> list = new ArrayList<>();
              for (Packet packet : packets) {
                double sum = 0;
                for (byte code : packet.payload()) {
                  double sample = alaw(code & 0xff);
                  sum += sample * sample;
                }
                int samples = Math.max(1, packet.payload().length);
                list.add(new double[] {packet.epochSeconds(), Math.sqrt(sum / samples)});
              }
              levels.put(port, list);
            });
    return levels;
  }

  /** One RTP packet as captured. */
  public record Packet(double epochSeconds, int payloadType, int sequence, byte[] payload) {}

  /** Ends the capture. Per destination port, every RTP packet in the order it was sent. */
  public Map<Integer, List<Packet>> packetsByDestination() throws Exception {
    tshark.destroy();
    tshark.waitFor(10, TimeUnit.SECONDS);
    Process read =
        new ProcessBuilder(
                "tshark",
                "-r",
                file.toString(),
                "-o",
                "rtp.heuristic_rtp:TRUE",
                "-T",
                "fields",
                "-e",
                "frame.time_epoch",
                "-e",
                "udp.dstport",
                "-e",
                "rtp.p_type",
                "-e",
                "rtp.seq",
                "-e",
                "rtp.payload",
                "-Y",
                "rtp")
            .redirectErrorStream(false)
            .start();
    String output = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    read.waitFor(60, TimeUnit.SECONDS);
    Map<Integer, List<Packet>> packets = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      String[] fields = line.strip().split("\t");
      if (fields.length < 5 || fields[4].isBlank()) {
        continue;
      }
      String hex = fields[4].replace(":", "");
      byte[] payload = new byte[hex.length() / 2];
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
      }
      packets
          .computeIfAbsent(Integer.parseInt(fields[1]), port -> new ArrayList<>())
          .add(
              new Packet(
                  Double.parseDouble(fields[0]),
                  Integer.parseInt(fields[2]),
                  Integer.parseInt(fields[3]),
                  payload));
    }
    return packets;
  }

  /** The loudness of the packets sent between two epoch times (more than ten of them). */
  public static double rms(List<double[]> packets, double from, double to) {
    double sum = 0;
    int count = 0;
    for (double[] packet : packets) {
      if (packet[0] >= from && packet[0] <= to) {
        sum += packet[1] * packet[1];
        count++;
      }
    }
    assertTrue("packets between " + from + " and " + to, count > 10);
    return Math.sqrt(sum / count);
  }

  /** G.711 A-law decoding (ITU-T G.711). */
  private static double alaw(int code) {
    int a = code ^ 0x55;
    int t = (a & 0x0f) << 4;
    int segment = (a & 0x70) >> 4;
    if (segment == 0) {
      t += 8;
    } else {
      t += 0x108;
      if (segment > 1) {
        t <<= segment - 1;
      }
    }
    return (a & 0x80) != 0 ? t : -t;
  }

  @Override
  public void close() {
    tshark.destroy();
  }
}
