package io.xconf.itests;

import static io.xconf.itests.support.SipClient.status;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.SipCall;
import io.xconf.itests.support.SipClient;
import io.xconf.itests.support.Slapd;
import io.xconf.itests.support.XconfServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Accounts from LDAP: Xconf reading a real slapd's inetOrgPerson entries (started from a generated
 * configuration), with a service account for its searches and a group of administrators. Logins are
 * checked by binding as the entry; the account file is not consulted at all.
 */
public class LdapIT {

  private static final String DOMAIN = "ldap.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static final String BOB = "xcon-userid:bob@" + DOMAIN;
  private static final String CAROL = "xcon-userid:carol@" + DOMAIN;
  private static final String DAVE = "xcon-userid:dave@" + DOMAIN;
  private static final String ALICE_DESK = "sip:alice.desk@pbx.example.org";
  private static final int RTP_MIN = 43000 + (int) (ProcessHandle.current().pid() % 10) * 100;
  private static final Duration ANSWER = Duration.ofSeconds(10);

  private static Slapd slapd;
  private static XconfServer server;
  private static int trustedProxyPort;

  @BeforeClass
  public static void startDirectoryAndServer() throws Exception {
    Path work = Path.of(System.getProperty("xconf.work"), "servers", "ldap");
    slapd =
        Slapd.start(
            work.resolve("slapd"),
            FreePorts.next(),
            FreePorts.next(),
            person("alice", "wonderland", "labeledURI: " + ALICE_DESK + " Desk phone")
                + person("bob", "builder", "telephoneNumber: +1 555 0100")
                + person("carol", "admin-carol")
                + person("dave", "diver")
                + "dn: cn=xconf,"
                + Slapd.SUFFIX
                + "\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: xconf\n"
                + "userPassword: "
                + Slapd.hashed("searcher")
                + "\n\ndn: cn=xconf-admins,"
                + Slapd.GROUPS
                + "\nobjectClass: groupOfNames\ncn: xconf-admins\nmember: uid=carol,"
                + Slapd.PEOPLE
                + "\n\n");
    trustedProxyPort = FreePorts.next();
    XconfServer configured = XconfServer.configure(work.resolve("data"), DOMAIN);
    // An account in the file from before the directory: with LDAP configured, no way in.
    var added = configured.userWithInput("mallory-secret\n", "add", "mallory", "--admin");
    assertEquals(added.output(), 0, added.exitCode());
    server =
        directoryUser(configured)
            .withEnvironment("XCONF_LDAP_URL", slapd.tlsUrl())
            .withEnvironment("XCONF_LDAP_TRUSTSTORE", slapd.trustStore().toString())
            .withEnvironment("XCONF_LDAP_TRUSTSTORE_PASSWORD", Slapd.TRUST_STORE_PASSWORD)
            .withEnvironment("XCONF_SIP_TRUSTED_PROXIES", "127.0.0.1:" + trustedProxyPort)
            .withEnvironment("XCONF_RTP_PORT_MIN", String.valueOf(RTP_MIN))
            .withEnvironment("XCONF_RTP_PORT_MAX", String.valueOf(RTP_MIN + 99));
    // Nor can one be added now, nor reach Kamailio's table, which would let Kamailio assert it.
    var refused = server.userWithInput("eve-secret\n", "add", "eve");
    assertNotEquals(refused.output(), 0, refused.exitCode());
    assertTrue(refused.output(), refused.output().contains("add users in the directory"));
    Path table = work.resolve("kamailio-table");
    var written = server.user("kamailio-table", table.toString());
    assertEquals(written.output(), 0, written.exitCode());
    assertEquals(
        "no accounts for Kamailio",
        1,
        java.nio.file.Files.readAllLines(table.resolve("subscriber")).size());
    server.start();
  }

  /** The settings that make a server read slapd's people with the service account. */
  private static XconfServer directoryUser(XconfServer server) {
    return server
        .withEnvironment("XCONF_LDAP_BASE", Slapd.PEOPLE)
        .withEnvironment("XCONF_LDAP_BIND_DN", "cn=xconf," + Slapd.SUFFIX)
        .withEnvironment("XCONF_LDAP_BIND_PASSWORD", "searcher")
        .withEnvironment("XCONF_LDAP_ADMIN_GROUP", "cn=xconf-admins," + Slapd.GROUPS);
  }

