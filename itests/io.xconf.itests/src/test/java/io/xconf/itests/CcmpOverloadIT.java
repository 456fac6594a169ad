package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.XconfServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The endpoint under more load than it may process: one processing slot and no waiting, so that
 * concurrent clients must meet the 510 (RFC 6503 section 5.4) and slow senders must not hold the
 * slot while their bodies trickle in.
 */
public class CcmpOverloadIT {

  private static final String DOMAIN = "busy.example.net";
  private static final String ALICE = "xcon-userid:alice@" + DOMAIN;
  private static XconfServer server;

  @BeforeClass
  public static void startServer() throws Exception {
    server =
        XconfServer.configure(
                Path.of(System.getProperty("xconf.work"), "servers", "overload", "data"), DOMAIN)
            .withEnvironment("XCONF_CCMP_MAX_CONCURRENT", "1")
            .withEnvironment("XCONF_CCMP_MAX_WAIT_MILLIS", "0");
    assertEquals(0, server.user("add", "alice", "secret").exitCode());
    server.start();
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  private static String confsRequest() {
    return CcmpHttp.request(
        CcmpHttp.PUBLISHED, "ccmp-confs-request-message-type", "<ccmp:confsRequest/>", ALICE);
  }

  @Test
  public void concurrentClientsBeyondTheSlotsGet510AndTheServerKeepsServing() throws Exception {
    int clients = 16;
    int requestsEach = 40;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      results.add(
          pool.submit(
              () -> {
                CcmpHttp alice = server.ccmp().withDigest("alice", "secret");
                Map<Integer, Integer> codes = new TreeMap<>();
                for (int i = 0; i < requestsEach; i++) {
                  var response = alice.post(confsRequest());
                  assertEquals(response.body(), 200, response.statusCode());
                  CcmpHttp.assertValidCcmp(response.body());
                  assertTrue(
                      response.body(),
                      response.body().contains("ccmp:ccmp-confs-response-message-type"));
                  codes.merge(CcmpHttp.responseCode(response.body()), 1, Integer::sum);
                }
                return codes;
              }));
    }
    Map<Integer, Integer> codes = new TreeMap<>();
    for (Future<Map<Integer, Integer>> result : results) {
      result
          .get(5, TimeUnit.MINUTES)
          .forEach((code, count) -> codes.merge(code, count, Integer::sum));
    }
    pool.shutdown();
    assertEquals("only successes and 510s: " + codes, Map.of(), withoutKeys(codes, 200, 510));
    assertTrue("16 clients on one slot meet a 510: " + codes, codes.getOrDefault(510, 0) > 0);
    assertTrue("and most get through: " + codes, codes.getOrDefault(200, 0) > 0);
    String after = server.ccmp().withDigest("alice", "secret").post(confsRequest()).body();
    assertEquals(after, 200, CcmpHttp.responseCode(after));
  }

  @Test
  public void slowSendersDoNotHoldTheProcessingSlot() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      byte[] body = confsRequest().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 4; i++) {
        Socket socket = new Socket("127.0.0.1", server.httpPort());
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /ccmp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ccmp+xml\r\n"
                    + "Accept: application/ccmp+xml\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        slow.add(socket);
      }
      // The one slot is free for a whole request while four bodies are half sent.
      CcmpHttp alice = server.ccmp().withDigest("alice", "secret");
      // With no waiting allowed, a slot held by a slow sender would mean 510 here.
      for (int i = 0; i < 5; i++) {
        String answer = alice.post(confsRequest()).body();
        assertEquals(answer, 200, CcmpHttp.responseCode(answer));
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  private static Map<Integer, Integer> withoutKeys(Map<Integer, Integer> codes, int... keys) {
    Map<Integer, Integer> rest = new TreeMap<>(codes);
    for (int key : keys) {
      rest.remove(key);
    }
    return rest;
  }
}
