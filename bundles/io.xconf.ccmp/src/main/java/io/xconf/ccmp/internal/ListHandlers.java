package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpBlueprintsRequestMessageType;
import io.xconf.schema.ccmp.CcmpBlueprintsResponseMessageType;
import io.xconf.schema.ccmp.CcmpConfsRequestMessageType;
import io.xconf.schema.ccmp.CcmpConfsResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.conferenceinfo.UriType;
import io.xconf.schema.conferenceinfo.UrisType;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** blueprintsRequest and confsRequest (RFC 6503 sections 5.3.1, 5.3.3): lists of XCON-URIs. */
final class ListHandlers {

  private ListHandlers() {}

  /**
   * One {@code <entry>} per object: its XCON-URI, title and, for blueprints, what it is for. Null
   * for none: an empty uris-type is invalid, and the list element may be left out.
   */
  static UrisType uris(List<ConferenceObject> objects) {
    if (objects.isEmpty()) {
      return null;
    }
    UrisType uris = new UrisType();
    for (ConferenceObject object : objects) {
      UriType entry = new UriType();
      entry.setUri(object.uri());
      entry.setDisplayText(
          ModelBridge.descriptionText(object.document(), ModelBridge.DISPLAY_TEXT));
      entry.setPurpose(ModelBridge.descriptionText(object.document(), ModelBridge.FREE_TEXT));
      uris.getEntry().add(entry);
    }
    return uris;
  }

  /** blueprintsRequest: the blueprints of this server. */
  @Component(service = CcmpMessageHandler.class)
  public static final class Blueprints
      extends ModelMessageHandler<
          CcmpBlueprintsRequestMessageType, CcmpBlueprintsResponseMessageType> {

    @Activate
    public Blueprints(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpBlueprintsRequestMessageType.class,
          CcmpBlueprintsResponseMessageType.class);
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.BLUEPRINTS_REQUEST;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.RETRIEVE);
    }

    @Override
    boolean operationRequired() {
      return false;
    }

    @Override
    CcmpBlueprintsResponseMessageType answer(
        CcmpBlueprintsRequestMessageType request,
        CcmpBlueprintsResponseMessageType response,
        Account sender) {
      response.getBlueprintsResponse().setBlueprintsInfo(uris(model.blueprints()));
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }

  /** confsRequest: the conferences of this server. */
  @Component(service = CcmpMessageHandler.class)
  public static final class Confs
      extends ModelMessageHandler<CcmpConfsRequestMessageType, CcmpConfsResponseMessageType> {

    @Activate
    public Confs(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpConfsRequestMessageType.class,
          CcmpConfsResponseMessageType.class);
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.CONFS_REQUEST;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.RETRIEVE);
    }

    @Override
    boolean operationRequired() {
      return false;
    }

    @Override
    CcmpConfsResponseMessageType answer(
        CcmpConfsRequestMessageType request,
        CcmpConfsResponseMessageType response,
        Account sender) {
      // Only the conferences the sender may see.
      response
          .getConfsResponse()
          .setConfsInfo(
              uris(
                  model.conferences().stream()
                      .filter(c -> ConferenceAccess.sees(c, sender))
                      .toList()));
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }
}
