package io.xconf.itests.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One sipp process (Debian package sip-tester) on 127.0.0.1, as the tests run it. */
public final class Sipp implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int sipPort;

  private Sipp(Process process, Path log, int sipPort) {
    this.process = process;
    this.log = log;
    this.sipPort = sipPort;
  }

  /** sipp's From and Contact: sip:sipp@127.0.0.1:<this port>. */
  public String address() {
    return "sip:sipp@127.0.0.1:" + sipPort;
  }

  /** Fails the test with a clear message when a Debian package's command is missing. */
  public static void requireCommand(String command, String debianPackage) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return;
      }
    }
    throw new AssertionError(
        command + " is missing: apt-get install " + debianPackage + " (.ci/run installs it)");
  }

  /**
   * Starts {@code sipp -sn scenario} calling {@code user} at the focus.
   *
   * @param workDir where sipp runs (uac_pcap reads pcap/ relative to it) and writes its log
   */
  public static Sipp call(
      Path workDir, String scenario, int focusPort, String user, int mediaPort, String... extra)
      throws IOException {
    requireCommand("sipp", "sip-tester");
    Files.createDirectories(workDir);
    int sipPort = FreePorts.next();
    List<String> command = new ArrayList<>();
    command.add("sipp");
    if (scenario != null) {
      command.addAll(List.of("-sn", scenario));
    }
    command.addAll(
        List.of(
            "127.0.0.1:" + focusPort,
            "-s",
            user,
            "-i",
            "127.0.0.1",
            "-p",
            String.valueOf(sipPort),
            "-mp",
            String.valueOf(mediaPort),
            "-m",
            "1",
            "-timeout",
            "60s",
            "-nostdin"));
    command.addAll(List.of(extra));
    Path log = workDir.resolve((scenario == null ? "custom" : scenario) + "-" + mediaPort + ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Sipp(process, log, sipPort);
  }

  /**
   * Starts sipp's built-in UAS on {@code port}: it answers one INVITE with 200 and waits for BYE.
   */
  public static Sipp answer(Path workDir, int port, int mediaPort) throws IOException {
    return answer(workDir, port, mediaPort, 1);
  }

  /** As {@link #answer(Path, int, int)}, for {@code calls} calls one after the other. */
  public static Sipp answer(Path workDir, int port, int mediaPort, int calls) throws IOException {
    return answer(workDir, port, mediaPort, calls, new String[0]);
  }

  /** As {@link #answer(Path, int, int, int)}, with more of sipp's options. */
  public static Sipp answer(Path workDir, int port, int mediaPort, int calls, String... extra)
      throws IOException {
    requireCommand("sipp", "sip-tester");
    Files.createDirectories(workDir);
    Path log = workDir.resolve("uas-" + port + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                "sipp",
                "-sn",
                "uas",
                "-i",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-mp",
                String.valueOf(mediaPort),
                "-m",
                String.valueOf(calls),
                "-timeout",
                "60s",
                "-nostdin"));
    command.addAll(List.of(extra));
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Sipp(process, log, port);
  }

  /**
   * Starts sipp as a server on {@code port} running {@code scenario} once, logging (-trace_logs) to
   * {@code <workDir>/<scenario name>-<port>-logs.log}, which {@link #log()} then shows.
   */
  public static Sipp serve(Path workDir, int port, Path scenario, String... extra)
      throws IOException {
    requireCommand("sipp", "sip-tester");
    Files.createDirectories(workDir);
    String name = scenario.getFileName().toString().replace(".xml", "");
    Path log = workDir.resolve(name + "-" + port + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                "sipp",
                "-sf",
                scenario.toString(),
                "-i",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-m",
                "1",
                "-timeout",
                "60s",
                "-nostdin",
                "-trace_logs",
                "-log_file",
                workDir.resolve(name + "-" + port + "-logs.log").toString()));
    command.addAll(List.of(extra));
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Sipp(process, log, port);
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Waits for sipp to end; its exit code (0: every call succeeded). */
  public int await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sipp still running after " + seconds + " s");
    }
    return process.exitValue();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
