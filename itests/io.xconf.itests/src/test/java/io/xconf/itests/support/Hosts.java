package io.xconf.itests.support;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Addresses of this machine, for tests that play a client from elsewhere. */
public final class Hosts {

  private Hosts() {}

  /**
   * An IPv4 address of this machine that is not loopback: where a stranger's requests come from.
   */
  public static InetAddress nonLoopback() throws SocketException {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (network.isUp() && !network.isLoopback()) {
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return address;
          }
        }
      }
    }
    throw new AssertionError(
        "this test needs an IPv4 address that is not loopback (a stranger's requests come from it)");
  }
}
