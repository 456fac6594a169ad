package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
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

  /**
   * The objects whose documents, as the sender may see them, the filter selects (all without a
   * filter): what is hidden from a caller cannot be probed with a filter either.
   */
  static List<ConferenceObject> selected(
      List<ConferenceObject> objects, XpathFilter filter, Account sender) throws ModelException {
    if (filter == null) {
      return objects;
    }
    List<ConferenceObject> selected = new java.util.ArrayList<>();
    for (ConferenceObject object : objects) {
      if (filter.selects(ConferenceAccess.visible(object, sender))) {
        selected.add(object);
      }
    }
    return selected;
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
        Account sender)
        throws ModelException {
      XpathFilter filter =
          XpathFilter.of(
              request.getBlueprintsRequest() == null
                  ? null
                  : request.getBlueprintsRequest().getXpathFilter());
      response
          .getBlueprintsResponse()
          .setBlueprintsInfo(uris(selected(model.blueprints(), filter, sender)));
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
        CcmpConfsRequestMessageType request, CcmpConfsResponseMessageType response, Account sender)
        throws ModelException {
      // Only the conferences the sender may see, and of those what the filter selects.
      XpathFilter filter =
          XpathFilter.of(
              request.getConfsRequest() == null
                  ? null
                  : request.getConfsRequest().getXpathFilter());
      List<ConferenceObject> visible =
          model.conferences().stream().filter(c -> ConferenceAccess.sees(c, sender)).toList();
      response.getConfsResponse().setConfsInfo(uris(selected(visible, filter, sender)));
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }
}