  @AfterClass
  public static void stopAll() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
    if (slapd != null) {
      slapd.close();
    }
  }

  private static String person(String uid, String password, String... more) throws Exception {
    return "dn: uid="
        + uid
        + ","
        + Slapd.PEOPLE
        + "\nobjectClass: inetOrgPerson\nuid: "
        + uid
        + "\ncn: "
        + uid
        + "\nsn: "
        + uid
        + "\nuserPassword: "
        + Slapd.hashed(password)
        + "\n"
        + String.join("\n", more)
        + (more.length == 0 ? "" : "\n")
        + "\n";
  }

  /**
   * A CCMP client over HTTPS that waits when the server holds off this address after the refused
   * logins some tests make on purpose.
   */
  private static CcmpHttp tls() throws Exception {
    return server.ccmpOverTls().patient();
  }

  /** A conference that takes alice only, by a proved identity (closedAuthenticated). */
  private static String alicesOnly(Conferences organizer) throws Exception {
    return organizer.created(
        "<info:users><xcon:join-handling>allow</xcon:join-handling>"
            + "<xcon:user-admission-policy>closedAuthenticated</xcon:user-admission-policy>"
            + "<xcon:allowed-users-list><xcon:target uri=\""
            + ALICE
            + "\" method=\"dial-in\"/></xcon:allowed-users-list></info:users>");
  }

  private static Conferences over(CcmpHttp client, String userId) {
    return new Conferences(client, userId, DOMAIN);
  }

  private static Conferences basic(String name, String password, String userId) throws Exception {
    return over(tls().withBasic(name, password), userId);
  }

  private static String confs(String userId) {
    return CcmpHttp.request(
        CcmpHttp.PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>", userId);
  }

  private static String withSubject(String request, String name, String password) {
    return request.replace(
        "<confUserID>",
        "<subject><username>"
            + name
            + "</username><password>"
            + password
            + "</password></subject><confUserID>");
  }

  @Test
  public void anLdapUserCreatesAndListsConferencesWithBasicOrTheSubject() throws Exception {
    Conferences alice = basic("alice", "wonderland", ALICE);
    String conference = alice.create();
    String listed = alice.ccmp("confs", "<ccmp:confsRequest/>");
    assertEquals(listed, 200, CcmpHttp.responseCode(listed));
    assertTrue(listed, listed.contains(conference));

    HttpResponse<String> bySubject = tls().post(withSubject(confs(ALICE), "alice", "wonderland"));
    assertEquals(bySubject.body(), 200, CcmpHttp.responseCode(bySubject.body()));
    assertTrue(bySubject.body(), bySubject.body().contains(conference));

    // The administrators' group: carol manages every conference; bob, an ordinary user, does not.
    assertEquals(
        200, CcmpHttp.responseCode(basic("carol", "admin-carol", CAROL).retrieve(conference)));
    assertEquals(401, CcmpHttp.responseCode(basic("bob", "builder", BOB).retrieve(conference)));
  }

  @Test
  public void wrongForgedOrForeignCredentialsAreRefused() throws Exception {
    String before = basic("carol", "admin-carol", CAROL).ccmp("confs", "<ccmp:confsRequest/>");
    record Attempt(String what, CcmpHttp client, String userId) {}
    for (Attempt attempt :
        new Attempt[] {
          new Attempt("a wrong password", tls().withBasic("alice", "Wonderland"), ALICE),
          new Attempt("another case of the name", tls().withBasic("Alice", "wonderland"), ALICE),
          new Attempt("no password", tls().withBasic("alice", ""), ALICE),
          new Attempt("a filter for a name", tls().withBasic("*", "wonderland"), ALICE),
          new Attempt(
              "a filter injected into the name",
              tls().withBasic("alice)(uid=*", "wonderland"),
              ALICE),
          new Attempt(
              "the searcher's own DN and password",
              tls().withBasic("cn=xconf," + Slapd.SUFFIX, "searcher"),
              ALICE),
          new Attempt(
              "an administrator of the account file",
              tls().withBasic("mallory", "mallory-secret"),
              "xcon-userid:mallory@" + DOMAIN),
          new Attempt(
              "HTTP Digest, which LDAP accounts have not",
              server.ccmp().patient().withDigest("alice", "wonderland"),
              ALICE),
        }) {
      HttpResponse<String> answer = attempt.client().post(confs(attempt.userId()));
      assertEquals(attempt.what() + ": " + answer.body(), 401, answer.statusCode());
      assertEquals(attempt.what(), 424, CcmpHttp.responseCode(answer.body()));
    }
    // Over HTTPS the challenge offers Basic too: the way in for clients of LDAP accounts.
    assertTrue(
        tls().post(confs(ALICE)).headers().allValues("WWW-Authenticate").stream()
            .anyMatch(challenge -> challenge.startsWith("Basic realm=\"" + DOMAIN + "\"")));
    HttpResponse<String> wrongSubject = tls().post(withSubject(confs(ALICE), "alice", "not-it"));
    assertEquals(424, CcmpHttp.responseCode(wrongSubject.body()));
    assertEquals(
        "nothing changed",
        before,
        basic("carol", "admin-carol", CAROL).ccmp("confs", "<ccmp:confsRequest/>"));
  }

  /**
   * A caller whose identity the trusted proxy asserts as an address in alice's labeledURI is alice:
   * admitted to a conference that takes alice only, and listed as her. The same assertion from a
   * stranger is removed on arrival, and the stranger is not admitted.
   */
  @Test
  public void aCallerAssertedAtAnAddressOfItsEntryIsThatUser() throws Exception {
    String conference = alicesOnly(basic("bob", "builder", BOB));
    String target = "sip:" + Conferences.idOf(conference) + "@" + DOMAIN;
    try (SipClient stranger = new SipClient(server.sipPort())) {
      String refused =
          new SipCall(stranger, target, "sip:alice.desk@pbx.example.org")
              .with("P-Asserted-Identity", "<" + ALICE_DESK + ">")
              .invite(null);
      assertNotEquals(refused, 200, status(refused));
    }
    try (SipClient proxy = new SipClient(server.sipPort(), trustedProxyPort)) {
      SipCall call =
          new SipCall(proxy, target, "sip:someone@pbx.example.org")
              .with("P-Asserted-Identity", "<" + ALICE_DESK + ">");
      call.connect(call.invite(null));
      String roster =
          Await.until(
              "alice connected in the roster",
              ANSWER,
              () -> basic("bob", "builder", BOB).retrieve(conference),
              body -> body.contains("<info:status>connected</info:status>"));
      assertTrue(roster, roster.contains("<info:user entity=\"" + ALICE + "\""));
      assertEquals(200, call.hangUp());
    }
  }

  /**
   * While the directory is down, a login that needs it is answered 500 ("try again later"), never
   * as a wrong password; when the directory is back, the same credentials work.
   */
  @Test
  public void anUnreachableDirectoryIsNeverAWrongPassword() throws Exception {
    slapd.stop();
    try {
      for (HttpResponse<String> answer :
          java.util.List.of(
              tls().withBasic("dave", "diver").post(confs(DAVE)),
              tls().post(withSubject(confs(DAVE), "dave", "diver")))) {
        assertEquals(answer.body(), 200, answer.statusCode());
        assertEquals(answer.body(), 500, CcmpHttp.responseCode(answer.body()));
        assertTrue(answer.body(), answer.body().contains("try again later"));
        assertFalse(answer.body(), answer.body().contains(slapd.tlsUrl()));
      }
    } finally {
      slapd.start();
    }
    Await.until(
        "dave's login once the directory is back",
        Duration.ofSeconds(30),
        () ->
            CcmpHttp.responseCode(
                basic("dave", "diver", DAVE).ccmp("confs", "<ccmp:confsRequest/>")),
        code -> code == 200);
    assertTrue(
        "the log said the directory could not be used", server.output().contains("cannot be used"));
  }

  /**
   * Plain LDAP serves a directory on this machine; over TLS, a directory whose certificate the
   * server does not trust (here: not signed by the JDK's authorities) is never used, its logins
   * answered 500 rather than sent to it, and SIP identities that need it 503.
   */
  @Test
  public void plainLdapOnThisMachineAndNoDirectoryThatCannotProveItsName() throws Exception {
    Path data = Path.of(System.getProperty("xconf.work"), "servers", "ldap-other");
    int otherProxyPort = FreePorts.next();
    try (XconfServer other =
        directoryUser(XconfServer.configure(data, DOMAIN))
            .withEnvironment("XCONF_LDAP_URL", slapd.url())
            .withEnvironment("XCONF_SIP_REGISTRAR", "false")
            .withEnvironment("XCONF_SIP_TRUSTED_PROXIES", "127.0.0.1:" + otherProxyPort)) {
      other.start();
      Conferences dave = over(other.ccmpOverTls().patient().withBasic("dave", "diver"), DAVE);
      assertEquals(200, CcmpHttp.responseCode(dave.ccmp("confs", "<ccmp:confsRequest/>")));
      String conference = alicesOnly(dave);
      other.stop();

      other.withEnvironment("XCONF_LDAP_URL", slapd.tlsUrl()).start();
      String refused = dave.ccmp("confs", "<ccmp:confsRequest/>");
      assertEquals(refused, 500, CcmpHttp.responseCode(refused));
      assertTrue(other.output(), other.output().contains("cannot be used"));
      // Never read, the directory cannot tell whose address a trusted proxy asserts: the call is
      // answered 503 (come back later), not taken for a stranger's.
      try (SipClient proxy = new SipClient(other.sipPort(), otherProxyPort)) {
        String later =
            new SipCall(
                    proxy,
                    "sip:" + Conferences.idOf(conference) + "@" + DOMAIN,
                    "sip:someone@pbx.example.org")
                .with("P-Asserted-Identity", "<" + ALICE_DESK + ">")
                .invite(null);
        assertEquals(later, 503, status(later));
        assertFalse(later, SipClient.header(later, "Retry-After").isEmpty());
      }
      other.stop();
    }
  }
}
