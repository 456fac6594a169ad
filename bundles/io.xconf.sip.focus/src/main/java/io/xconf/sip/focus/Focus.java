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
}
