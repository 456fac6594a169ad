package io.xconf.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class MainTest {

  @Test
  public void optionsAreReadLeftToRightAndTheirValuesAreNeverOptions() {
    Main.Arguments args =
        Main.Arguments.parse(
            new String[] {
              "create", "--title", "--json", "--invite", "sip:a@x", "--invite", "sip:b@x"
            });
    assertEquals(List.of("create"), args.words());
    assertEquals("--json", args.option("--title"));
    assertEquals(List.of("sip:a@x", "sip:b@x"), args.options().get("--invite"));
    assertEquals(false, args.json());

    Main.Arguments words = Main.Arguments.parse(new String[] {"kick", "c", "--", "-h"});
    assertEquals(List.of("kick", "c", "-h"), words.words());
    assertEquals(false, words.help());

    assertThrows(
        IllegalArgumentException.class, () -> Main.Arguments.parse(new String[] {"--user"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Main.Arguments.parse(new String[] {"list", "--bogus"}));
  }

  @Test
  public void usageErrorsExitWithTwoAndSayWhy() {
    assertEquals(2, run(Map.of(), "list").status);
    assertTrue(run(Map.of(), "list").err.contains("which account?"));
    Outcome badUrl =
        run(Map.of("XCONF_USER", "alice", "XCONF_PASSWORD", "pw"), "list", "--url", "::not a url");
    assertEquals(2, badUrl.status);
    Outcome wrongPlace =
        run(Map.of("XCONF_USER", "alice", "XCONF_PASSWORD", "pw"), "show", "c", "--title", "t");
    assertEquals(2, wrongPlace.status);
    assertTrue(wrongPlace.err, wrongPlace.err.contains("are for create"));
    assertEquals(0, run(Map.of(), "--help").status);
  }

  private record Outcome(int status, String err) {}

  private static Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            null);
    return new Outcome(status, err.toString(StandardCharsets.UTF_8));
  }
}
