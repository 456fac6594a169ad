package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "xconf", name = "admit", description = "Lets a caller waiting for a moderator in")
public class AdmitCommand extends ConferenceAction {

  @Argument(index = 0, name = "conference", description = "The XCON-URI or its id", required = true)
  String conference;

  @Argument(
      index = 1,
      name = "who",
      description = "The waiting endpoint or its user",
      required = true)
  String who;

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.admit(conference, who, true);
  }
}
