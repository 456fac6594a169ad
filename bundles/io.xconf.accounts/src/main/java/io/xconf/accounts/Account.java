package io.xconf.accounts;

import java.util.List;
import java.util.Objects;

/**
 * A user known to this server.
 *
 * @param name the login name, also the user part of the XCON-USERID
 * @param userId the XCON-USERID, {@code xcon-userid:name@domain}
 * @param administrator whether the user may manage every conference
 * @param uris the SIP or tel URIs that reach the user, in order of preference
 */
public record Account(String name, String userId, boolean administrator, List<String> uris) {

  public Account {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(userId, "userId");
    uris = List.copyOf(uris);
  }
}
