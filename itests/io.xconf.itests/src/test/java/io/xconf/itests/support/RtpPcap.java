package io.xconf.itests.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an RTP stream as a pcap file of Ethernet/IPv4/UDP frames, one packet every 20 ms, for
 * sipp's {@code play_pcap_audio} (which sends each UDP payload to the call's media port).
 */
public final class RtpPcap {

  private RtpPcap() {}

  public static void write(Path file, int payloadType, int unitsPerPacket, List<byte[]> payloads)
      throws IOException {
    int size = 24;
    for (byte[] payload : payloads) {
      size += 16 + 14 + 20 + 8 + 12 + payload.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    out.putInt(65535).putInt(1); // snap length, LINKTYPE_ETHERNET
    int ssrc = 0x0c0dec00 + payloadType;
    for (int i = 0; i < payloads.size(); i++) {
      byte[] payload = payloads.get(i);
      int udpLength = 8 + 12 + payload.length;
      int frameLength = 14 + 20 + udpLength;
      long micros = 20_000L * i;
      out.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000));
      out.putInt(frameLength).putInt(frameLength);
      out.order(ByteOrder.BIG_ENDIAN);
      out.put(new byte[12]).putShort((short) 0x0800); // MAC addresses, IPv4
      int ipStart = out.position();
      out.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLength));
      out.putShort((short) i).putShort((short) 0).put((byte) 64).put((byte) 17);
      out.putShort((short) 0).putInt(0x7f000001).putInt(0x7f000001);
      out.putShort(ipStart + 10, checksum(out, ipStart, 20));
      out.putShort((short) 6000).putShort((short) 6002).putShort((short) udpLength);
      out.putShort((short) 0); // no UDP checksum
      out.put((byte) 0x80).put((byte) ((i == 0 ? 0x80 : 0) | payloadType));
      out.putShort((short) i).putInt(unitsPerPacket * i).putInt(ssrc);
      out.put(payload);
      out.order(ByteOrder.LITTLE_ENDIAN);
    }
    Files.write(file, out.array());
  }

  private static short checksum(ByteBuffer buffer, int start, int length) {
    int sum = 0;
    for (int i = 0; i < length; i += 2) {
      sum += ((buffer.get(start + i) & 0xff) << 8) | (buffer.get(start + i + 1) & 0xff);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (short) ~sum;
  }
}
