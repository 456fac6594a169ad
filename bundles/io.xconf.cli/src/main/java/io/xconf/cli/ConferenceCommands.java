package io.xconf.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * The conference commands, each one or a few CCMP requests with the caller's own rights: what CCMP
 * refuses, they cannot do. Human-readable answers by default, JSON for scripts. Used by {@code
 * bin/xconf} over HTTP, and in-process by the Karaf shell commands and the web console.
 */
public final class ConferenceCommands {

  /** What a command printed, and its exit status (0 done, 1 refused or failed). */
  public record Result(int status, String output) {
    static Result done(String output) {
      return new Result(0, output);
    }

    static Result refused(String output) {
      return new Result(1, output);
    }
  }

  /** What 'create' is given; every part optional. */
  public record Creation(
      String blueprint, String title, Instant start, Instant end, List<String> invitees) {
    public Creation {
      invitees = invitees == null ? List.of() : List.copyOf(invitees);
    }
  }

  private final CcmpTransport ccmp;
  private final CcmpRequests requests;
  private final String domain;
  private final boolean json;

  /**
   * @param userId the caller's XCON-USERID, as its credentials must prove
   * @param domain the server's domain (of XCON-URIs)
   */
  public ConferenceCommands(CcmpTransport ccmp, String userId, String domain, boolean json) {
    this(ccmp, userId, domain, json, null);
  }

  /**
   * @param conferencePassword the conference-password sent with every request about an existing
   *     conference (a password-protected one answers 423 without it); null for none
   */
  public ConferenceCommands(
      CcmpTransport ccmp, String userId, String domain, boolean json, String conferencePassword) {
    this.ccmp = ccmp;
    this.requests = new CcmpRequests(userId, conferencePassword);
    this.domain = domain;
    this.json = json;
  }

  public Result list() throws IOException {
    CcmpAnswer answer = send(requests.confs());
    if (answer.code() != 200) {
      return refused(answer);
    }
    List<Object> conferences = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (String[] entry : answer.entries()) {
      conferences.add(map("conference", entry[0], "title", entry[1]));
      text.append(String.format("%-48s %s%n", entry[0], entry[1] == null ? "" : entry[1]));
    }
    if (json) {
      return Result.done(Json.of(conferences));
    }
    return Result.done(conferences.isEmpty() ? "no conferences\n" : text.toString());
  }

  public Result show(String conference) throws IOException {
    String uri = resolve(conference);
    CcmpAnswer answer = send(requests.conf("retrieve", uri, null));
    if (answer.code() != 200 || answer.confInfo().isEmpty()) {
      return refused(answer);
    }
    Element info = answer.confInfo().get();
    Element description = CcmpAnswer.child(info, CcmpRequests.INFO, "conference-description");
    String title = CcmpAnswer.text(description, CcmpRequests.INFO, "display-text");
    List<String> sipUris = new ArrayList<>();
    Element confUris = CcmpAnswer.child(description, CcmpRequests.INFO, "conf-uris");
    for (Element entry : CcmpAnswer.children(confUris, CcmpRequests.INFO, "entry")) {
      sipUris.add(CcmpAnswer.text(entry, CcmpRequests.INFO, "uri"));
    }
    List<Roster.Line> roster = Roster.of(info);
    String joinHandling =
        CcmpAnswer.text(
            CcmpAnswer.child(info, CcmpRequests.INFO, "users"), CcmpRequests.XCON, "join-handling");
    long users = roster.stream().map(Roster.Line::user).distinct().count();
    long connected = roster.stream().filter(Roster.Line::connected).count();
    if (json) {
      return Result.done(
          Json.of(
              map(
                  "conference", uri,
                  "version", answer.version(),
                  "title", title,
                  "sipUris", sipUris,
                  "users", users,
                  "connected", connected,
                  "joinHandling", joinHandling)));
    }
    return Result.done(
        String.format(
            "conference  %s%ntitle       %s%nsip         %s%nversion     %d%nusers       %d (%d"
                + " connected)%n",
            uri,
            title == null ? "" : title,
            String.join(" ", sipUris),
            answer.version(),
            users,
            connected));
  }

