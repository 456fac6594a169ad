package io.xconf.itests.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports free on the loopback interface right now, TCP and UDP alike (SIP uses both), for servers
 * and peers a test starts afterwards.
 *
 * <p>They come from below the kernel's ephemeral range: a port from inside it, free when chosen,
 * could meanwhile become the local port of any outgoing connection (a started node's database pool,
 * an HTTP client), and the server it was meant for would then fail to bind (a cluster node of
 * ClusterIT once did). Handed out in turn from a random start, so that one test JVM never gives the
 * same port twice and two JVMs rarely meet; each the first of four free ports, the other three
 * never handed out, because peers take neighbours of the port they are given (RTCP on the next,
 * sipp's video echo two above its media port).
 */
public final class FreePorts {

  /** The lowest port handed out. */
  private static final int LOWEST = 10_000;

  private static final int BLOCK = 4;

  /** One above the highest: the start of the ephemeral range, or 32768 (Linux's default). */
  private static final int ABOVE = ephemeralStart();

  private static final int BLOCKS = (ABOVE - LOWEST) / BLOCK;

  private static final AtomicInteger CURSOR =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(BLOCKS));

  private FreePorts() {}

  public static int next() {
    for (int attempt = 0; attempt < BLOCKS; attempt++) {
      int first = LOWEST + BLOCK * Math.floorMod(CURSOR.getAndIncrement(), BLOCKS);
      if (free(first) && free(first + 1) && free(first + 2) && free(first + 3)) {
        return first;
      }
    }
    throw new IllegalStateException("no free ports in " + LOWEST + "-" + (ABOVE - 1));
  }

  private static boolean free(int port) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(false);
      tcp.bind(new InetSocketAddress(loopback, port));
      try (DatagramSocket udp = new DatagramSocket(port, loopback)) {
        return true;
      }
    } catch (IOException taken) {
      return false;
    }
  }

  private static int ephemeralStart() {
    try {
      String[] range =
          Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      int start = Integer.parseInt(range[0]);
      return start > LOWEST + 1000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
