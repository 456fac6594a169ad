package io.xconf.cli.internal.shell;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.ccmp.CcmpProcessor;
import io.xconf.cli.CcmpTransport;
import io.xconf.cli.ConferenceCommands;
import io.xconf.server.ServerIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;

/**
 * The xconf:* shell commands: the conference commands of {@code bin/xconf}, run in-process through
 * the same CCMP processor as /ccmp, as the account {@code --user} names. Whoever has Karaf's shell
 * is an operator of the whole server, so no password is asked; CCMP still applies that account's
 * rights.
 */
abstract class ConferenceAction implements Action {

  @Reference CcmpProcessor processor;

  @Reference AccountDirectory accounts;

  @Reference ServerIdentity identity;

  @Reference Session session;

  @Option(name = "--user", description = "The account acting (its rights apply)", required = true)
  String user;

  @Option(name = "--json", description = "JSON for scripts")
  boolean json;

  @Override
  public final Object execute() throws Exception {
    Account account =
        accounts.byName(user).orElseThrow(() -> new IllegalArgumentException("no account " + user));
    CcmpTransport inProcess =
        request -> {
          ByteArrayOutputStream response = new ByteArrayOutputStream();
          processor.process(
              new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)),
              response,
              new CcmpCaller(account, true));
          return response.toString(StandardCharsets.UTF_8);
        };
    ConferenceCommands.Result result =
        run(new ConferenceCommands(inProcess, account.userId(), identity.domain(), json));
    String output = result.output();
    session.getConsole().print(output.endsWith("\n") ? output : output + "\n");
    return null;
  }

  abstract ConferenceCommands.Result run(ConferenceCommands commands) throws IOException;
}