  public Result create(Creation creation) throws IOException {
    boolean details =
        creation.title() != null || creation.start() != null || !creation.invitees().isEmpty();
    CcmpAnswer created;
    if (creation.blueprint() == null) {
      created =
          send(
              requests.conf(
                  "create",
                  null,
                  details
                      ? CcmpRequests.confInfo(
                          "xcon:AUTO_GENERATE_1@" + domain,
                          creation.title(),
                          creation.start(),
                          creation.end(),
                          creation.invitees())
                      : null));
    } else {
      // A clone takes no document of its own (RFC 6503 section 5.3.4): clone, then update.
      String blueprint =
          creation.blueprint().startsWith("xcon:")
              ? creation.blueprint()
              : "xcon:" + creation.blueprint() + "@" + domain;
      created = send(requests.conf("create", blueprint, null));
      if (created.code() == 200 && details) {
        String uri = created.confObjId();
        CcmpAnswer updated =
            send(
                requests.conf(
                    "update",
                    uri,
                    CcmpRequests.confInfo(
                        uri,
                        creation.title(),
                        creation.start(),
                        creation.end(),
                        creation.invitees())));
        if (updated.code() != 200) {
          // Half a creation is none: the clone goes again.
          send(requests.conf("delete", uri, null));
          return refused(updated);
        }
        created = send(requests.conf("retrieve", uri, null));
      }
    }
    if (created.code() != 200) {
      return refused(created);
    }
    return show(created.confObjId());
  }

  public Result delete(String conference) throws IOException {
    String uri = resolve(conference);
    return done(uri, send(requests.conf("delete", uri, null)), "deleted");
  }

  public Result roster(String conference) throws IOException {
    String uri = resolve(conference);
    CcmpAnswer answer = send(requests.conf("retrieve", uri, null));
    if (answer.code() != 200 || answer.confInfo().isEmpty()) {
      return refused(answer);
    }
    List<Roster.Line> roster = Roster.of(answer.confInfo().get());
    if (json) {
      List<Object> lines = new ArrayList<>();
      for (Roster.Line line : roster) {
        lines.add(
            map(
                "user", line.user(),
                "displayText", line.displayText(),
                "endpoint", line.endpoint(),
                "status", line.status(),
                "joiningMethod", line.joiningMethod(),
                "muted", line.muted()));
      }
      return Result.done(Json.of(lines));
    }
    StringBuilder text =
        new StringBuilder(
            String.format("%-40s %-32s %-16s %s%n", "USER", "ENDPOINT", "STATUS", "NAME"));
    for (Roster.Line line : roster) {
      text.append(
          String.format(
              "%-40s %-32s %-16s %s%n",
              line.user(),
              line.endpoint() == null ? "-" : line.endpoint(),
              line.status() == null ? "-" : line.status(),
              line.displayText() == null ? "" : line.displayText()));
    }
    return Result.done(text.toString());
  }

  public Result mute(String conference, String who, boolean muted) throws IOException {
    String uri = resolve(conference);
    Found found = lineOf(uri, who, true);
    if (found.line() == null) {
      return found.refusal();
    }
    Roster.Line line = found.line();
    return done(
        uri,
        send(
            requests.conf(
                "update", uri, CcmpRequests.mute(uri, line.user(), line.endpoint(), muted))),
        (muted ? "muted " : "unmuted ") + line.endpoint());
  }

  /** Removes a user (and so its calls) from the conference. */
  public Result kick(String conference, String who) throws IOException {
    String uri = resolve(conference);
    Found found = lineOf(uri, who, false);
    if (found.line() == null) {
      return found.refusal();
    }
    String user = found.line().user();
    return done(uri, send(requests.removeUser(uri, user)), "removed " + user);
  }

