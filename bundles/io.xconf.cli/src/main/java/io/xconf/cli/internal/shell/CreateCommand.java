package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import io.xconf.cli.Main;
import java.io.IOException;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "xconf", name = "create", description = "Creates a conference")
public class CreateCommand extends ConferenceAction {

  @Option(name = "--blueprint", description = "The blueprint cloned (its name or XCON-URI)")
  String blueprint;

  @Option(name = "--title", description = "Its display-text")
  String title;

  @Option(name = "--start", description = "When it starts (2026-12-08T09:00:00Z)")
  String start;

  @Option(name = "--end", description = "When it ends")
  String end;

  @Option(name = "--invite", description = "A SIP URI called when it starts", multiValued = true)
  List<String> invitees;

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.create(
        new ConferenceCommands.Creation(
            blueprint, title, Main.time(start), Main.time(end), invitees));
  }
}
