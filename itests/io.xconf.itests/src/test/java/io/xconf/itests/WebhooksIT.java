package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.Test;

/**
 * Webhooks on the packed distribution, received by an HTTP server of the test's own: a conference
 * created, a sipp caller joining, muted over CCMP and hanging up, the conference deleted; the
 * receiver refuses every delivery at first and the server restarts in between, and still every
 * event arrives, once per id as the receiver keeps them, in order, with a valid signature.
 */
public class WebhooksIT {

  private static final String DOMAIN = "hooks.example.net";
  private static final String SECRET = "webhook-secret-for-the-test";

  @Test
  public void everyEventArrivesSignedAndInOrderAcrossRefusalsAndARestart() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    Path work = Path.of(System.getProperty("xconf.work"), "servers", "webhooks");
    AtomicBoolean refusing = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    List<String> badSignatures = Collections.synchronizedList(new ArrayList<>());
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/xconf-events",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String text = new String(body, StandardCharsets.UTF_8);
          int status;
          if (refusing.get()) {
            refused.incrementAndGet();
            status = 503;
          } else {
            String signature = exchange.getRequestHeaders().getFirst("X-Xconf-Signature");
            if (!("sha256=" + hmac(body)).equals(signature)) {
              badSignatures.add(signature + " for " + text);
            }
            bodies.add(text);
            status = 204;
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
    XconfServer server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment(
                "XCONF_WEBHOOK_URL",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/xconf-events")
            .withEnvironment("XCONF_WEBHOOK_SECRET", SECRET)
            .withEnvironment("XCONF_RTP_PORT_MIN", "47200")
            .withEnvironment("XCONF_RTP_PORT_MAX", "47299");
    try {
      assertEquals(0, server.userWithInput("secret\n", "add", "alice").exitCode());
      server.start();
      Conferences alice = server.conferencesOf("alice", "secret");
      String conference = alice.create();
      try (Sipp caller =
          Sipp.call(
              work.resolve("caller"),
              "uac",
              server.sipPort(),
              Conferences.idOf(conference),
              FreePorts.next(),
              "-d",
              "5000")) {
        String roster =
            Await.until(
                "the caller connected",
                Duration.ofSeconds(20),
                () -> alice.retrieve(conference),
                body -> body.contains("<info:status>connected</info:status>"));
        String muted =
            alice.ccmp(
                "conf",
                "<confObjID>"
                    + conference
                    + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo"
                    + " entity=\""
                    + conference
                    + "\"><info:users><info:user entity=\""
                    + userOf(roster, caller.address())
                    + "\"><info:endpoint entity=\""
                    + caller.address()
                    + "\"><info:media id=\"1\"><xcon:to-mixer name=\"AudioIn\">"
                    + "<xcon:floor id=\"1\">false</xcon:floor><xcon:controls><xcon:mute>true"
                    + "</xcon:mute></xcon:controls></xcon:to-mixer></info:media></info:endpoint>"
                    + "</info:user></info:users></confInfo></ccmp:confRequest>");
        assertEquals(muted, 200, CcmpHttp.responseCode(muted));
        Await.until(
            "the caller muted by the focus",
            Duration.ofSeconds(10),
            () -> alice.retrieve(conference),
            body -> body.contains("<info:status>muted-via-focus</info:status>"));
        assertEquals(caller.log(), 0, caller.await(30));
      }
      Await.until(
          "the caller gone",
          Duration.ofSeconds(10),
          () -> alice.retrieve(conference),
          body -> !body.contains("muted-via-focus"));
      Await.until(
          "the receiver refusing deliveries", Duration.ofSeconds(10), refused::get, n -> n >= 2);

      // Restarted while everything is still owed; the receiver takes events from now on.
      server.stop();
      refusing.set(false);
      server.start();
      assertEquals(200, CcmpHttp.responseCode(alice.delete(conference)));

      List<Map<String, String>> events =
          Await.until(
              "conference.deleted at the receiver",
              Duration.ofSeconds(60),
              () -> distinct(bodies),
              received ->
                  received.stream().anyMatch(e -> "conference.deleted".equals(e.get("event"))));
      assertEquals(List.of(), badSignatures);
      List<String> names = events.stream().map(e -> e.get("event")).toList();
      assertEquals(names.toString(), "conference.created", names.get(0));
      assertEquals(names.toString(), "conference.deleted", names.get(names.size() - 1));
      int joined = names.indexOf("participant.joined");
      int mutedAt = names.indexOf("participant.muted");
      int left = names.indexOf("participant.left");
      assertTrue(names.toString(), 0 < joined && joined < mutedAt && mutedAt < left);
      long version = 0;
      for (Map<String, String> event : events) {
        assertEquals(event.toString(), conference, event.get("conference"));
        assertTrue(event.toString(), Long.parseLong(event.get("version")) >= version);
        version = Long.parseLong(event.get("version"));
        Instant.parse(event.get("at"));
      }
      assertEquals(caller(events, "participant.joined"), caller(events, "participant.left"));
      assertEquals("dialed-in", events.get(joined).get("joiningMethod"));
      assertTrue(refused.get() >= 2);
    } finally {
      server.stop();
      server.close();
      receiver.stop(0);
    }
  }

  /** The events received, each id once (at least once: a delivery may come again), in order. */
  private static List<Map<String, String>> distinct(List<String> bodies) {
    Map<String, Map<String, String>> byId = new LinkedHashMap<>();
    synchronized (bodies) {
      for (String body : bodies) {
        Map<String, String> event = fields(body);
        byId.putIfAbsent(event.get("id"), event);
      }
    }
    return List.copyOf(byId.values());
  }

  private static Map<String, String> fields(String json) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher field =
        Pattern.compile("\"([A-Za-z]+)\":(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([0-9]+))").matcher(json);
    while (field.find()) {
      fields.put(field.group(1), field.group(2) != null ? field.group(2) : field.group(3));
    }
    return fields;
  }

  private static String caller(List<Map<String, String>> events, String name) {
    return events.stream()
        .filter(e -> name.equals(e.get("event")))
        .map(e -> e.get("endpoint"))
        .findFirst()
        .orElse(null);
  }

  private static String userOf(String roster, String endpoint) {
    Matcher matcher =
        Pattern.compile(
                "<info:user entity=\"([^\"]+)\">(?:(?!</info:user>).)*?<info:endpoint entity=\""
                    + Pattern.quote(endpoint)
                    + "\"",
                Pattern.DOTALL)
            .matcher(roster);
    assertTrue(endpoint + " in " + roster, matcher.find());
    return matcher.group(1);
  }

  private static String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
