package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.model.UserLists;
import io.xconf.model.XmlElement;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpUserRequestMessageType;
import io.xconf.schema.ccmp.CcmpUserResponseMessageType;
import io.xconf.schema.ccmp.CcmpUsersRequestMessageType;
import io.xconf.schema.ccmp.CcmpUsersResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.conferenceinfo.UserType;
import io.xconf.schema.conferenceinfo.UsersType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** usersRequest and userRequest (RFC 6503 sections 5.3.5, 5.3.6). */
final class UserHandlers {

  private UserHandlers() {}

  static XmlElement users(XmlElement document) {
    return document.child(ModelBridge.USERS).orElse(XmlElement.of(ModelBridge.USERS));
  }

  /** The conference's maximum-user-count, or null when it has none (or none that is a number). */
  static Integer maximumUsers(XmlElement document) {
    String value =
        ModelBridge.descriptionText(
            document,
            new javax.xml.namespace.QName(
                io.xconf.model.Namespaces.CONFERENCE_INFO, "maximum-user-count"));
    try {
      return value == null ? null : Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Set<String> entities(XmlElement document) {
    Set<String> entities = new LinkedHashSet<>();
    for (XmlElement user : users(document).children(ModelBridge.USER)) {
      entities.add(user.attribute("entity"));
    }
    return entities;
  }

  private static final javax.xml.namespace.QName ASSOCIATED_AORS = info("associated-aors");

  private static javax.xml.namespace.QName info(String localName) {
    return new javax.xml.namespace.QName(io.xconf.model.Namespaces.CONFERENCE_INFO, localName);
  }

  private static javax.xml.namespace.QName xcon(String localName) {
    return new javax.xml.namespace.QName(io.xconf.model.Namespaces.XCON, localName);
  }

  private static CcmpResponseCode notAllowed() {
    return CcmpResponseCode.UNAUTHORIZED;
  }

  /** usersRequest: retrieve or update the whole {@code <users>}. */
  @Component(service = CcmpMessageHandler.class)
  public static final class Users
      extends ModelMessageHandler<CcmpUsersRequestMessageType, CcmpUsersResponseMessageType> {

    @Activate
    public Users(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpUsersRequestMessageType.class,
          CcmpUsersResponseMessageType.class);
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.USERS_REQUEST;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.RETRIEVE, OperationType.UPDATE);
    }

    @Override
    CcmpUsersResponseMessageType answer(
        CcmpUsersRequestMessageType request, CcmpUsersResponseMessageType response, Account sender)
        throws ModelException {
      ConferenceObject conference =
          ConferenceHandlers.existingWithUsers(model, request.getConfObjID());
      if (request.getOperation() == OperationType.UPDATE) {
        if (!ConferenceAccess.manages(conference, sender)) {
          return ModelBridge.answer(
              response,
              notAllowed(),
              "only its organizer, moderators and administrators change the users");
        }
        UsersType usersInfo =
            request.getUsersRequest() == null ? null : request.getUsersRequest().getUsersInfo();
        if (usersInfo == null) {
          return ModelBridge.answer(
              response, CcmpResponseCode.BAD_REQUEST, "update needs usersInfo");
        }
        XmlElement users = bridge.tree(ModelBridge.USERS, UsersType.class, usersInfo, true);
        XmlElement update =
            TargetUsers.addedFor(
                ConferenceHandlers.keepingOrganizers(ModelBridge.conferenceWith(users), conference),
                conference,
                model,
                TargetUsers.domainOf(sender.userId()));
        conference = model.update(conference.uri(), update, sender.userId());
      } else {
        CcmpResponseCode refused = ConferenceHandlers.readRefusal(conference, sender);
        if (refused != null) {
          return ModelBridge.answer(response, refused, null);
        }
      }
      response
          .getUsersResponse()
          .setUsersInfo(bridge.binding(users(conference.document()), UsersType.class));
      ModelBridge.version(response, conference.version());
      return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
    }
  }

