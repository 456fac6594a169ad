package io.xconf.store.sqlite.internal;

import io.xconf.store.ConferenceHosting;
import io.xconf.store.ConferenceStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * Hosting with one node, as the embedded store has it: every conference is hosted here, and no
 * lease is ever taken over or lost.
 */
@Component(service = ConferenceHosting.class, property = ConferenceStore.ENGINE + "=SQLite")
public final class LocalHosting implements ConferenceHosting {

  private final String node = hostName();

  /** Conference URI to its holders; kept so that {@link #hosted()} tells what is live here. */
  private final Map<String, Set<String>> holders = new ConcurrentHashMap<>();

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public boolean host(String conferenceUri, String holder) {
    holders.computeIfAbsent(conferenceUri, uri -> ConcurrentHashMap.newKeySet()).add(holder);
    return true;
  }

  @Override
  public Optional<Host> hostOf(String conferenceUri) {
    return holders.containsKey(conferenceUri)
        ? Optional.of(new Host(node, null, true))
        : Optional.empty();
  }

  @Override
  public boolean hostsHere(String conferenceUri) {
    return true;
  }

  @Override
  public Set<String> hosted() {
    return Set.copyOf(holders.keySet());
  }

  @Override
  public void release(String conferenceUri, String holder, long idleMillis) {
    holders.computeIfPresent(
        conferenceUri,
        (uri, set) -> {
          set.remove(holder);
          return set.isEmpty() ? null : set;
        });
  }
}
