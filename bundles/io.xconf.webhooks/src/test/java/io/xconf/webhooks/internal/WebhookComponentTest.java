package io.xconf.webhooks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xconf.model.ConferenceChange;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The component against a real HTTP receiver on this machine. */
public class WebhookComponentTest {

  private static final String SECRET = "a-secret-of-sixteen-or-more";

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private HttpServer receiver;
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> signatures = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger refuseNext = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  @Before
  public void listen() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          int status = 204;
          if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refused.incrementAndGet();
            status = 503;
          } else {
            bodies.add(new String(body, StandardCharsets.UTF_8));
            signatures.add(exchange.getRequestHeaders().getFirst("X-Xconf-Signature"));
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
  }

  @After
  public void stop() {
    receiver.stop(0);
  }

  @Test
  public void eventsArriveSignedInOrderAcrossRefusalsAndARestart() throws Exception {
    Path state = temp.getRoot().toPath();
    refuseNext.set(3);
    WebhookComponent first = component(state, url());
    for (int version = 1; version <= 3; version++) {
      first.changed(change(version));
    }
    first.started("xcon:a@example.com");
    await(() -> refused.get() >= 1);
    // Stopped while the receiver still refuses: what is owed waits on disk.
    first.deactivate();
    assertEquals(List.of(), bodies);

    WebhookComponent second = component(state, url());
    second.changed(change(4));
    await(() -> bodies.size() == 5);
    second.deactivate();

    assertEquals(
        List.of(
            "conference.updated",
            "conference.updated",
            "conference.updated",
            "conference.started",
            "conference.updated"),
        bodies.stream().map(body -> field(body, "event")).toList());
    assertEquals(
        List.of("1", "2", "3", "3", "4"),
        bodies.stream().map(body -> number(body, "version")).toList());
    for (int i = 0; i < bodies.size(); i++) {
      assertEquals(new WebhookSignature(SECRET).of(bodies.get(i)), signatures.get(i));
    }
    assertTrue(refused.get() >= 3);
  }

  @Test
  public void aDeletedConferenceEndsWithItsDeletion() throws Exception {
    WebhookComponent hooks =
        new WebhookComponent(
            temp.getRoot().toPath(),
            uri -> uri.contains("gone") ? -1 : 5,
            new SimpleMeterRegistry(),
            config(url(), SECRET),
            Clock.systemUTC());
    hooks.ended("xcon:gone@example.com");
    hooks.ended("xcon:here@example.com");
    await(() -> bodies.size() == 1);
    hooks.deactivate();
    assertEquals("xcon:here@example.com", field(bodies.get(0), "conference"));
    assertEquals("conference.ended", field(bodies.get(0), "event"));
  }

  @Test
  public void aReceiverThatHangsHoldsUpNobodyElse() throws Exception {
    receiver.createContext(
        "/hang",
        exchange -> {
          try {
            Thread.sleep(20_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    String hang = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hang";
    WebhookComponent hooks = component(temp.getRoot().toPath(), hang + "," + url());
    for (int version = 1; version <= 3; version++) {
      hooks.changed(change(version));
    }
    long start = System.nanoTime();
    await(() -> bodies.size() == 3);
    assertTrue(
        "the other URL waited for the hanging one",
        System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
    hooks.deactivate();

    // Configured again without the hanging URL: what it was owed is dropped, not sent. (The third
    // event may come again first: its delivery could still be on its way at the deactivation.)
    WebhookComponent again = component(temp.getRoot().toPath(), url());
    again.changed(change(4));
    await(() -> new ArrayList<>(bodies).stream().anyMatch(b -> "4".equals(number(b, "version"))));
    again.deactivate();
  }

  @Test
  public void withoutASecretNothingIsSent() {
    IllegalArgumentException refusedConfig =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new WebhookComponent(
                    temp.getRoot().toPath(),
                    uri -> 1,
                    new SimpleMeterRegistry(),
                    config(url(), ""),
                    Clock.systemUTC()));
    assertTrue(refusedConfig.getMessage().contains("secret"));
  }

  @Test
  public void retriesWaitLongerEachTimeUpToFiveMinutes() {
    assertEquals(1000, WebhookComponent.retryDelayMillis(0));
    assertEquals(2000, WebhookComponent.retryDelayMillis(1));
    assertEquals(256_000, WebhookComponent.retryDelayMillis(8));
    assertEquals(300_000, WebhookComponent.retryDelayMillis(9));
    assertEquals(300_000, WebhookComponent.retryDelayMillis(1000));
  }

  private String url() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private WebhookComponent component(Path state, String url) throws Exception {
    return new WebhookComponent(
        state, uri -> 3, new SimpleMeterRegistry(), config(url, SECRET), Clock.systemUTC());
  }

  private static ConferenceChange change(int version) {
    return new ConferenceChange(
        "xcon:a@example.com",
        ConferenceChange.Kind.UPDATED,
        version - 1,
        version,
        null,
        null,
        null,
        "xcon-userid:alice@example.com");
  }

  private static String field(String json, String name) {
    Matcher value = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    return value.find() ? value.group(1) : null;
  }

  private static String number(String json, String name) {
    Matcher value = Pattern.compile("\"" + name + "\":([0-9]+)").matcher(json);
    return value.find() ? value.group(1) : null;
  }

  private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s");
      }
      Thread.sleep(50);
    }
  }

  private static WebhookComponent.Config config(String urls, String secret) {
    return new WebhookComponent.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return WebhookComponent.Config.class;
      }

      @Override
      public String urls() {
        return urls;
      }

      @Override
      public String secret() {
        return secret;
      }

      @Override
      public boolean allowPlain() {
        return false;
      }

      @Override
      public int maxAgeHours() {
        return 24;
      }

      @Override
      public int timeoutSeconds() {
        return 5;
      }

      @Override
      public int maxInFlight() {
        return 16;
      }
    };
  }
}
