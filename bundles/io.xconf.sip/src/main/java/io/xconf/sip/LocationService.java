package io.xconf.sip;

import java.util.Optional;
import javax.sip.address.SipURI;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a user of this domain is reached now (RFC 3261 section 10: the registrar's bindings).
 * Registered by a registrar when there is one; callers send to the target itself otherwise.
 */
@ConsumerType
public interface LocationService {

  /** The contact to send a request for {@code target} to, if it is a user registered here. */
  Optional<SipURI> contactOf(SipURI target);
}
