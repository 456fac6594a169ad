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
import io.xconf.model.ModelFailure;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpBlueprintRequestMessageType;
import io.xconf.schema.ccmp.CcmpBlueprintResponseMessageType;
import io.xconf.schema.ccmp.CcmpConfRequestMessageType;
import io.xconf.schema.ccmp.CcmpConfResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.conferenceinfo.ConferenceType;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** blueprintRequest and confRequest (RFC 6503 sections 5.3.2, 5.3.4). */
final class ConferenceHandlers {

  private ConferenceHandlers() {}

  /** The object {@code uri} if it is of {@code kind}: others are "not found" for this message. */
  static ConferenceObject existing(ConferenceService model, String uri, ObjectKind kind)
      throws ModelException {
    Optional<ConferenceObject> found =
        ModelMessageHandler.isBlank(uri) ? Optional.empty() : model.get(uri.trim());
    if (found.isEmpty() || found.get().kind() != kind) {
      throw new ModelException(
          ModelFailure.NOT_FOUND,
          "no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + uri);
    }
    return found.get();
  }

  /**
   * The conference or sidebar {@code uri}: users and their settings live in both (RFC 6504 section
   * 7 changes a sidebar's users with userRequest).
   */
  static ConferenceObject existingWithUsers(ConferenceService model, String uri)
      throws ModelException {
    Optional<ConferenceObject> found =
        ModelMessageHandler.isBlank(uri) ? Optional.empty() : model.get(uri.trim());
    if (found.isEmpty()
        || !(found.get().kind() == ObjectKind.CONFERENCE || found.get().kind().isSidebar())) {
      throw new ModelException(ModelFailure.NOT_FOUND, "no conference or sidebar " + uri);
    }
    return found.get();
  }

  /**
   * The creation document with its creator among the users, role {@code organizer}, reachable at
   * its SIP address: clients (Linphone) find the organizer so, and match users by the address.
   */
  static XmlElement withOrganizer(XmlElement document, Account organizer) {
    XmlElement base = document == null ? XmlElement.of(ModelBridge.CONFERENCE_INFO) : document;
    XmlElement users = base.child(ModelBridge.USERS).orElse(XmlElement.of(ModelBridge.USERS));
    if (ConferenceAccess.user(base, organizer.userId()) != null) {
      return base;
    }
    String address =
        organizer.uris().stream()
            .filter(uri -> uri.startsWith("sip:") || uri.startsWith("sips:"))
            .findFirst()
            .orElse("sip:" + organizer.userId().substring("xcon-userid:".length()));
    XmlElement user =
        XmlElement.of(ModelBridge.USER)
            .withAttribute("entity", organizer.userId())
            .withChildren(
                List.of(
                    XmlElement.of(info("associated-aors"))
                        .withChildren(
                            List.of(
                                XmlElement.of(info("entry"))
                                    .withChildren(List.of(XmlElement.leaf(info("uri"), address))))),
                    XmlElement.of(ConferenceAccess.ROLES)
                        .withChildren(List.of(XmlElement.leaf(info("entry"), "organizer")))));
    List<XmlElement> userList = new java.util.ArrayList<>(List.of(user));
    userList.addAll(users.children());
    return base.withChild(users.withChildren(userList));
  }

  /**
   * An update that replaces the user list ({@code state="full"}, as Linphone sends its whole
   * document) keeps the organizers it leaves out: the list a client holds is its invitees, and
   * dropping the organizer would take the conference from its owner.
   */
  static XmlElement keepingOrganizers(XmlElement update, ConferenceObject current) {
    XmlElement users = update.child(ModelBridge.USERS).orElse(null);
    if (users == null || !"full".equals(users.attribute("state"))) {
      return update;
    }
    List<XmlElement> kept = new java.util.ArrayList<>();
    for (XmlElement user :
        current
            .document()
            .child(ModelBridge.USERS)
            .map(u -> u.children(ModelBridge.USER))
            .orElse(List.of())) {
      boolean organizer =
          user.child(ConferenceAccess.ROLES)
              .map(
                  roles ->
                      roles.children(info("entry")).stream()
                          .anyMatch(r -> "organizer".equals(r.text())))
              .orElse(false);
      String entity = user.attribute("entity");
      if (organizer && entity != null && ConferenceAccess.user(update, entity) == null) {
        kept.add(user);
      }
    }
    if (kept.isEmpty()) {
      return update;
    }
    kept.addAll(users.children());
    return update.withChild(users.withChildren(kept));
  }

  private static javax.xml.namespace.QName info(String localName) {
    return new javax.xml.namespace.QName(io.xconf.model.Namespaces.CONFERENCE_INFO, localName);
  }

  /**
   * Null when {@code sender} may read the conference; else 401. (For those who see it, {@link
   * ModelMessageHandler} checked the password already.)
   */
  static CcmpResponseCode readRefusal(ConferenceObject conference, Account sender) {
    return ConferenceAccess.sees(conference, sender) ? null : CcmpResponseCode.UNAUTHORIZED;
  }

  /** blueprintRequest: retrieve only (Table 1: the rest is N/A*). */
  @Component(service = CcmpMessageHandler.class)
  public static final class Blueprint
      extends ModelMessageHandler<
          CcmpBlueprintRequestMessageType, CcmpBlueprintResponseMessageType> {

    @Activate
    public Blueprint(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpBlueprintRequestMessageType.class,
          CcmpBlueprintResponseMessageType.class);
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.BLUEPRINT_REQUEST;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.RETRIEVE);
    }

