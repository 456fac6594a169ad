package io.xconf.itests.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code xconf user} command in its own JVM, as bin/xconf does. */
public final class UserCommandRunner {

  /** Exit code and output of one run. */
  public record Result(int exitCode, String output) {}

  private UserCommandRunner() {}

  public static Result run(Path etc, Path data, String... args)
      throws IOException, InterruptedException {
    String classpath =
        System.getProperty("xconf.accounts.jar")
            + File.pathSeparator
            + System.getProperty("xconf.felixUtils.jar");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", classpath, "io.xconf.accounts.internal.UserCommand"));
    command.addAll(List.of("--etc", etc.toString(), "--data", data.toString(), "user"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("xconf user did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
