package io.xconf.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The packed distribution as an operator runs it: unpacked with {@code tar}, started with {@code
 * bin/xconf} and its environment settings, stopped with SIGTERM.
 */
public final class XconfServer implements AutoCloseable {

  private static Path unpacked;

  private final Path home;
  private final Map<String, String> environment;
  private final Path stdout;
  private Process process;

  private XconfServer(Path home, Map<String, String> environment, Path stdout) {
    this.home = home;
    this.environment = environment;
    this.stdout = stdout;
  }

  /** The distribution's .tar.gz, unpacked once per test JVM; its folder is {@code xconf/}. */
  public static synchronized Path home() throws IOException, InterruptedException {
    if (unpacked == null) {
      Path archive = Path.of(System.getProperty("xconf.distribution.archive"));
      Path target = Files.createDirectories(Path.of(System.getProperty("xconf.work"), "dist"));
      Process tar =
          new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", target.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() != 0) {
        throw new IOException("cannot unpack " + archive + ": " + output);
      }
      unpacked = target.resolve("xconf");
    }
    return unpacked;
  }

  /** Settings for one instance: free ports, its own data folder, the given domain. */
  public static XconfServer configure(Path data, String domain)
      throws IOException, InterruptedException {
    Map<String, String> environment = new TreeMap<>();
    environment.put("XCONF_HTTP_PORT", String.valueOf(FreePorts.next()));
    environment.put("XCONF_HTTPS_PORT", String.valueOf(FreePorts.next()));
    environment.put("XCONF_SIP_PORT", String.valueOf(FreePorts.next()));
    environment.put("XCONF_DOMAIN", domain);
    environment.put("XCONF_DATA", data.toString());
    deleteRecursively(data);
    Files.createDirectories(data);
    return new XconfServer(
        home(), environment, data.resolveSibling(data.getFileName() + "-stdout.log"));
  }

  /** A fresh data folder for every run: what an earlier run left must not leak into this one. */
  static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (var paths = Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /**
   * Sets an environment variable of bin/xconf (e.g. XCONF_CCMP_MAX_CONCURRENT) for later starts.
   */
  public XconfServer withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** A node of a cluster: its name, and the PostgreSQL database the nodes share. */
  public XconfServer asClusterNode(String node, String storeUrl, String user, String password) {
    return withEnvironment("XCONF_NODE", node)
        .withEnvironment("XCONF_STORE_URL", storeUrl)
        .withEnvironment("XCONF_STORE_USER", user)
        .withEnvironment("XCONF_STORE_PASSWORD", password);
  }

  public Path data() {
    return Path.of(environment.get("XCONF_DATA"));
  }

  /** The settings bin/xconf runs with, for tools started beside it (bin/xconf-kamailio). */
  public Map<String, String> environment() {
    return Map.copyOf(environment);
  }

  public int httpPort() {
    return Integer.parseInt(environment.get("XCONF_HTTP_PORT"));
  }

  public int sipPort() {
    return Integer.parseInt(environment.get("XCONF_SIP_PORT"));
  }

  public int httpsPort() {
    return Integer.parseInt(environment.get("XCONF_HTTPS_PORT"));
  }

  /** What {@code user} does with conferences over CCMP (HTTP Digest), on this server's domain. */
  public Conferences conferencesOf(String user, String password) {
    String domain = environment.get("XCONF_DOMAIN");
    return new Conferences(
        ccmp().withDigest(user, password), "xcon-userid:" + user + "@" + domain, domain);
  }

  public CcmpHttp ccmp() {
    return new CcmpHttp(httpPort());
  }

  /**
   * An HTTP client that trusts exactly the certificate bin/xconf made at its first start, as an
   * operator would pin it.
   */
  public java.net.http.HttpClient httpsClient()
      throws java.security.GeneralSecurityException, IOException {
    Path keystore = data().resolve("xconf/https.p12");
    char[] password = Files.readString(data().resolve("xconf/https.password")).trim().toCharArray();
    java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      trusted.load(in, password);
    }
    javax.net.ssl.TrustManagerFactory trust =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return java.net.http.HttpClient.newBuilder().sslContext(tls).build();
  }

  /** A CCMP client of the HTTPS endpoint that trusts the server's certificate. */
  public CcmpHttp ccmpOverTls() throws java.security.GeneralSecurityException, IOException {
    return CcmpHttp.overTls(httpsClient(), httpsEndpoint());
  }

  /** The CCMP endpoint over HTTPS, by the name the certificate is made for. */
  public java.net.URI httpsEndpoint() {
    return java.net.URI.create("https://localhost:" + httpsPort() + "/ccmp");
  }

  /**
   * Runs {@code bin/xconf} in the background and waits until everything is up: /health answers 200
   * (CCMP, the SIP focus and the store), so that no test meets a part still starting.
   */
  public XconfServer start() throws IOException {
    launch();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI health = java.net.URI.create("http://127.0.0.1:" + httpPort() + "/health");
    Await.until(
        "bin/xconf to be up (/health 200 on port " + httpPort() + ")",
        Duration.ofSeconds(90),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError(
                "bin/xconf exited with " + process.exitValue() + ":\n" + output());
          }
          try {
            return http.send(
                    java.net.http.HttpRequest.newBuilder(health).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
          } catch (IOException e) {
            return 0;
          }
        },
        status -> status == 200);
    return this;
  }

  /** Runs {@code bin/xconf} and waits only until /ccmp answers (for a server with a part down). */
  public XconfServer startCcmp() throws IOException {
    launch();
    CcmpHttp ccmp = ccmp();
    Await.until(
        "bin/xconf to serve /ccmp on port " + httpPort(),
        Duration.ofSeconds(90),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError(
                "bin/xconf exited with " + process.exitValue() + ":\n" + output());
          }
          return ccmp.get().statusCode();
        },
        status -> status == 405);
    return this;
  }

  private void launch() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/xconf").toString());
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true).redirectOutput(stdout.toFile());
    process = builder.start();
  }

  /** Sends SIGTERM and waits for the process to end; returns how long that took. */
  public Duration stop() throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/xconf ignored SIGTERM for 60 s");
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** SIGKILL: the process gets no chance to clean up, as in a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("bin/xconf survived SIGKILL");
    }
  }

  /** Copies a bundle into deploy/ before or while the server runs. */
  public void deploy(Path bundle, String name) throws IOException {
    Files.copy(
        bundle,
        home.resolve("deploy").resolve(name),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Drops the shipped confSummaryRequest extension (RFC 6503 section 6.9) into deploy/ as {@code
   * name} and waits until an optionsResponse, as {@code options} fetches it, lists it; closing
   * takes it out again.
   */
  public AutoCloseable deployConfSummary(String name, java.util.concurrent.Callable<String> options)
      throws Exception {
    Path deployed = home.resolve("deploy").resolve(name);
    deploy(home.resolve("extensions/io.xconf.ccmp.extension.confsummary.jar"), name);
    try {
      Await.until(
          "confSummaryRequest in optionsResponse",
          Duration.ofSeconds(30),
          options,
          body -> body.contains("<name>confSummaryRequest</name>"));
    } catch (Exception | AssertionError e) {
      Files.deleteIfExists(deployed);
      throw e;
    }
    return () -> Files.deleteIfExists(deployed);
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** What the server printed to stdout and stderr. */
  public String output() {
    try {
      return Files.exists(stdout) ? Files.readString(stdout, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code bin/xconf user ARGS} with this instance's settings. */
  public UserCommandRunner.Result user(String... args) throws IOException, InterruptedException {
    return userWithInput("", args);
  }

  /** Runs {@code bin/xconf user ARGS} with {@code input} as its standard input (no terminal). */
  public UserCommandRunner.Result userWithInput(String input, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/xconf").toString(), "user"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process user = builder.start();
    try (var stdin = user.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(user.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!user.waitFor(60, TimeUnit.SECONDS)) {
      user.destroyForcibly();
      throw new AssertionError("bin/xconf user did not finish: " + output);
    }
    return new UserCommandRunner.Result(user.exitValue(), output);
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
