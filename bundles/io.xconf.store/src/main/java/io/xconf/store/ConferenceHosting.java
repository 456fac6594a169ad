package io.xconf.store;

import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Which node hosts each live conference: the one whose SIP dialogs and mix it has. A node hosts a
 * conference while it holds its lease and renews it; a lease that lapses (its node stopped or died)
 * is taken over by another node, whose {@link HostingListener}s then serve the conference. With one
 * node (the embedded store) every conference is hosted here.
 *
 * <p>Parts of a node that need a conference here ({@code holder}s: the focus for its calls, the
 * event package for its subscriptions) each {@link #host} it; the lease goes when the last of them
 * has {@linkplain #release released} it.
 */
@ProviderType
public interface ConferenceHosting {

  /** A node that hosts a conference, and where SIP reaches it. */
  record Host(String node, String sipUri, boolean here) {}

  /** This node's name. */
  String node();

  /**
   * Hosts the conference here for {@code holder}: takes its lease when no live node holds it.
   *
   * @return true when this node hosts it now; false when another live node does ({@link #hostOf})
   * @throws StoreException when the leases cannot be reached: whether another node hosts it is
   *     unknown
   */
  boolean host(String conferenceUri, String holder) throws StoreException;

  /** The live node hosting the conference now, this one included; empty when none does. */
  Optional<Host> hostOf(String conferenceUri) throws StoreException;

  /** Whether this node holds the conference's lease now (what it knows, without asking). */
  boolean hostsHere(String conferenceUri);

  /** The conferences this node hosts now. */
  Set<String> hosted();

  /**
   * {@code holder} needs the conference here no longer; with its last holder gone and nothing asked
   * of it for {@code idleMillis}, the lease goes.
   */
  void release(String conferenceUri, String holder, long idleMillis);
}
