package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.CreateRequest;
import io.xconf.model.ModelException;
import io.xconf.model.Namespaces;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.CcmpSidebarByRefRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarByRefResponseMessageType;
import io.xconf.schema.ccmp.CcmpSidebarByValRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarByValResponseMessageType;
import io.xconf.schema.ccmp.CcmpSidebarsByRefRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarsByRefResponseMessageType;
import io.xconf.schema.ccmp.CcmpSidebarsByValRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarsByValResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.conferenceinfo.ConferenceType;
import io.xconf.schema.conferenceinfo.SidebarsByValType;
import io.xconf.schema.conferenceinfo.UrisType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.xml.namespace.QName;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The sidebar messages (RFC 6503 sections 5.3.7-5.3.10). A sidebar is a conference object of its
 * own, cloned from the main conference; the main conference lists it by value or by reference, and
 * each sidebar created or deleted is a new version of the main conference.
 */
final class SidebarHandlers {

  private static final QName ALLOW_SIDEBARS = new QName(Namespaces.XCON, "allow-sidebars");

  private SidebarHandlers() {}

  /** sidebarsByValRequest and sidebarsByRefRequest: the main conference's list, retrieve only. */
  abstract static class SidebarList<
          Q extends CcmpRequestMessageType, R extends CcmpResponseMessageType, I>
      extends ModelMessageHandler<Q, R> {
    private final QName list;
    private final Class<I> infoType;
    private final BiConsumer<R, I> setInfo;

    SidebarList(
        ConferenceService model,
        XconCodec codec,
        AccountDirectory accounts,
        Class<Q> requestType,
        Class<R> responseType,
        QName list,
        Class<I> infoType,
        BiConsumer<R, I> setInfo) {
      super(model, codec, accounts, requestType, responseType);
      this.list = list;
      this.infoType = infoType;
      this.setInfo = setInfo;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.RETRIEVE);
    }

    @Override
    boolean operationRequired() {
      return false;
    }

    /** The request's xpathFilter, or null. */
    abstract String xpathFilter(Q request);

    @Override
    R answer(Q request, R response, Account sender) throws ModelException {
      ConferenceObject conference =
          ConferenceHandlers.existing(model, request.getConfObjID(), ObjectKind.CONFERENCE);
      CcmpResponseCode refused = ConferenceHandlers.readRefusal(conference, sender);
      if (refused != null) {
        return ModelBridge.answer(response, refused, null);
      }
      // An empty list is left out: uris-type needs at least one entry.
      XpathFilter filter = XpathFilter.of(xpathFilter(request));
      XmlElement found = ConferenceAccess.visible(conference, sender).child(list).orElse(null);
      if (found != null && filter != null) {
        List<XmlElement> kept = new ArrayList<>();
        for (XmlElement entry : found.children()) {
          String uri =
              entry.attribute("entity") != null
                  ? entry.attribute("entity")
                  : entry
                      .child(new QName(Namespaces.CONFERENCE_INFO, "uri"))
                      .map(XmlElement::text)
                      .orElse("");
          Optional<ConferenceObject> sidebar = model.get(uri.trim());
          if (sidebar.isPresent()
              && filter.selects(ConferenceAccess.visible(sidebar.get(), sender))) {
            kept.add(entry);
          }
        }
        found = kept.isEmpty() ? null : found.withChildren(kept);
      }
      if (found != null) {
        setInfo.accept(response, bridge.binding(found, infoType));
      }
      ModelBridge.version(response, conference.version());
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }

  /** sidebarByValRequest and sidebarByRefRequest: one sidebar, all four operations. */
  abstract static class Sidebar<Q extends CcmpRequestMessageType, R extends CcmpResponseMessageType>
      extends ModelMessageHandler<Q, R> {
    private final ObjectKind kind;
    private final Function<Q, ConferenceType> info;
    private final BiConsumer<R, ConferenceType> setInfo;

    Sidebar(
        ConferenceService model,
        XconCodec codec,
        AccountDirectory accounts,
        Class<Q> requestType,
        Class<R> responseType,
        ObjectKind kind,
        Function<Q, ConferenceType> info,
        BiConsumer<R, ConferenceType> setInfo) {
      super(model, codec, accounts, requestType, responseType);
      this.kind = kind;
      this.info = info;
      this.setInfo = setInfo;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(
          OperationType.CREATE, OperationType.RETRIEVE, OperationType.UPDATE, OperationType.DELETE);
    }

    @Override
    R answer(Q request, R response, Account sender) throws ModelException {
      ConferenceType document = info.apply(request);
      String confObjId = isBlank(request.getConfObjID()) ? null : request.getConfObjID().trim();
      switch (request.getOperation()) {
        case CREATE -> {
          ConferenceObject main =
              ConferenceHandlers.existing(model, confObjId, ObjectKind.CONFERENCE);
          if (!ConferenceAccess.manages(main, sender)
              && !(ConferenceAccess.sees(main, sender) && allowsSidebars(main))) {
            return ModelBridge.answer(
                response,
                CcmpResponseCode.UNAUTHORIZED,
                "sidebars of " + confObjId + " are made by its managers");
          }
          XmlElement tree =
              document == null
                  ? null
                  : bridge.tree(ModelBridge.CONFERENCE_INFO, ConferenceType.class, document, false);
          return withDocument(
              response,
              model.create(new CreateRequest(kind, main.uri(), tree, sender.userId())),
              sender);
        }
        case RETRIEVE -> {
          ConferenceObject sidebar = ConferenceHandlers.existing(model, confObjId, kind);
          CcmpResponseCode refused = ConferenceHandlers.readRefusal(sidebar, sender);
          return refused != null
              ? ModelBridge.answer(response, refused, null)
              : withDocument(response, sidebar, sender);
        }
        case UPDATE -> {
          if (document == null) {
            return ModelBridge.answer(
                response, CcmpResponseCode.BAD_REQUEST, "update needs the sidebar's document");
          }
          if (!ConferenceAccess.manages(
              ConferenceHandlers.existing(model, confObjId, kind), sender)) {
            return ModelBridge.answer(
                response, CcmpResponseCode.UNAUTHORIZED, "only who manages the sidebar changes it");
          }
          XmlElement update =
              bridge.tree(ModelBridge.CONFERENCE_INFO, ConferenceType.class, document, true);
          return withDocument(response, model.update(confObjId, update, sender.userId()), sender);
        }
        case DELETE -> {
          if (!ConferenceAccess.manages(
              ConferenceHandlers.existing(model, confObjId, kind), sender)) {
            return ModelBridge.answer(
                response, CcmpResponseCode.UNAUTHORIZED, "only who manages the sidebar deletes it");
          }
          model.delete(confObjId, sender.userId());
          response.setConfObjID(confObjId);
          return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
        }
        default -> throw new IllegalStateException("operation checked before");
      }
    }

    private static boolean allowsSidebars(ConferenceObject main) {
      return main.document()
          .child(ModelBridge.DESCRIPTION)
          .flatMap(d -> d.child(ALLOW_SIDEBARS))
          .map(a -> "true".equals(a.text() == null ? "" : a.text().trim()))
          .orElse(false);
    }

    private R withDocument(R response, ConferenceObject sidebar, Account sender) {
      response.setConfObjID(sidebar.uri());
      setInfo.accept(response, bridge.conferenceBinding(ConferenceAccess.visible(sidebar, sender)));
      ModelBridge.version(response, sidebar.version());
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }

  /** sidebarsByValRequest (section 5.3.7). */
  @Component(service = CcmpMessageHandler.class)
  public static final class SidebarsByVal
      extends SidebarList<
          CcmpSidebarsByValRequestMessageType,
          CcmpSidebarsByValResponseMessageType,
          SidebarsByValType> {
    @Activate
    public SidebarsByVal(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpSidebarsByValRequestMessageType.class,
          CcmpSidebarsByValResponseMessageType.class,
          new QName(Namespaces.CONFERENCE_INFO, "sidebars-by-val"),
          SidebarsByValType.class,
          (response, info) -> response.getSidebarsByValResponse().setSidebarsByValInfo(info));
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.SIDEBARS_BY_VAL_REQUEST;
    }

    @Override
    String xpathFilter(CcmpSidebarsByValRequestMessageType request) {
      return request.getSidebarsByValRequest() == null
          ? null
          : request.getSidebarsByValRequest().getXpathFilter();
    }
  }

  /** sidebarsByRefRequest (section 5.3.9). */
  @Component(service = CcmpMessageHandler.class)
  public static final class SidebarsByRef
      extends SidebarList<
          CcmpSidebarsByRefRequestMessageType, CcmpSidebarsByRefResponseMessageType, UrisType> {
    @Activate
    public SidebarsByRef(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpSidebarsByRefRequestMessageType.class,
          CcmpSidebarsByRefResponseMessageType.class,
          new QName(Namespaces.CONFERENCE_INFO, "sidebars-by-ref"),
          UrisType.class,
          (response, info) -> response.getSidebarsByRefResponse().setSidebarsByRefInfo(info));
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.SIDEBARS_BY_REF_REQUEST;
    }

    @Override
    String xpathFilter(CcmpSidebarsByRefRequestMessageType request) {
      return request.getSidebarsByRefRequest() == null
          ? null
          : request.getSidebarsByRefRequest().getXpathFilter();
    }
  }

  /** sidebarByValRequest (section 5.3.8). */
  @Component(service = CcmpMessageHandler.class)
  public static final class SidebarByVal
      extends Sidebar<CcmpSidebarByValRequestMessageType, CcmpSidebarByValResponseMessageType> {
    @Activate
    public SidebarByVal(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpSidebarByValRequestMessageType.class,
          CcmpSidebarByValResponseMessageType.class,
          ObjectKind.SIDEBAR_BY_VAL,
          request ->
              request.getSidebarByValRequest() == null
                  ? null
                  : request.getSidebarByValRequest().getSidebarByValInfo(),
          (response, info) -> response.getSidebarByValResponse().setSidebarByValInfo(info));
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.SIDEBAR_BY_VAL_REQUEST;
    }
  }

  /** sidebarByRefRequest (section 5.3.10). */
  @Component(service = CcmpMessageHandler.class)
  public static final class SidebarByRef
      extends Sidebar<CcmpSidebarByRefRequestMessageType, CcmpSidebarByRefResponseMessageType> {
    @Activate
    public SidebarByRef(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpSidebarByRefRequestMessageType.class,
          CcmpSidebarByRefResponseMessageType.class,
          ObjectKind.SIDEBAR_BY_REF,
          request ->
              request.getSidebarByRefRequest() == null
                  ? null
                  : request.getSidebarByRefRequest().getSidebarByRefInfo(),
          (response, info) -> response.getSidebarByRefResponse().setSidebarByRefInfo(info));
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.SIDEBAR_BY_REF_REQUEST;
    }
  }
}