  /**
   * userRequest: one {@code <user>} of a conference, by its entity. Users add, change and remove
   * themselves (but not their own roles); the conference's managers do so for anybody.
   */
  @Component(service = CcmpMessageHandler.class)
  public static final class User
      extends ModelMessageHandler<CcmpUserRequestMessageType, CcmpUserResponseMessageType> {

    @Activate
    public User(
        @Reference ConferenceService model,
        @Reference XconCodec codec,
        @Reference AccountDirectory accounts) {
      super(
          model,
          codec,
          accounts,
          CcmpUserRequestMessageType.class,
          CcmpUserResponseMessageType.class);
    }

    @Override
    public StandardMessageNameType message() {
      return StandardMessageNameType.USER_REQUEST;
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(
          OperationType.CREATE, OperationType.RETRIEVE, OperationType.UPDATE, OperationType.DELETE);
    }

    @Override
    CcmpUserResponseMessageType answer(
        CcmpUserRequestMessageType request, CcmpUserResponseMessageType response, Account sender)
        throws ModelException {
      ConferenceObject conference =
          ConferenceHandlers.existingWithUsers(model, request.getConfObjID());
      UserType userInfo =
          request.getUserRequest() == null ? null : request.getUserRequest().getUserInfo();
      if (userInfo == null && sender != null && request.getOperation() == OperationType.CREATE) {
        // Section 5.3.6: without userInfo, the sender is the one who joins.
        userInfo = new UserType();
        userInfo.setEntity(sender.userId());
      }
      if (userInfo == null || isBlank(userInfo.getEntity())) {
        return ModelBridge.answer(
            response, CcmpResponseCode.BAD_REQUEST, "userRequest needs userInfo with an entity");
      }
      String entity = userInfo.getEntity().trim();
      if (!entity.matches("[a-zA-Z][a-zA-Z0-9+.-]*:\\S+")
          || (entity.contains("AUTO_GENERATE_")
              && !entity.matches("xcon-userid:AUTO_GENERATE_\\d+@\\S+"))) {
        return ModelBridge.answer(
            response,
            CcmpResponseCode.BAD_REQUEST,
            "a user's entity is an XCON-USERID or a URI (a placeholder"
                + " xcon-userid:AUTO_GENERATE_1@domain)");
      }
      boolean self = sender != null && entity.equals(sender.userId());
      boolean manages = ConferenceAccess.manages(conference, sender);
      String actor = sender == null ? entity : sender.userId();
      XmlElement existing = ConferenceAccess.user(conference.document(), entity);
      switch (request.getOperation()) {
        case CREATE -> {
          boolean placeholder = entity.contains("AUTO_GENERATE_");
          if (sender == null && !placeholder) {
            return ModelBridge.answer(
                response,
                CcmpResponseCode.BAD_REQUEST,
                "without a confUserID, userInfo's entity must be xcon-userid:AUTO_GENERATE_1@domain");
          }
          if (sender != null && !self && !manages) {
            return ModelBridge.answer(
                response, notAllowed(), "only its managers add others to a conference");
          }
          CcmpResponseCode password =
              ConferenceAccess.passwordCheck(conference, sender, request.getConferencePassword());
          if (password != null) {
            return ModelBridge.answer(response, password, null);
          }
          XmlElement user = bridge.tree(ModelBridge.USER, UserType.class, userInfo, false);
          if (!manages) {
            UserRights.Refusal refusal = UserRights.onItself(user, sender, existing);
            if (refusal == null && existing == null) {
              refusal = UserRights.join(conference.document(), sender, user);
            }
            if (refusal != null) {
              return ModelBridge.answer(response, refusal.code(), refusal.reason());
            }
          }
          if (existing != null && !self) {
            return ModelBridge.answer(
                response, CcmpResponseCode.CONFLICT, entity + " is in the conference already");
          }
          Integer maximum = maximumUsers(conference.document());
          if (existing == null
              && maximum != null
              && entities(conference.document()).size() >= maximum) {
            // Section 5.4: the max number of users has been reached for the conference.
            return ModelBridge.answer(
                response,
                CcmpResponseCode.RESOURCES_NOT_AVAILABLE,
                "the conference has its maximum of " + maximum + " users");
          }
          if (!placeholder
              && entity.startsWith("xcon-userid:")
              && accounts.byUserId(entity).isEmpty()) {
            return ModelBridge.answer(
                response, CcmpResponseCode.USER_NOT_FOUND, "no user " + entity);
          }
          Set<String> before = entities(conference.document());
          // Section 5.3.6: who joins by itself is called at its endpoints; a manager adding
          // someone else calls them through allowed-users-list (RFC 6504 section 5.1).
          ConferenceObject updated =
              model.update(
                  conference.uri(), self || sender == null ? joining(user) : withUser(user), actor);
          Set<String> added = entities(updated.document());
          added.removeAll(before);
          String created = added.isEmpty() ? entity : added.iterator().next();
          response
              .getUserResponse()
              .setUserInfo(
                  bridge.binding(
                      ConferenceAccess.visibleUser(
                          ConferenceAccess.user(updated.document(), created), manages),
                      UserType.class));
          if (sender == null) {
            response.setConfUserID(created);
          }
          ModelBridge.version(response, updated.version());
          return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
        }
        case RETRIEVE -> {
          if (!self) {
            CcmpResponseCode refused = ConferenceHandlers.readRefusal(conference, sender);
            if (refused != null) {
              return ModelBridge.answer(response, refused, null);
            }
          }
          if (existing == null) {
            return ModelBridge.answer(
                response, CcmpResponseCode.USER_NOT_FOUND, entity + " is not in the conference");
          }
          response
              .getUserResponse()
              .setUserInfo(
                  bridge.binding(ConferenceAccess.visibleUser(existing, manages), UserType.class));
          ModelBridge.version(response, conference.version());
          return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
        }
        case UPDATE -> {
          if (!self && !manages) {
            return ModelBridge.answer(
                response, notAllowed(), "users change themselves; managers change anybody");
          }
          if (existing == null) {
            return ModelBridge.answer(
                response, CcmpResponseCode.USER_NOT_FOUND, entity + " is not in the conference");
          }
          XmlElement user = bridge.tree(ModelBridge.USER, UserType.class, userInfo, true);
          UserRights.Refusal refusal = manages ? null : UserRights.onItself(user, sender, existing);
          if (refusal != null) {
            return ModelBridge.answer(response, refusal.code(), refusal.reason());
          }
          ConferenceObject updated = model.update(conference.uri(), withUser(user), actor);
          response
              .getUserResponse()
              .setUserInfo(
                  bridge.binding(
                      ConferenceAccess.visibleUser(
                          ConferenceAccess.user(updated.document(), entity), manages),
                      UserType.class));
          ModelBridge.version(response, updated.version());
          return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
        }
        case DELETE -> {
          if (!self && !manages) {
            return ModelBridge.answer(
                response, notAllowed(), "users remove themselves; managers remove anybody");
          }
          if (existing == null) {
            return ModelBridge.answer(
                response, CcmpResponseCode.USER_NOT_FOUND, entity + " is not in the conference");
          }
          XmlElement removal =
              XmlElement.of(ModelBridge.USER)
                  .withAttribute("entity", entity)
                  .withAttribute("state", "deleted");
          ConferenceObject updated = model.update(conference.uri(), withUser(removal), actor);
          ModelBridge.version(response, updated.version());
          return ModelBridge.answer(response, CcmpResponseCode.SUCCESS, null);
        }
        default -> throw new IllegalStateException("operation checked before");
      }
    }

    /**
     * A user's join (section 5.3.6: the focus initiates the signalling): its endpoints become
     * dial-out targets, and addresses of the user, so that the calls are known as its calls.
     */
    private static XmlElement joining(XmlElement user) {
      List<String> endpoints = UserRights.endpoints(user);
      if (endpoints.isEmpty()) {
        return withUser(user);
      }
      XmlElement aors = user.child(ASSOCIATED_AORS).orElse(XmlElement.of(ASSOCIATED_AORS));
      List<XmlElement> entries = new java.util.ArrayList<>(aors.children());
      List<XmlElement> targets = new java.util.ArrayList<>();
      for (String endpoint : endpoints) {
        entries.add(
            XmlElement.of(info("entry"))
                .withChildren(List.of(XmlElement.leaf(info("uri"), endpoint))));
        targets.add(
            XmlElement.of(xcon("target"))
                .withAttribute("uri", endpoint)
                .withAttribute("method", "dial-out"));
      }
      XmlElement joined = user.withChild(aors.withChildren(entries));
      return ModelBridge.conferenceWith(
          XmlElement.of(ModelBridge.USERS)
              .withChildren(
                  List.of(joined, XmlElement.of(xcon(UserLists.ALLOWED)).withChildren(targets))));
    }

    private static XmlElement withUser(XmlElement user) {
      return ModelBridge.conferenceWith(
          XmlElement.of(ModelBridge.USERS).withChildren(List.of(user)));
    }
  }
}
