package io.xconf.sip.focus;

import io.xconf.model.ConferenceObject;
import io.xconf.sip.SipRequest;
import java.util.Optional;
import javax.sip.header.ContactHeader;
import org.osgi.annotation.versioning.ProviderType;

/** The focus, for SIP handlers of other bundles (the conference event package). */
@ProviderType
public interface Focus {

  /** What a watcher asks (RFC 4575 authorises watchers as it does participants). */
  enum Purpose {
    JOIN,
    WATCH
  }

  /** The conference a request outside a dialog addresses: {@code sip:<id>@<domain>}. */
  Optional<ConferenceObject> conferenceOf(SipRequest request);

  /**
   * Whether the request's sender may join or watch the conference, and as whom: by the conference's
   * join-handling, user-admission-policy and lists, against what the request proved (never what its
   * From merely claims).
   */
  Admission admit(SipRequest request, ConferenceObject conference, Purpose purpose);

  /**
   * The focus's Contact in the conference's dialogs: its SIP URI with {@code isfocus} (RFC 4579
   * section 5).
   */
  ContactHeader contact(ConferenceObject conference);

  /**
   * Whether this node serves a request about the conference (several nodes share the conferences,
   * each live one hosted by one of them): true when it hosts the conference for {@code holder},
   * taking it when no node does. Otherwise the request has been answered: 302 to the node that
   * hosts it, or 503 when that cannot be known now.
   */
  boolean servedHere(SipRequest request, ConferenceObject conference, String holder);

  /** {@code holder} needs the conference on this node no longer (after {@link #servedHere}). */
  void leave(String conferenceUri, String holder);
}
