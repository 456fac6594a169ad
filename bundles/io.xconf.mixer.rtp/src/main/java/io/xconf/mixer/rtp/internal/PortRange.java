package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.MixerException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;

/**
 * RTP/RTCP port pairs (an even port and the odd one above it) from a configured range, handed out
 * round-robin so a freed pair is not reused at once (late packets of the old call would land in the
 * new one).
 */
final class PortRange {

  private final InetAddress bindAddress;
  private final int firstPair;
  private final int pairs;
  private final BitSet used;
  private int cursor;

  PortRange(InetAddress bindAddress, int minPort, int maxPort) {
    int first = (minPort + 1) & ~1;
    int last = (maxPort - 1) & ~1;
    if (first < 1024 || last < first || maxPort > 65535) {
      throw new IllegalArgumentException("no RTP port pairs in " + minPort + "-" + maxPort);
    }
    this.bindAddress = bindAddress;
    this.firstPair = first / 2;
    this.pairs = (last - first) / 2 + 1;
    this.used = new BitSet(pairs);
  }

  /** A bound, non-blocking pair. */
  Pair allocate() throws MixerException {
    synchronized (this) {
      for (int attempt = 0; attempt < pairs; attempt++) {
        int pair = cursor;
        cursor = (cursor + 1) % pairs;
        if (used.get(pair)) {
          continue;
        }
        int port = (firstPair + pair) * 2;
        DatagramChannel rtp = null;
        try {
          rtp = open(port);
          DatagramChannel rtcp = open(port + 1);
          used.set(pair);
          return new Pair(this, pair, port, rtp, rtcp);
        } catch (IOException e) {
          // Taken by another process: try the next pair.
          if (rtp != null) {
            try {
              rtp.close();
            } catch (IOException ignored) {
              // nothing more to do
            }
          }
        }
      }
    }
    throw new MixerException("no free RTP port pair");
  }

  synchronized int inUse() {
    return used.cardinality();
  }

  private synchronized void release(int pair) {
    used.clear(pair);
  }

  private DatagramChannel open(int port) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      channel.bind(new InetSocketAddress(bindAddress, port));
      channel.configureBlocking(false);
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** A bound pair; released once, when its leg leaves. */
  static final class Pair {
    private final PortRange range;
    private final int index;
    private final int rtpPort;
    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private boolean released;

    private Pair(
        PortRange range, int index, int rtpPort, DatagramChannel rtp, DatagramChannel rtcp) {
      this.range = range;
      this.index = index;
      this.rtpPort = rtpPort;
      this.rtp = rtp;
      this.rtcp = rtcp;
    }

    int rtpPort() {
      return rtpPort;
    }

    DatagramChannel rtp() {
      return rtp;
    }

    DatagramChannel rtcp() {
      return rtcp;
    }

    synchronized void release() {
      if (!released) {
        released = true;
        range.release(index);
      }
    }
  }
}
