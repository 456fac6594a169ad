package io.xconf.itests;

import static io.xconf.itests.support.CcmpHttp.DRAFT;
import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.UserCommandRunner.Result;
import io.xconf.itests.support.XconfServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

/** The packed distribution, started and stopped with bin/xconf as an operator does. */
public class DistributionIT {

  @Rule public final TestName test = new TestName();

  /** A data folder of this test, kept under target/work with the server's output. */
  private Path data(String name) {
    return Path.of(System.getProperty("xconf.work"), "servers", test.getMethodName(), name);
  }

  @Test
  public void servesCcmpAndStopsCleanlyOnSigterm() throws Exception {
    try (XconfServer server = XconfServer.configure(data("data"), "dist.example.net").start()) {
      CcmpHttp ccmp = server.ccmp();
      for (String namespace : new String[] {PUBLISHED, DRAFT}) {
        HttpResponse<String> options = ccmp.post(CcmpHttp.optionsRequest(namespace));
        assertEquals(200, options.statusCode());
        assertEquals(200, CcmpHttp.responseCode(options.body()));
        assertTrue(options.body(), options.body().contains("xmlns:ccmp=\"" + namespace + "\""));
        CcmpHttp.assertValidCcmp(options.body());
      }
      HttpResponse<String> malformed = ccmp.post("{\"not\": \"xml\"}");
      assertEquals(200, malformed.statusCode());
      assertEquals(400, CcmpHttp.responseCode(malformed.body()));
      assertFalse(malformed.body(), malformed.body().contains("Exception"));
      assertEquals(405, ccmp.get().statusCode());

      // Hostile input gets a quick error and the server keeps serving.
      assertEquals(413, ccmp.post("<a>" + "x".repeat(32 << 20) + "</a>").statusCode());
      // A client that waits for 100 Continue before sending is not asked for a body refused anyway.
      try (java.net.Socket client = new java.net.Socket("127.0.0.1", server.httpPort())) {
        client.setSoTimeout(10_000);
        client
            .getOutputStream()
            .write(
                ("POST /ccmp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        + CcmpHttp.CCMP_TYPE
                        + "\r\nContent-Length: "
                        + (32 << 20)
                        + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String status =
            new java.io.BufferedReader(
                    new java.io.InputStreamReader(
                        client.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                .readLine();
        assertEquals("HTTP/1.1 413 Payload Too Large", status);
      }
      String bomb =
          "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
              + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
              + CcmpHttp.optionsRequest(PUBLISHED)
                  .replaceFirst("<\\?xml[^>]*>", "")
                  .replace("alice", "&c;");
      String bombAnswer = ccmp.post(bomb).body();
      assertEquals(400, CcmpHttp.responseCode(bombAnswer));
      assertTrue(bombAnswer, bombAnswer.contains("DTD"));
      String xxe =
          "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
              + CcmpHttp.optionsRequest(PUBLISHED)
                  .replaceFirst("<\\?xml[^>]*>", "")
                  .replace("alice", "&x;");
      String xxeAnswer = ccmp.post(xxe).body();
      assertEquals(400, CcmpHttp.responseCode(xxeAnswer));
      assertTrue(xxeAnswer, xxeAnswer.contains("DTD"));
      assertFalse(xxeAnswer.contains("root:"));
      assertEquals(
          200, CcmpHttp.responseCode(ccmp.post(CcmpHttp.optionsRequest(PUBLISHED)).body()));

      Duration stopped = server.stop();
      assertTrue("SIGTERM took " + stopped, stopped.compareTo(Duration.ofSeconds(10)) < 0);
      // Logged to stdout and to the data folder.
      assertTrue(server.output(), server.output().contains("is up"));
      String log = Files.readString(server.data().resolve("log/karaf.log"));
      assertTrue(log.contains("is up"));
    }
  }

  @Test
  public void accountsSurviveRestartsAndChangeWhileRunning() throws Exception {
    try (XconfServer server = XconfServer.configure(data("data"), "dist.example.net")) {
      // The password from standard input, as a script would give it (a terminal would be asked).
      Result added = server.userWithInput("secret\n", "add", "alice");
      assertEquals(added.output(), 0, added.exitCode());
      assertEquals("added alice\txcon-userid:alice@dist.example.net\n", added.output());

      server.start();
      Result onTheCommandLine = server.user("add", "bob", "pw", "--admin");
      assertEquals(0, onTheCommandLine.exitCode());
      assertTrue(
          onTheCommandLine.output(),
          onTheCommandLine.output().contains("shows in ps and in the shell's history"));
      assertEquals(1, server.user("add", "alice", "other").exitCode());
      server.stop();

      server.start();
      assertEquals(
          "alice\txcon-userid:alice@dist.example.net\nbob\txcon-userid:bob@dist.example.net\tadmin\n",
          server.user("list").output());
      assertEquals(0, server.user("remove", "bob").exitCode());
      server.stop();

      assertEquals("alice\txcon-userid:alice@dist.example.net\n", server.user("list").output());
      String stored = Files.readString(server.data().resolve("xconf/accounts.properties"));
      assertFalse("no clear-text password", stored.contains("secret"));
    }
  }

  @Test
  public void startsAndStopsExtensionsDroppedIntoDeploy() throws Exception {
    // The confSummaryRequest extension (RFC 6503 section 6.9) ships in extensions/, not running.
    Path extension =
        XconfServer.home().resolve("extensions/io.xconf.ccmp.extension.confsummary.jar");
    Path deployed = XconfServer.home().resolve("deploy").resolve("confsummary.jar");
    String alice = "xcon-userid:alice@dist.example.net";
    try (XconfServer server = XconfServer.configure(data("data"), "dist.example.net")) {
      assertEquals(0, server.user("add", "alice", "secret").exitCode());
      server.start();
      CcmpHttp ccmp = server.ccmp().withDigest("alice", "secret");
      String created =
          ccmp.post(
                  CcmpHttp.request(
                      PUBLISHED,
                      "ccmp-conf-request-message-type",
                      "<operation>create</operation><ccmp:confRequest/>",
                      alice))
              .body();
      String conference = CcmpHttp.field(created, "confObjID");
      String options = CcmpHttp.optionsRequest(PUBLISHED);
      String summary =
          CcmpHttp.extendedRequest(PUBLISHED, "confSummaryRequest", conference, "", alice)
              .replace(
                  "<ccmp:extendedRequest>",
                  "<operation>retrieve</operation><ccmp:extendedRequest>");
      assertFalse(ccmp.post(options).body().contains("confSummaryRequest"));
      assertEquals(501, CcmpHttp.responseCode(ccmp.post(summary).body()));

      Files.copy(extension, deployed, StandardCopyOption.REPLACE_EXISTING);
      String listed =
          Await.until(
              "the dropped extension in optionsResponse",
              Duration.ofSeconds(30),
              () -> ccmp.post(options).body(),
              body -> body.contains("<name>confSummaryRequest</name>"));
      assertTrue(
          listed,
          listed.contains("<schema-def>urn:xconf:params:xml:ns:ccmp-conf-summary</schema-def>"));
      CcmpHttp.assertValidCcmp(listed);
      String answered = ccmp.post(summary).body();
      assertEquals(answered, 200, CcmpHttp.responseCode(answered));
      assertTrue(
          answered,
          answered.contains(
              "<title>Conference</title><status>registered</status><public>true</public><media>audio</media>"));
      CcmpHttp.assertValidCcmp(answered);

      Files.delete(deployed);
      Await.until(
          "the removed extension to leave optionsResponse",
          Duration.ofSeconds(30),
          () -> ccmp.post(options).body(),
          body -> body.contains("<standard-message-list>") && !body.contains("confSummaryRequest"));
      assertEquals(501, CcmpHttp.responseCode(ccmp.post(summary).body()));
      server.stop();
    } finally {
      Files.deleteIfExists(deployed);
    }
  }

  @Test
  public void twoInstancesRunSideBySide() throws Exception {
    try (XconfServer first = XconfServer.configure(data("first"), "one.example.net").start();
        XconfServer second = XconfServer.configure(data("second"), "two.example.net").start()) {
      String options = CcmpHttp.optionsRequest(PUBLISHED);
      assertEquals(200, CcmpHttp.responseCode(first.ccmp().post(options).body()));
      assertEquals(200, CcmpHttp.responseCode(second.ccmp().post(options).body()));
      first.stop();
      assertTrue(second.isRunning());
      assertEquals(200, CcmpHttp.responseCode(second.ccmp().post(options).body()));
      second.stop();
      assertTrue(Files.exists(first.data().resolve("log/karaf.log")));
      assertTrue(Files.exists(second.data().resolve("log/karaf.log")));
    }
  }
}
