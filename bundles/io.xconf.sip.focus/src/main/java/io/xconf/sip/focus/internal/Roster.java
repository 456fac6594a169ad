package io.xconf.sip.focus.internal;

import io.xconf.ccmp.ConferenceAccess;
import io.xconf.mixer.CodecPolicy;
import io.xconf.model.Namespaces;
import io.xconf.model.UserIds;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * The roster as RFC 4575 and RFC 6501 write it: the partial updates the focus makes to a conference
 * object as calls come and go, and what it reads back (mute controls, limits).
 */
final class Roster {

  static final QName CONFERENCE_INFO = info("conference-info");
  static final QName USERS = info("users");
  static final QName USER = info("user");
  static final QName ENDPOINT = info("endpoint");
  static final QName MEDIA = info("media");
  static final QName DESCRIPTION = info("conference-description");
  static final QName AVAILABLE_MEDIA = info("available-media");
  static final QName ENTRY = info("entry");
  static final QName TYPE = info("type");
  static final QName CONTROLS = xcon("controls");
  static final QName MUTE = xcon("mute");
  static final QName TO_MIXER = xcon("to-mixer");

  /**
   * Marks a user the focus added for a call (not listed by anyone): it leaves with its call, and a
   * restart that lost the call removes it. Xconf's own namespace, so watchers never see it.
   */
  static final QName ADDED_BY_FOCUS = new QName(Namespaces.XCONF, "added-by-focus");

  /** The endpoint statuses of a call in progress (RFC 4575 section 5.4.1). */
  static final java.util.Set<String> LIVE_STATUSES =
      java.util.Set.of(
          "connected", "dialing-out", "dialing-in", "alerting", "on-hold", "muted-via-focus");

  /** The longest URI and text the focus copies from a request into a conference object. */
  static final int MAX_URI = 512;

  static final int MAX_TEXT = 256;

  private Roster() {}

