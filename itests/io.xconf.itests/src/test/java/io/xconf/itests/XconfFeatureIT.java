package io.xconf.itests;

import static io.xconf.itests.support.CcmpHttp.DRAFT;
import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.UserCommandRunner;
import io.xconf.itests.support.XconfKarafTestSupport;
import io.xconf.mixer.Mix;
import io.xconf.mixer.MixerControl;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.CreateRequest;
import io.xconf.server.ServerIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

/** The xconf feature in a stock Karaf 4.4, configured through Config Admin, driven over HTTP. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class XconfFeatureIT extends XconfKarafTestSupport {

  private static final String DOMAIN = "itest.example.org";

  @Inject private ServerIdentity identity;
  @Inject private AccountDirectory accounts;

  @Inject private SessionFactory shells;
  @Inject private ConferenceService conferences;

  @Inject
  @Filter("(" + MixerControl.NAME + "=embedded)")
  private MixerControl embeddedMixer;

  @Configuration
  public Option[] config() throws Exception {
    // Accounts made by the real offline command, before the server starts.
    Path work = Files.createDirectories(Path.of(System.getProperty("xconf.work")));
    Path state = Files.createTempDirectory(work, "state");
    Path etc = Files.createTempDirectory(work, "etc");
    Files.writeString(
        etc.resolve("io.xconf.server.cfg"),
        "domain = " + DOMAIN + "\nstateDirectory = " + state + "\n");
    UserCommandRunner.Result added =
        UserCommandRunner.run(
            etc, work, "add", "alice", "s3cret", "--admin", "--uri", "sip:alice@pbx." + DOMAIN);
    assertEquals(added.output(), 0, added.exitCode());

    return xconfInStockKaraf(
        editConfigurationFilePut("etc/io.xconf.server.cfg", "domain", DOMAIN),
        editConfigurationFilePut("etc/io.xconf.server.cfg", "stateDirectory", state.toString()));
  }

  @Test
  public void everyXconfBundleIsActive() {
    for (String name :
        List.of(
            "io.xconf.server",
            "io.xconf.accounts",
            "io.xconf.schema",
            "io.xconf.store",
            "io.xconf.store.sqlite",
            "io.xconf.model",
            "org.xerial.sqlite-jdbc",
            "io.xconf.ccmp",
            "io.xconf.http",
            "io.xconf.operations",
            "io.xconf.metrics",
            "io.xconf.webhooks",
            "io.xconf.cli",
            "io.xconf.ccmp.http",
            "io.xconf.mixer",
            "io.xconf.mixer.rtp",
            "io.xconf.thirdparty.jainsip")) {
      assertEquals(name, Bundle.ACTIVE, bundle(name).getState());
    }
  }

  @Test
  public void theEmbeddedMixerAnswersOffersAndSendsMediaInsideTheContainer() throws Exception {
    try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Mix mix = embeddedMixer.createMix("xcon:container-mix@" + DOMAIN, null)) {
      phone.setSoTimeout(5000);
      int port = phone.getLocalPort();
      io.xconf.mixer.MediaLeg leg =
          mix.join(
              "phone",
              "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                  + "m=audio "
                  + port
                  + " RTP/AVP 0\r\n");
      leg.confirm(); // as the focus does when the caller's ACK comes
      String answer = leg.localSdp();
      assertTrue(answer, answer.contains(" RTP/AVP 0\r\n"));
      DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
      phone.receive(packet); // the mixer's first 20 ms of silence
      assertEquals("RTP header and 20 ms of PCMU", 12 + 160, packet.getLength());
    }
  }

  @Test
  public void theSipFocusAnswersInsideTheContainer() throws Exception {
    // JAIN-SIP in OSGi (docs/development.md, pitfalls 3 to 5): the wrapper finds log4j and loads
    // its classes
    // by name, and the focus is active without anybody looking it up.
    String options =
        "OPTIONS sip:127.0.0.1:"
            + sipPort()
            + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-itest-"
            + System.nanoTime()
            + "\r\nFrom: <sip:itest@127.0.0.1>;tag=1\r\nTo: <sip:probe@127.0.0.1>\r\n"
            + "Call-ID: itest-"
            + System.nanoTime()
            + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(10_000);
      byte[] request =
          options
              .replace("127.0.0.1:9", "127.0.0.1:" + socket.getLocalPort())
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      String answer = null;
      for (int attempt = 0; attempt < 20 && answer == null; attempt++) {
        socket.send(
            new DatagramPacket(
                request, request.length, InetAddress.getLoopbackAddress(), sipPort()));
        try {
          DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
          socket.setSoTimeout(500);
          socket.receive(reply);
          answer =
              new String(
                  reply.getData(),
                  0,
                  reply.getLength(),
                  java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.net.SocketTimeoutException e) {
          // the focus may still be starting
        }
      }
      assertTrue(
          "the focus answered OPTIONS: " + answer,
          answer != null && answer.startsWith("SIP/2.0 200"));
      assertTrue(answer, answer.contains("SUBSCRIBE"));
    }
  }

  @Test
  public void theModelStoresConferencesAndAnnouncesChangesToTheWhiteboard() throws Exception {
    BlockingQueue<ConferenceChange> heard = new LinkedBlockingQueue<>();
    ServiceRegistration<ConferenceChangeListener> listener =
        bundleContext.registerService(ConferenceChangeListener.class, heard::add, null);
    try {
      assertEquals(
          List.of(
              "xcon:audio-room@" + DOMAIN,
              "xcon:audio-video-room@" + DOMAIN,
              "xcon:default@" + DOMAIN),
          conferences.blueprints().stream().map(ConferenceObject::uri).toList());
      ConferenceObject created =
          conferences.create(
              CreateRequest.conference(
                  "xcon:audio-room@" + DOMAIN, null, "xcon-userid:alice@" + DOMAIN));
      assertEquals("sip:" + created.uri().substring(5), created.sipUri());
      ConferenceChange change = heard.poll(30, TimeUnit.SECONDS);
      assertEquals(created.uri(), change.uri());
      assertEquals(ConferenceChange.Kind.CREATED, change.kind());
      conferences.delete(created.uri(), "itest");
      assertEquals(ConferenceChange.Kind.DELETED, heard.poll(30, TimeUnit.SECONDS).kind());
      assertTrue(Files.exists(identity.stateDirectory().resolve("conferences.db")));
    } finally {
      listener.unregister();
    }
  }

  @Test
  public void identityComesFromConfigAdmin() {
    assertEquals(DOMAIN, identity.domain());
  }

  @Test
  public void accountsAddedByTheCommandAreKnownToTheServer() {
    Account alice = accounts.authenticate("alice", "s3cret").orElseThrow();
    assertEquals("xcon-userid:alice@" + DOMAIN, alice.userId());
    assertTrue(alice.administrator());
    assertTrue(accounts.authenticate("alice", "wrong").isEmpty());
    // The model resolves targets to accounts.
    assertEquals(
        Optional.of(alice.userId()),
        conferences.userIdOf("sip:alice@PBX." + DOMAIN + ";transport=tcp"));
    assertEquals(Optional.of(alice.userId()), conferences.userIdOf(alice.userId()));
    assertEquals(Optional.empty(), conferences.userIdOf("sip:mallory@pbx." + DOMAIN));
  }

  @Test
  public void answersOptionsInBothNamespaces() throws Exception {
    CcmpHttp ccmp = ccmp();
    for (String namespace : List.of(PUBLISHED, DRAFT)) {
      HttpResponse<String> response =
          Await.until(
              "the CCMP endpoint",
              Duration.ofSeconds(60),
              () -> ccmp.post(CcmpHttp.optionsRequest(namespace)),
              r -> r.statusCode() == 200);
      assertEquals(
          "application/ccmp+xml; charset=utf-8",
          response.headers().firstValue("Content-Type").orElse(""));
      assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
      assertEquals(200, CcmpHttp.responseCode(response.body()));
      assertTrue(response.body(), response.body().contains("xmlns:ccmp=\"" + namespace + "\""));
      assertTrue(
          response.body(),
          response.body().contains("<confUserID>xcon-userid:alice@example.com</confUserID>"));
      CcmpHttp.assertValidCcmp(response.body());
    }
  }

  @Test
  public void answersBadInputWithTheRightErrors() throws Exception {
    CcmpHttp ccmp = ccmp();
    HttpResponse<String> malformed =
        Await.until(
            "the CCMP endpoint",
            Duration.ofSeconds(60),
            () -> ccmp.post("<ccmp:ccmpRequest"),
            r -> r.statusCode() == 200);
    assertEquals(400, CcmpHttp.responseCode(malformed.body()));
    CcmpHttp.assertValidCcmp(malformed.body());
    assertEquals(405, ccmp.get().statusCode());
    assertEquals(406, ccmp.post(CcmpHttp.optionsRequest(PUBLISHED), "text/plain").statusCode());
  }

  @Test
  public void theShellCommandsManageConferencesWithTheAccountsRights() throws Exception {
    String created = shell("xconf:create --user alice --title Shell-made --json");
    assertTrue(created, created.contains("\"title\":\"Shell-made\""));
    String conference = created.replaceAll("(?s).*\"conference\":\"([^\"]+)\".*", "$1");
    assertTrue(created, conference.startsWith("xcon:"));
    String listed = shell("xconf:list --user alice");
    assertTrue(listed, listed.contains(conference) && listed.contains("Shell-made"));
    String roster = shell("xconf:roster --user alice " + conference);
    assertTrue(roster, roster.contains("xcon-userid:alice@" + DOMAIN));
    String deleted = shell("xconf:delete --user alice " + conference);
    assertTrue(deleted, deleted.startsWith("deleted"));
    String gone = shell("xconf:show --user alice " + conference);
    assertTrue(gone, gone.startsWith("xconf: 404"));
  }

  /** Runs a command in a Karaf shell session; what it printed. */
  private String shell(String command) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    Session session = shells.create(new ByteArrayInputStream(new byte[0]), out, out);
    try {
      session.execute(command);
    } finally {
      session.close();
    }
    return printed.toString(StandardCharsets.UTF_8);
  }
}
