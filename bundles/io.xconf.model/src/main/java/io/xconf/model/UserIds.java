package io.xconf.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * XCON-USERIDs for people who have no account: derived from their address, so that the same address
 * always names the same user (an invitee listed again, a caller dialling in twice).
 */
public final class UserIds {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private UserIds() {}

  /** {@code xcon-userid:<24 base32 characters of SHA-256(address)>@domain}. */
  public static String derived(String address, String domain) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(comparable(address).getBytes(StandardCharsets.UTF_8));
      StringBuilder id = new StringBuilder(24);
      long bits = 0;
      int available = 0;
      for (int i = 0; id.length() < 24; ) {
        if (available < 5) {
          bits = (bits << 8) | (digest[i++] & 0xff);
          available += 8;
        }
        id.append(BASE32[(int) (bits >> (available - 5)) & 31]);
        available -= 5;
      }
      return "xcon-userid:" + id + "@" + domain;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * An address as SIP compares it loosely: parameters and headers dropped, the host part in lower
   * case, the user part as written.
   */
  public static String comparable(String address) {
    String trimmed = address.trim();
    if (trimmed.startsWith("<") && trimmed.contains(">")) {
      trimmed = trimmed.substring(1, trimmed.indexOf('>'));
    }
    int cut = trimmed.length();
    for (char stop : new char[] {';', '?'}) {
      int at = trimmed.indexOf(stop);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    String base = trimmed.substring(0, cut);
    int at = base.indexOf('@');
    return at < 0
        ? base.toLowerCase(Locale.ROOT)
        : base.substring(0, at) + base.substring(at).toLowerCase(Locale.ROOT);
  }
}