  /**
   * Text from the network as a conference object may hold it: no character XML 1.0 forbids (a
   * control character in a Call-ID would make the stored document unreadable), at most {@code max}
   * characters.
   */
  static String clean(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder kept = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && kept.length() < max; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      boolean allowed =
          c == 0x9
              || c == 0xA
              || c == 0xD
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD)
              || (c >= 0x10000 && c <= 0x10FFFF);
      if (allowed && kept.length() + Character.charCount(c) <= max) {
        kept.appendCodePoint(c);
      }
    }
    return kept.toString();
  }

  private static XmlElement leaf(QName name, String text) {
    return XmlElement.leaf(
        name, clean(text, name.equals(info("display-text")) ? MAX_TEXT : MAX_URI));
  }

  static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }

  static QName xcon(String localName) {
    return new QName(Namespaces.XCON, localName);
  }

  /**
   * A user joined by a call: endpoint connected, dialled in, one audio medium.
   *
   * @param addedByCall whether the call brings the user, which then leaves with it
   */
  static XmlElement joined(
      String entity,
      String displayName,
      String endpoint,
      String when,
      String audioLabel,
      String callId,
      String fromTag,
      String toTag,
      boolean addedByCall,
      String status) {
    List<XmlElement> endpointChildren = new ArrayList<>();
    endpointChildren.add(leaf(info("status"), status));
    endpointChildren.add(leaf(info("joining-method"), "dialed-in"));
    endpointChildren.add(
        XmlElement.of(info("joining-info")).withChildren(List.of(leaf(info("when"), when))));
    endpointChildren.add(
        XmlElement.of(MEDIA)
            .withAttribute("id", "1")
            .withChildren(
                List.of(
                    leaf(TYPE, "audio"),
                    leaf(info("label"), audioLabel),
                    leaf(info("status"), "sendrecv"))));
    endpointChildren.add(callInfo(callId, fromTag, toTag));
    List<XmlElement> userChildren = new ArrayList<>();
    if (displayName != null && !displayName.isBlank()) {
      userChildren.add(leaf(info("display-text"), displayName));
    }
    if (addedByCall) {
      userChildren.add(leaf(ADDED_BY_FOCUS, "true"));
    }
    userChildren.add(
        XmlElement.of(ENDPOINT)
            .withAttribute("entity", clean(endpoint, MAX_URI))
            .withChildren(endpointChildren));
    return users(XmlElement.of(USER).withAttribute("entity", entity).withChildren(userChildren));
  }

  /** A call the focus places: the endpoint dialing-out (then alerting), dialed-out. */
  static XmlElement dialing(String entity, String endpoint, String status) {
    return endpoint(
        entity,
        endpoint,
        List.of(leaf(info("status"), status), leaf(info("joining-method"), "dialed-out")));
  }

  /** A caller waiting for a moderator (join-handling confirm): dialing-in, dialed-in. */
  static XmlElement waiting(
      String entity, String displayName, String endpoint, boolean addedByCall) {
    List<XmlElement> userChildren = new ArrayList<>();
    if (displayName != null && !displayName.isBlank()) {
      userChildren.add(leaf(info("display-text"), displayName));
    }
    if (addedByCall) {
      userChildren.add(leaf(ADDED_BY_FOCUS, "true"));
    }
    userChildren.add(
        XmlElement.of(ENDPOINT)
            .withAttribute("entity", clean(endpoint, MAX_URI))
            .withChildren(
                List.of(
                    leaf(info("status"), "dialing-in"),
                    leaf(info("joining-method"), "dialed-in"))));
    return users(XmlElement.of(USER).withAttribute("entity", entity).withChildren(userChildren));
  }

  /** A dial-out target the focus may not call: disconnected, failed, with the reason. */
  static XmlElement refused(String entity, String endpoint, String when, String reason) {
    return disconnected(entity, endpoint, "failed", when, reason);
  }

  /** A dial-out answered: connected, with the dialog's identifiers (RFC 4575 call-info). */
  static XmlElement answered(
      String entity, String endpoint, String callId, String fromTag, String toTag) {
    return endpoint(
        entity,
        endpoint,
        List.of(leaf(info("status"), "connected"), callInfo(callId, fromTag, toTag)));
  }

  private static XmlElement callInfo(String callId, String fromTag, String toTag) {
    return XmlElement.of(info("call-info"))
        .withChildren(
            List.of(
                XmlElement.of(info("sip"))
                    .withChildren(
                        List.of(
                            leaf(info("call-id"), callId),
                            leaf(info("from-tag"), fromTag == null ? "" : fromTag),
                            leaf(info("to-tag"), toTag == null ? "" : toTag)))));
  }

  /** A call that ended or never connected, with how and why (RFC 4575 disconnection-info). */
  static XmlElement disconnected(
      String entity, String endpoint, String method, String when, String reason) {
    return endpoint(
        entity,
        endpoint,
        List.of(
            leaf(info("status"), "disconnected"),
            leaf(info("disconnection-method"), method),
            XmlElement.of(info("disconnection-info"))
                .withChildren(List.of(leaf(info("when"), when), leaf(info("reason"), reason)))));
  }

  private static XmlElement endpoint(String entity, String endpoint, List<XmlElement> children) {
    return users(
        XmlElement.of(USER)
            .withAttribute("entity", entity)
            .withChildren(
                List.of(
                    XmlElement.of(ENDPOINT)
                        .withAttribute("entity", clean(endpoint, MAX_URI))
                        .withChildren(children))));
  }

  /** The dial-out targets of allowed-users-list (RFC 6501 section 4.2.1.1), in order. */
  static List<String> dialOutTargets(XmlElement document) {
    return document
        .child(USERS)
        .flatMap(users -> users.child(xcon("allowed-users-list")))
        .map(
            list ->
                list.children(xcon("target")).stream()
                    .filter(t -> "dial-out".equals(t.attribute("method")))
                    .map(t -> t.attribute("uri"))
                    .filter(uri -> uri != null && !uri.isBlank())
                    .toList())
        .orElse(List.of());
  }

  /**
   * Whether the conference's user for one of these identities (its entity, or one of its
   * associated-aors) has a boolean right set, e.g. allow-invite-users-dynamically (RFC 6501 section
   * 4.6.5); unset is false.
   */
  static boolean granted(XmlElement document, List<String> identities, String right) {
    return identities.stream()
        .map(identity -> userFor(document, identity))
        .flatMap(Optional::stream)
        .distinct()
        .flatMap(entity -> user(document, entity).stream())
        .flatMap(user -> user.child(xcon(right)).stream())
        .map(XmlElement::text)
        .anyMatch(
            text -> text != null && (text.strip().equals("true") || text.strip().equals("1")));
  }

  /** The user standing for an address: the one whose associated-aors or entity is that address. */
  static Optional<String> userFor(XmlElement document, String address) {
    String wanted = UserIds.comparable(address);
    return document
        .child(USERS)
        .flatMap(
            users ->
                users.children(USER).stream()
                    .filter(
                        user ->
                            wanted.equals(
                                    UserIds.comparable(String.valueOf(user.attribute("entity"))))
                                || user.child(info("associated-aors"))
                                    .map(
                                        aors ->
                                            aors.children(ENTRY).stream()
                                                .flatMap(e -> e.child(info("uri")).stream())
                                                .anyMatch(
                                                    uri ->
                                                        uri.text() != null
                                                            && wanted.equals(
                                                                UserIds.comparable(uri.text()))))
                                    .orElse(false))
                    .map(user -> user.attribute("entity"))
                    .findFirst());
  }

  /** The endpoint's status, e.g. muted-via-focus. */
  static XmlElement endpointStatus(String entity, String endpoint, String status) {
    return users(
        XmlElement.of(USER)
            .withAttribute("entity", entity)
            .withChildren(
                List.of(
                    XmlElement.of(ENDPOINT)
                        .withAttribute("entity", clean(endpoint, MAX_URI))
                        .withChildren(List.of(leaf(info("status"), status))))));
  }

  /**
   * A call's end in the roster: a user the call brought (a referred or anonymous one) leaves with
   * it; anyone else stays, disconnected, with how and why.
   */
  static XmlElement ended(
      String entity,
      String endpoint,
      boolean removeUser,
      String method,
      String when,
      String reason) {
    return removeUser
        ? left(entity, endpoint, true)
        : disconnected(entity, endpoint, method, when, reason);
  }

  /** The call ended: the endpoint goes, and the user too when the call brought it. */
  static XmlElement left(String entity, String endpoint, boolean removeUser) {
    XmlElement user =
        removeUser
            ? XmlElement.of(USER).withAttribute("entity", entity).withAttribute("state", "deleted")
            : XmlElement.of(USER)
                .withAttribute("entity", entity)
                .withChildren(
                    List.of(
                        XmlElement.of(ENDPOINT)
                            .withAttribute("entity", clean(endpoint, MAX_URI))
                            .withAttribute("state", "deleted")));
    return users(user);
  }

  private static XmlElement users(XmlElement user) {
    return XmlElement.of(CONFERENCE_INFO)
        .withChildren(List.of(XmlElement.of(USERS).withChildren(List.of(user))));
  }

  /**
   * Each endpoint the document shows in a call (connected, ringing, waiting) with its user, and
   * whether the focus added that user.
   */
  record LiveEndpoint(String entity, String endpoint, boolean addedByFocus) {}

  static List<LiveEndpoint> liveEndpoints(XmlElement document) {
    List<LiveEndpoint> live = new ArrayList<>();
    for (XmlElement user :
        document.child(USERS).map(users -> users.children(USER)).orElse(List.of())) {
      boolean added = user.child(ADDED_BY_FOCUS).isPresent();
      for (XmlElement endpoint : user.children(ENDPOINT)) {
        String status = endpoint.child(info("status")).map(XmlElement::text).orElse("");
        if (LIVE_STATUSES.contains(status.strip())) {
          live.add(new LiveEndpoint(user.attribute("entity"), endpoint.attribute("entity"), added));
        }
      }
    }
    return live;
  }

  static Optional<XmlElement> user(XmlElement document, String entity) {
    return Optional.ofNullable(ConferenceAccess.user(document, entity));
  }

  /** The label of the conference's audio medium, which endpoints' media refer to. */
  static String audioLabel(XmlElement document) {
    return availableAudio(document).map(e -> e.attribute("label")).orElse("audio");
  }

  /**
   * The endpoints of the conference's users by user entity and endpoint entity: one pass over the
   * document for looking up every leg of a conference.
   */
  static Map<String, Map<String, XmlElement>> endpointsByUser(XmlElement document) {
    Map<String, Map<String, XmlElement>> byUser = new HashMap<>();
    document
        .child(USERS)
        .ifPresent(
            users -> {
              for (XmlElement user : users.children()) {
                String entity = user.attribute("entity");
                if (!user.name().equals(USER) || entity == null) {
                  continue;
                }
                Map<String, XmlElement> endpoints =
                    byUser.computeIfAbsent(entity, e -> new HashMap<>());
                for (XmlElement endpoint : user.children()) {
                  String endpointEntity = endpoint.attribute("entity");
                  if (endpoint.name().equals(ENDPOINT) && endpointEntity != null) {
                    endpoints.putIfAbsent(endpointEntity, endpoint);
                  }
                }
              }
            });
    return byUser;
  }

  /**
   * The PINs of the conference's SIP way in (RFC 6501 section 4.2.6: conference-password in the
   * conf-uris entry of its SIP URI); none when it has none.
   */
  static List<String> pins(XmlElement document) {
    List<String> pins = new ArrayList<>();
    document
        .child(DESCRIPTION)
        .flatMap(description -> description.child(info("conf-uris")))
        .ifPresent(
            uris -> {
              for (XmlElement entry : uris.children(ENTRY)) {
                String uri = entry.child(info("uri")).map(XmlElement::text).orElse("").strip();
                String scheme = uri.toLowerCase(java.util.Locale.ROOT);
                if (!scheme.startsWith("sip:") && !scheme.startsWith("sips:")) {
                  continue;
                }
                for (XmlElement password : entry.children(xcon("conference-password"))) {
                  String pin = password.text() == null ? "" : password.text().strip();
                  if (!pin.isEmpty()) {
                    pins.add(pin);
                  }
                }
              }
            });
    return pins;
  }

  /** RFC 6501: mute of the whole conference's audio, under available-media/entry. */
  static boolean conferenceMuted(XmlElement document) {
    return availableAudio(document).map(Roster::mutedControls).orElse(false);
  }

  /** RFC 6501: mute of what an endpoint sends into the mix, under its media's AudioIn. */
  static boolean endpointMuted(XmlElement endpoint) {
    return endpoint.children(MEDIA).stream()
        .anyMatch(
            media ->
                media.children(TO_MIXER).stream()
                        .filter(m -> "AudioIn".equals(m.attribute("name")))
                        .anyMatch(Roster::mutedControls)
                    || mutedControls(media));
  }

  /** RFC 6501 gain (dB) of the whole conference's audio; 0 when none is set. */
  static int conferenceGain(XmlElement document) {
    return availableAudio(document).map(Roster::gain).orElse(0);
  }

  /** RFC 6501 gain (dB) of what an endpoint sends into the mix; 0 when none is set. */
  static int endpointGain(XmlElement endpoint) {
    return endpoint.children(MEDIA).stream()
        .flatMap(media -> media.children(TO_MIXER).stream())
        .filter(m -> "AudioIn".equals(m.attribute("name")))
        .map(Roster::gain)
        .filter(g -> g != 0)
        .findFirst()
        .orElse(0);
  }

  private static int gain(XmlElement element) {
    return element.children(CONTROLS).stream()
        .flatMap(controls -> controls.children(xcon("gain")).stream())
        .map(XmlElement::text)
        .filter(text -> text != null && text.strip().matches("[+-]?\\d{1,3}"))
        .map(text -> Integer.parseInt(text.strip().replace("+", "")))
        .findFirst()
        .orElse(0);
  }

  static Optional<String> endpointStatusOf(XmlElement endpoint) {
    return endpoint.child(info("status")).map(XmlElement::text);
  }

  private static boolean mutedControls(XmlElement element) {
    return element.children(CONTROLS).stream()
        .flatMap(controls -> controls.children(MUTE).stream())
        .map(XmlElement::text)
        .anyMatch(
            text -> text != null && (text.strip().equals("true") || text.strip().equals("1")));
  }

  /**
   * RFC 6501 codecs of the conference's audio: every {@code <codec>} of its {@code <codecs>} (the
   * schema lets one element hold one codec, the prose several: both are read), by subtype, else by
   * name; only the allowed ones if any element leaves the decision to the moderator.
   */
  static CodecPolicy codecPolicy(XmlElement document) {
    Set<String> allowed = new HashSet<>();
    Set<String> disallowed = new HashSet<>();
    List<XmlElement> lists =
        availableAudio(document).stream()
            .flatMap(audio -> audio.children(xcon("codecs")).stream())
            .toList();
    boolean moderated =
        lists.stream()
            .anyMatch(codecs -> "moderator-controlled".equals(codecs.attribute("decision")));
    lists.stream()
        .flatMap(codecs -> codecs.children(xcon("codec")).stream())
        .forEach(
            codec -> {
              String subtype =
                  codec
                      .child(xcon("subtype"))
                      .map(XmlElement::text)
                      .filter(text -> text != null && !text.isBlank())
                      .orElse(codec.attribute("name"));
              if (subtype == null) {
                return;
              }
              String policy = String.valueOf(codec.attribute("policy")).strip();
              (policy.equals("disallowed") ? disallowed : allowed).add(subtype);
            });
    return new CodecPolicy(moderated, allowed, disallowed);
  }

  private static Optional<XmlElement> availableAudio(XmlElement document) {
    return document
        .child(DESCRIPTION)
        .flatMap(d -> d.child(AVAILABLE_MEDIA))
        .flatMap(
            media ->
                media.children(ENTRY).stream()
                    .filter(e -> e.child(TYPE).map(t -> "audio".equals(t.text())).orElse(false))
                    .findFirst());
  }
}
