package io.xconf.ccmp.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.model.ConferenceService;
import io.xconf.schema.XconCodec;
import java.util.List;

/** The ten standard message handlers over one model, as DS wires them: for tests and fuzzing. */
final class StandardHandlers {

  private StandardHandlers() {}

  static List<CcmpMessageHandler> of(
      ConferenceService model, XconCodec codec, AccountDirectory accounts) {
    return List.of(
        new ListHandlers.Blueprints(model, codec, accounts),
        new ListHandlers.Confs(model, codec, accounts),
        new ConferenceHandlers.Blueprint(model, codec, accounts),
        new ConferenceHandlers.Conf(model, codec, accounts),
        new UserHandlers.Users(model, codec, accounts),
        new UserHandlers.User(model, codec, accounts),
        new SidebarHandlers.SidebarsByVal(model, codec, accounts),
        new SidebarHandlers.SidebarsByRef(model, codec, accounts),
        new SidebarHandlers.SidebarByVal(model, codec, accounts),
        new SidebarHandlers.SidebarByRef(model, codec, accounts));
  }
}
