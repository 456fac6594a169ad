package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "xconf", name = "mute", description = "Mutes what an endpoint sends into the mix")
public class MuteCommand extends ConferenceAction {

  @Argument(index = 0, name = "conference", description = "The XCON-URI or its id", required = true)
  String conference;

  @Argument(
      index = 1,
      name = "endpoint",
      description = "The endpoint (or its user)",
      required = true)
  String endpoint;

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.mute(conference, endpoint, true);
  }
}
