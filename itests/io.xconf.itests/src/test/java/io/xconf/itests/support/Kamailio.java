package io.xconf.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Kamailio (Debian's kamailio) in front of a test's Xconf, run as an operator would: the
 * distribution's {@code bin/xconf-kamailio} with the server's settings, on 127.0.0.1, its runtime
 * files in the server's data folder; stopped with SIGTERM.
 */
public final class Kamailio implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int port;

  private Kamailio(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts Kamailio on {@code port} in front of {@code server} and waits until it relays a request
   * to it.
   *
   * @param authenticate whether phones must prove their accounts (XCONF_KAMAILIO_AUTH)
   */
  public static Kamailio front(XconfServer server, int port, boolean authenticate)
      throws IOException, InterruptedException {
    Sipp.requireCommand("kamailio", "kamailio");
    Path log = server.data().resolveSibling(server.data().getFileName() + "-kamailio.log");
    ProcessBuilder builder =
        new ProcessBuilder(XconfServer.home().resolve("bin/xconf-kamailio").toString());
    builder.environment().putAll(server.environment());
    builder.environment().put("XCONF_KAMAILIO_PORT", String.valueOf(port));
    builder.environment().put("XCONF_KAMAILIO_AUTH", String.valueOf(authenticate));
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Kamailio kamailio = new Kamailio(builder.start(), log, port);
    try (SipClient probe = new SipClient(port)) {
      Await.until(
          "Kamailio on " + port + " to relay an OPTIONS to Xconf",
          Duration.ofSeconds(30),
          () -> {
            if (!kamailio.process.isAlive()) {
              throw new AssertionError("bin/xconf-kamailio exited:\n" + kamailio.log());
            }
            String callId = "probe-" + System.nanoTime();
            probe.send(
                probe
                    .request("OPTIONS", "sip:" + server.environment().get("XCONF_DOMAIN"))
                    .header("From", "<sip:probe@probe.invalid>;tag=p")
                    .header("To", "<sip:" + server.environment().get("XCONF_DOMAIN") + ">")
                    .header("Call-ID", callId)
                    .header("CSeq", "1 OPTIONS"));
            String answer = probe.finalResponse(callId, "OPTIONS", Duration.ofMillis(500));
            return answer == null ? "" : answer;
          },
          // Xconf's answer, relayed: Kamailio's own replies name it in their Server header.
          answer -> !answer.isEmpty() && !answer.contains("Xconf Kamailio"));
    } catch (RuntimeException | Error e) {
      kamailio.close();
      throw e;
    }
    return kamailio;
  }

  public int port() {
    return port;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM to bin/xconf-kamailio, which stops Kamailio; whatever outlives it is killed. */
  @Override
  public void close() {
    java.util.List<ProcessHandle> started = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      for (ProcessHandle child : started) {
        child.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // killed below
    }
    started.forEach(ProcessHandle::destroyForcibly);
  }
}
