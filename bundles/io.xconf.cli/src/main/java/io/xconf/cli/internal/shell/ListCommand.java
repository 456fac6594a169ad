package io.xconf.cli.internal.shell;

import io.xconf.cli.ConferenceCommands;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(
    scope = "xconf",
    name = "list",
    description = "The conferences the account manages (administrators: all)")
public class ListCommand extends ConferenceAction {

  @Override
  ConferenceCommands.Result run(ConferenceCommands commands) throws IOException {
    return commands.list();
  }
}
