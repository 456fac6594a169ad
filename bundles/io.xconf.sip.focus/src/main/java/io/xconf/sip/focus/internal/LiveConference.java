package io.xconf.sip.focus.internal;

import io.xconf.mixer.Mix;
import io.xconf.mixer.MixerException;
import java.util.ArrayList;
import java.util.List;

/**
 * What runs now in one conference: its legs and their mix. Joining the mix and closing it happen
 * under one lock, so a mix is never closed while a caller joins it.
 */
final class LiveConference {

  /** Makes the conference's mix when its first leg needs one. */
  interface MixFactory {
    Mix create() throws MixerException;
  }

  private final List<Leg> legs = new ArrayList<>();
  private Mix mix;

  /** Takes a leg in unless {@code max} legs are there already. */
  synchronized boolean add(Leg leg, int max) {
    if (legs.size() >= max) {
      return false;
    }
    legs.add(leg);
    return true;
  }

  /** A leg that became another (a dial-out answered). */
  synchronized void replace(Leg old, Leg now) {
    int at = legs.indexOf(old);
    if (at >= 0) {
      legs.set(at, now);
    } else {
      legs.add(now);
    }
  }

  /**
   * The mix, made on first use, for a leg that is in: as long as it is, the mix stays.
   *
   * @throws MixerException when no mixer can make it, or the leg has left meanwhile
   */
  synchronized Mix mix(Leg leg, MixFactory factory) throws MixerException {
    if (!legs.contains(leg)) {
      throw new MixerException("the call has ended");
    }
    if (mix == null) {
      mix = factory.create();
    }
    return mix;
  }

  synchronized Mix currentMix() {
    return mix;
  }

  /** Takes a leg out; the mix is closed with the last one. True when none is left. */
  synchronized boolean remove(Leg leg) {
    legs.remove(leg);
    if (legs.isEmpty() && mix != null) {
      mix.close();
      mix = null;
    }
    return legs.isEmpty();
  }

  synchronized boolean isIdle() {
    return legs.isEmpty();
  }

  synchronized List<Leg> legs() {
    return List.copyOf(legs);
  }
}