  /**
   * Locks the conference (join-handling {@code block}: new callers are refused, those in stay) or
   * opens it ({@code allow}).
   */
  public Result lock(String conference, boolean locked) throws IOException {
    String uri = resolve(conference);
    return done(
        uri,
        send(
            requests.conf(
                "update", uri, CcmpRequests.joinHandling(uri, locked ? "block" : "allow"))),
        locked ? "locked" : "unlocked");
  }

  /**
   * Lets a caller waiting for a moderator in (its user on the allowed list) or turns it away (its
   * endpoint on the deny list), as under join-handling {@code confirm}.
   */
  public Result admit(String conference, String who, boolean admitted) throws IOException {
    String uri = resolve(conference);
    Found found = lineOf(uri, who, true);
    if (found.line() == null) {
      return found.refusal();
    }
    Roster.Line line = found.line();
    String listed = admitted ? line.user() : line.endpoint();
    return done(
        uri,
        send(
            requests.conf(
                "update",
                uri,
                CcmpRequests.listed(
                    uri, admitted ? "allowed-users-list" : "deny-users-list", listed))),
        (admitted ? "admitted " : "denied ") + listed);
  }

  /** Has the focus call {@code target} in, as a dial-out target of the conference. */
  public Result dial(String conference, String target) throws IOException {
    String uri = resolve(conference);
    return done(
        uri,
        send(
            requests.conf(
                "update", uri, CcmpRequests.confInfo(uri, null, null, null, List.of(target)))),
        "calling " + target);
  }

  // ----- helpers -----

  /** An XCON-URI as given, else the caller's conference whose id is {@code conference}. */
  private String resolve(String conference) throws IOException {
    if (conference.startsWith("xcon:")) {
      return conference;
    }
    CcmpAnswer answer = send(requests.confs());
    for (String[] entry : answer.entries()) {
      String uri = entry[0];
      int at = uri == null ? -1 : uri.indexOf('@');
      if (at > 5 && uri.substring(5, at).equals(conference)) {
        return uri;
      }
    }
    // Not one of the caller's: the server says what it is (or that it is not there).
    return "xcon:" + conference + "@" + domain;
  }

  /** A roster line found, or the refusal to show instead. */
  private record Found(Roster.Line line, Result refusal) {}

  /** The line of {@code who} in the conference's roster as it is now. */
  private Found lineOf(String uri, String who, boolean endpointWanted) throws IOException {
    CcmpAnswer current = send(requests.conf("retrieve", uri, null));
    if (current.code() != 200 || current.confInfo().isEmpty()) {
      return new Found(null, refused(current));
    }
    return find(Roster.of(current.confInfo().get()), who, endpointWanted)
        .map(line -> new Found(line, null))
        .orElseGet(
            () ->
                new Found(
                    null,
                    Result.refused(
                        "xconf: no "
                            + (endpointWanted ? "endpoint " : "user or endpoint ")
                            + who
                            + " in "
                            + uri
                            + "\n")));
  }

  /** The roster line of an endpoint, or of a user (its first endpoint when one is wanted). */
  private static Optional<Roster.Line> find(
      List<Roster.Line> roster, String who, boolean endpointWanted) {
    for (Roster.Line line : roster) {
      if (who.equals(line.endpoint())) {
        return Optional.of(line);
      }
    }
    for (Roster.Line line : roster) {
      if (who.equals(line.user()) && (!endpointWanted || line.endpoint() != null)) {
        return Optional.of(line);
      }
    }
    return Optional.empty();
  }

  private CcmpAnswer send(String request) throws IOException {
    return CcmpAnswer.parse(ccmp.exchange(request));
  }

  private Result done(String conference, CcmpAnswer answer, String what) {
    if (answer.code() != 200) {
      return refused(answer);
    }
    if (json) {
      return Result.done(
          Json.of(map("conference", conference, "version", answer.version(), "done", what)));
    }
    return Result.done(what + " (" + conference + ", version " + answer.version() + ")\n");
  }

  private Result refused(CcmpAnswer answer) {
    if (json) {
      return Result.refused(Json.of(map("code", answer.code(), "reason", answer.reason())));
    }
    return Result.refused("xconf: " + answer.code() + " " + answer.reason() + "\n");
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
