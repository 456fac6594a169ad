package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(
    scope = "xconf",
    name = "roster",
    description = "Users of a conference, their endpoints and calls")
public class RosterCommand extends ConferenceAction {

  @Argument(index = 0, name = "conference", description = "The XCON-URI or its id", required = true)
  String conference;

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.roster(conference);
  }
}