    @Override
    CcmpBlueprintResponseMessageType answer(
        CcmpBlueprintRequestMessageType request,
        CcmpBlueprintResponseMessageType response,
        Account sender)
        throws ModelException {
      ConferenceObject blueprint = existing(model, request.getConfObjID(), ObjectKind.BLUEPRINT);
      response
          .getBlueprintResponse()
          .setBlueprintInfo(bridge.conferenceBinding(blueprint.document()));
      ModelBridge.version(response, blueprint.version());
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }

  /** confRequest: create (by cloning or directly), retrieve, update, delete. */
  @Component(service = CcmpMessageHandler.class)
  public static final class Conf
      extends ModelMessageHandler<CcmpConfRequestMessageType, CcmpConfResponseMessageType> {

    @Activate
    public Conf(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpConfRequestMessageType.class,
          CcmpConfResponseMessageType.class);
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.CONF_REQUEST;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(
          OperationType.CREATE, OperationType.RETRIEVE, OperationType.UPDATE, OperationType.DELETE);
    }

    @Override
    CcmpConfResponseMessageType answer(
        CcmpConfRequestMessageType request, CcmpConfResponseMessageType response, Account sender)
        throws ModelException {
      ConferenceType confInfo =
          request.getConfRequest() == null ? null : request.getConfRequest().getConfInfo();
      String confObjId = isBlank(request.getConfObjID()) ? null : request.getConfObjID().trim();
      String actor = sender.userId();
      switch (request.getOperation()) {
        case CREATE -> {
          if (confObjId != null && confInfo != null) {
            // Section 5.3.4: cloning names the parent and carries no document.
            return ModelBridge.answer(
                response,
                CcmpResponseCode.BAD_REQUEST,
                "create either clones confObjID or describes confInfo, not both");
          }
          if (confObjId != null) {
            ConferenceObject parent = model.get(confObjId).orElse(null);
            if (parent == null || parent.kind().isSidebar()) {
              throw new ModelException(
                  ModelFailure.NOT_FOUND, "no blueprint or conference " + confObjId);
            }
            if (parent.kind() == ObjectKind.CONFERENCE
                && !ConferenceAccess.manages(parent, sender)) {
              return ModelBridge.answer(
                  response,
                  CcmpResponseCode.UNAUTHORIZED,
                  "only who manages " + confObjId + " may clone it");
            }
          }
          XmlElement document =
              confInfo == null
                  ? null
                  : bridge.tree(ModelBridge.CONFERENCE_INFO, ConferenceType.class, confInfo, false);
          document =
              TargetUsers.addedFor(document, null, model, TargetUsers.domainOf(sender.userId()));
          ConferenceObject created =
              model.create(
                  CreateRequest.conference(confObjId, withOrganizer(document, sender), actor));
          return withDocument(response, created, sender);
        }
        case RETRIEVE -> {
          ConferenceObject conference = existing(model, confObjId, ObjectKind.CONFERENCE);
          CcmpResponseCode refused = readRefusal(conference, sender);
          return refused != null
              ? ModelBridge.answer(response, refused, null)
              : withDocument(response, conference, sender);
        }
        case UPDATE -> {
          if (confInfo == null) {
            return ModelBridge.answer(
                response, CcmpResponseCode.BAD_REQUEST, "update needs confInfo");
          }
          ConferenceObject current = existing(model, confObjId, ObjectKind.CONFERENCE);
          if (!ConferenceAccess.manages(current, sender)) {
            return ModelBridge.answer(
                response,
                CcmpResponseCode.UNAUTHORIZED,
                "only its organizer, moderators and administrators change a conference");
          }
          XmlElement update =
              keepingOrganizers(
                  bridge.tree(ModelBridge.CONFERENCE_INFO, ConferenceType.class, confInfo, true),
                  current);
          update =
              TargetUsers.addedFor(update, current, model, TargetUsers.domainOf(sender.userId()));
          return withDocument(response, model.update(confObjId, update, actor), sender);
        }
        case DELETE -> {
          if (!ConferenceAccess.manages(
              existing(model, confObjId, ObjectKind.CONFERENCE), sender)) {
            return ModelBridge.answer(
                response,
                CcmpResponseCode.UNAUTHORIZED,
                "only its organizer, moderators and administrators delete a conference");
          }
          model.delete(confObjId, actor);
          response.setConfObjID(confObjId);
          return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
        }
        default -> throw new IllegalStateException("operation checked before");
      }
    }

    private CcmpConfResponseMessageType withDocument(
        CcmpConfResponseMessageType response, ConferenceObject conference, Account sender) {
      response.setConfObjID(conference.uri());
      response
          .getConfResponse()
          .setConfInfo(bridge.conferenceBinding(ConferenceAccess.visible(conference, sender)));
      ModelBridge.version(response, conference.version());
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }
}
