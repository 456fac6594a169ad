package io.xconf.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.xconf.itests.support.Await;
import io.xconf.itests.support.CcmpHttp;
import io.xconf.itests.support.Conferences;
import io.xconf.itests.support.FreePorts;
import io.xconf.itests.support.Hosts;
import io.xconf.itests.support.Sipp;
import io.xconf.itests.support.XconfServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in headless Chromium (Debian chromium and chromium-driver, through Selenium),
 * against the packed distribution with sipp callers: sign in, watch a caller appear, mute it, lock
 * the conference, end it. Screenshots of each step are kept in {@code
 * target/work/servers/console/screenshots}. Its API is attacked too: no session, no CSRF header, a
 * stranger's session, plain HTTP from another machine, guessed passwords.
 */
public class ConsoleIT {

  private static final String DOMAIN = "console.example.net";

  private static Path work;
  private static XconfServer server;
  private static Conferences alice;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeClass
  public static void start() throws Exception {
    Sipp.requireCommand("sipp", "sip-tester");
    Sipp.requireCommand("chromium", "chromium");
    Sipp.requireCommand("chromedriver", "chromium-driver");
    work = Path.of(System.getProperty("xconf.work"), "servers", "console");
    server =
        XconfServer.configure(work.resolve("data"), DOMAIN)
            .withEnvironment(
                "XCONF_HTTP_ADDRESS", "127.0.0.1," + Hosts.nonLoopback().getHostAddress())
            .withEnvironment("XCONF_RTP_PORT_MIN", "47600")
            .withEnvironment("XCONF_RTP_PORT_MAX", "47699");
    assertEquals(0, server.userWithInput("secret\n", "add", "alice").exitCode());
    assertEquals(0, server.userWithInput("bobpw\n", "add", "bob").exitCode());
    // Whose password is guessed: the throttle it trips must not hold up the other test's alice.
    assertEquals(0, server.userWithInput("carolpw\n", "add", "carol").exitCode());
    server.start();
    alice = server.conferencesOf("alice", "secret");
  }

  @AfterClass
  public static void stop() throws Exception {
    if (server != null) {
      server.stop();
      server.close();
    }
  }

  @Test
  public void aModeratorWatchesACallerMutesItLocksAndEnds() throws Exception {
    String conference =
        alice.created(
            "<info:conference-description><info:display-text>Weekly sync"
                + "</info:display-text></info:conference-description>");
    Path shots = Files.createDirectories(work.resolve("screenshots"));
    WebDriver browser = chromium();
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
      browser.get("http://127.0.0.1:" + server.httpPort() + "/console");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-user")))
          .sendKeys("alice");
      browser.findElement(By.id("signin-password")).sendKeys("secret");
      shot(browser, shots, "1-sign-in");
      browser.findElement(By.id("signin-button")).click();
      WebElement card =
          wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Weekly sync")));
      shot(browser, shots, "2-conferences");
      card.click();
      wait.until(ExpectedConditions.textToBe(By.id("title"), "Weekly sync"));
      wait.until(ExpectedConditions.textToBe(By.id("live"), "Live"));

      // A caller that talks (sipp's A-law recording): the page marks it as it speaks.
      Path talker = work.resolve("talker");
      Path pcaps = Files.createDirectories(talker.resolve("pcap"));
      for (String name : List.of("g711a.pcap", "dtmf_2833_1.pcap")) {
        Files.copy(
            Path.of("/usr/share/sip-tester", name),
            pcaps.resolve(name),
            StandardCopyOption.REPLACE_EXISTING);
      }
      try (Sipp speaker =
          Sipp.call(
              talker,
              "uac_pcap",
              server.sipPort(),
              Conferences.idOf(conference),
              FreePorts.next())) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr.speaking")));
        shot(browser, shots, "3-speaking");
        speaker.await(60);
      }
      wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr.speaking")));

