package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "xconf", name = "dial", description = "Has the conference call someone in")
public class DialCommand extends ConferenceAction {

  @Argument(index = 0, name = "conference", description = "The XCON-URI or its id", required = true)
  String conference;

  @Argument(index = 1, name = "target", description = "A SIP URI", required = true)
  String target;

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.dial(conference, target);
  }
}
