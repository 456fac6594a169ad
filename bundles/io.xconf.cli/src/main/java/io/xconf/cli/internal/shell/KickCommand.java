package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(
    scope = "xconf",
    name = "kick",
    description = "Removes a user from a conference, hanging up its calls")
public class KickCommand extends ConferenceAction {

  @Argument(index = 0, name = "conference", description = "The XCON-URI or its id", required = true)
  String conference;

  @Argument(
      index = 1,
      name = "who",
      description = "The user or one of its endpoints",
      required = true)
  String who;

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.kick(conference, who);
  }
}