      try (Sipp caller =
          Sipp.call(
              work.resolve("caller"),
              "uac",
              server.sipPort(),
              Conferences.idOf(conference),
              FreePorts.next(),
              "-d",
              "60000")) {
        // Its 200 is sent once the roster has it: from then, the page has 2 s to show it.
        Await.until(
            "the caller connected",
            Duration.ofSeconds(20),
            () -> alice.retrieve(conference),
            body -> body.contains("<info:status>connected</info:status>"));
        By row = By.cssSelector("tr[data-endpoint='" + caller.address() + "']");
        new WebDriverWait(browser, Duration.ofSeconds(2))
            .until(ExpectedConditions.textToBePresentInElementLocated(row, "In the call"));
        shot(browser, shots, "4-caller-in");

        browser.findElement(row).findElement(By.xpath(".//button[text()='Mute']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "Muted"));
        // Muted-via-focus is written once the mixer has muted the leg.
        assertTrue(
            alice.retrieve(conference).contains("<info:status>muted-via-focus</info:status>"));
        shot(browser, shots, "5-muted");

        browser.findElement(By.id("lock")).click();
        wait.until(ExpectedConditions.textToBe(By.id("lock-state"), "Locked"));
        shot(browser, shots, "6-locked");
        try (Sipp refused =
            Sipp.call(
                work.resolve("refused"),
                "uac",
                server.sipPort(),
                Conferences.idOf(conference),
                FreePorts.next())) {
          assertNotEquals("a caller got into a locked conference", 0, refused.await(30));
          assertTrue(refused.log(), refused.log().contains("403"));
        }

        browser.manage().window().setSize(new Dimension(390, 844));
        shot(browser, shots, "7-phone");
        browser.findElement(By.id("end")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conferences")));
        // Its call ends with the conference: sipp's uac ends on the focus's BYE (which it counts
        // as unexpected, so not as a success); await fails if it were still running.
        caller.await(20);
        shot(browser, shots, "8-ended");
      }
      assertEquals(404, CcmpHttp.responseCode(alice.retrieve(conference)));
    } finally {
      browser.quit();
    }
  }

  @Test
  public void theApiRefusesStrangersForgedRequestsPlainHttpAndGuesses() throws Exception {
    String conference = alice.create();
    String base = "http://127.0.0.1:" + server.httpPort() + "/console/api/";
    assertEquals(401, get(base + "conferences", null).statusCode());
    // No CSRF header: another site's form cannot post here.
    assertEquals(
        403,
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("user=alice&password=secret"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    String bob = signIn(base, "bob", "bobpw");
    HttpResponse<String> stranger = post(base + "action", bob, "c=" + conference + "&a=lock");
    assertEquals(stranger.body(), 409, stranger.statusCode());
    assertTrue(stranger.body(), stranger.body().contains("\"code\":4"));
    assertFalse(alice.retrieve(conference).contains("<xcon:join-handling>block"));
    assertEquals(409, get(base + "events?c=" + conference, bob).statusCode());
    // A password-protected conference: its password with every call, as CCMP wants it.
    String alices = signIn(base, "alice", "secret");
    alice.protect(conference, "pw1");
    HttpResponse<String> withoutPassword = get(base + "conference?c=" + conference, alices);
    assertEquals(409, withoutPassword.statusCode());
    assertTrue(withoutPassword.body(), withoutPassword.body().contains("\"code\":423"));
    assertEquals(200, get(base + "conference?c=" + conference + "&p=pw1", alices).statusCode());
    assertEquals(
        200, post(base + "action", alices, "c=" + conference + "&a=lock&p=pw1").statusCode());

    HttpResponse<String> loggedOut = post(base + "logout", bob, "");
    assertEquals(200, loggedOut.statusCode());
    assertEquals(401, get(base + "conferences", bob).statusCode());

    // Plain HTTP from another machine: not even the page.
    HttpResponse<String> plain =
        get(
            "http://"
                + Hosts.nonLoopback().getHostAddress()
                + ":"
                + server.httpPort()
                + "/console/",
            null);
    assertEquals(403, plain.statusCode());
    assertTrue(plain.body(), plain.body().contains("HTTPS"));

    // A session holds 8 event streams at most: a ninth replaces its oldest, which ends.
    String watcher = signIn(base, "alice", "secret");
    String watched = alice.create();
    List<InputStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 9; i++) {
        HttpResponse<InputStream> stream =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "events?c=" + watched))
                    .header("Cookie", watcher)
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        streams.add(stream.body());
      }
      InputStream oldest = streams.get(0);
      String ended =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return new String(oldest.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                      return "broken: " + e;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      assertTrue(ended, ended.contains("event: hello"));
    } finally {
      for (InputStream stream : streams) {
        stream.close();
      }
    }

    // An oversized form is no sign-in, and checks no password.
    HttpResponse<String> oversized =
        post(base + "login", null, "user=bob&password=bobpw&pad=" + "x".repeat(9000));
    assertEquals(401, oversized.statusCode());
    assertFalse(oversized.headers().firstValue("Set-Cookie").isPresent());

    // Guessing: slowed per source, the right password included once it is.
    int status = 0;
    for (int guess = 0; guess < 10 && status != 429; guess++) {
      status = login(base, "carol", "guess" + guess).statusCode();
    }
    assertEquals(429, status);
    assertEquals(429, login(base, "carol", "carolpw").statusCode());
  }

  // ----- helpers -----

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1200,900",
        "--user-data-dir=" + work.resolve("chromium-profile-" + System.nanoTime()));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static void shot(WebDriver browser, Path folder, String name) throws Exception {
    File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), folder.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String signIn(String base, String user, String password) throws Exception {
    HttpResponse<String> answer = login(base, user, password);
    assertEquals(answer.body(), 200, answer.statusCode());
    String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie, cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    return cookie.substring(0, cookie.indexOf(';'));
  }

  private static HttpResponse<String> login(String base, String user, String password)
      throws Exception {
    return post(base + "login", null, "user=" + user + "&password=" + password);
  }

  private static HttpResponse<String> post(String url, String cookie, String form)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("X-Xconf-Console", "1")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
