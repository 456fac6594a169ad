package io.xconf.ccmp.internal;

import io.xconf.schema.ccmp.*;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The response message type that answers each request type, created with its (empty) body element,
 * which the schema requires even in an error response.
 */
final class ResponseTypes {

  private static final Map<
          Class<? extends CcmpRequestMessageType>, Supplier<CcmpResponseMessageType>>
      BY_REQUEST =
          Map.ofEntries(
              Map.entry(CcmpBlueprintsRequestMessageType.class, ResponseTypes::blueprints),
              Map.entry(CcmpBlueprintRequestMessageType.class, ResponseTypes::blueprint),
              Map.entry(CcmpConfsRequestMessageType.class, ResponseTypes::confs),
              Map.entry(CcmpConfRequestMessageType.class, ResponseTypes::conf),
              Map.entry(CcmpUsersRequestMessageType.class, ResponseTypes::users),
              Map.entry(CcmpUserRequestMessageType.class, ResponseTypes::user),
              Map.entry(CcmpSidebarsByValRequestMessageType.class, ResponseTypes::sidebarsByVal),
              Map.entry(CcmpSidebarByValRequestMessageType.class, ResponseTypes::sidebarByVal),
              Map.entry(CcmpSidebarsByRefRequestMessageType.class, ResponseTypes::sidebarsByRef),
              Map.entry(CcmpSidebarByRefRequestMessageType.class, ResponseTypes::sidebarByRef),
              Map.entry(CcmpExtendedRequestMessageType.class, ResponseTypes::extended),
              Map.entry(CcmpOptionsRequestMessageType.class, ResponseTypes::options));

  private static final Map<Class<? extends CcmpRequestMessageType>, StandardMessageNameType>
      STANDARD_NAMES =
          Map.ofEntries(
              Map.entry(
                  CcmpBlueprintsRequestMessageType.class,
                  StandardMessageNameType.BLUEPRINTS_REQUEST),
              Map.entry(
                  CcmpBlueprintRequestMessageType.class, StandardMessageNameType.BLUEPRINT_REQUEST),
              Map.entry(CcmpConfsRequestMessageType.class, StandardMessageNameType.CONFS_REQUEST),
              Map.entry(CcmpConfRequestMessageType.class, StandardMessageNameType.CONF_REQUEST),
              Map.entry(CcmpUsersRequestMessageType.class, StandardMessageNameType.USERS_REQUEST),
              Map.entry(CcmpUserRequestMessageType.class, StandardMessageNameType.USER_REQUEST),
              Map.entry(
                  CcmpSidebarsByValRequestMessageType.class,
                  StandardMessageNameType.SIDEBARS_BY_VAL_REQUEST),
              Map.entry(
                  CcmpSidebarByValRequestMessageType.class,
                  StandardMessageNameType.SIDEBAR_BY_VAL_REQUEST),
              Map.entry(
                  CcmpSidebarsByRefRequestMessageType.class,
                  StandardMessageNameType.SIDEBARS_BY_REF_REQUEST),
              Map.entry(
                  CcmpSidebarByRefRequestMessageType.class,
                  StandardMessageNameType.SIDEBAR_BY_REF_REQUEST));

  /** The specialized message of each standard request (RFC 6503 section 5.1: it MUST be there). */
  private static final Map<
          Class<? extends CcmpRequestMessageType>,
          java.util.function.Function<CcmpRequestMessageType, Object>>
      SPECIALIZED =
          Map.ofEntries(
              Map.entry(
                  CcmpBlueprintsRequestMessageType.class,
                  r -> ((CcmpBlueprintsRequestMessageType) r).getBlueprintsRequest()),
              Map.entry(
                  CcmpBlueprintRequestMessageType.class,
                  r -> ((CcmpBlueprintRequestMessageType) r).getBlueprintRequest()),
              Map.entry(
                  CcmpConfsRequestMessageType.class,
                  r -> ((CcmpConfsRequestMessageType) r).getConfsRequest()),
              Map.entry(
                  CcmpConfRequestMessageType.class,
                  r -> ((CcmpConfRequestMessageType) r).getConfRequest()),
              Map.entry(
                  CcmpUsersRequestMessageType.class,
                  r -> ((CcmpUsersRequestMessageType) r).getUsersRequest()),
              Map.entry(
                  CcmpUserRequestMessageType.class,
                  r -> ((CcmpUserRequestMessageType) r).getUserRequest()),
              Map.entry(
                  CcmpSidebarsByValRequestMessageType.class,
                  r -> ((CcmpSidebarsByValRequestMessageType) r).getSidebarsByValRequest()),
              Map.entry(
                  CcmpSidebarByValRequestMessageType.class,
                  r -> ((CcmpSidebarByValRequestMessageType) r).getSidebarByValRequest()),
              Map.entry(
                  CcmpSidebarsByRefRequestMessageType.class,
                  r -> ((CcmpSidebarsByRefRequestMessageType) r).getSidebarsByRefRequest()),
              Map.entry(
                  CcmpSidebarByRefRequestMessageType.class,
                  r -> ((CcmpSidebarByRefRequestMessageType) r).getSidebarByRefRequest()),
              Map.entry(
                  CcmpExtendedRequestMessageType.class,
                  r -> ((CcmpExtendedRequestMessageType) r).getExtendedRequest()));

  private ResponseTypes() {}

  /** Whether a request carries its specialized message; optionsRequest has none to carry. */
  static boolean hasSpecializedMessage(CcmpRequestMessageType request) {
    var specialized = SPECIALIZED.get(request.getClass());
    return specialized == null || specialized.apply(request) != null;
  }

  /** A new response of the type that answers {@code request}. */
  static CcmpResponseMessageType answering(CcmpRequestMessageType request) {
    Supplier<CcmpResponseMessageType> factory = BY_REQUEST.get(request.getClass());
    if (factory == null) {
      throw new IllegalArgumentException("not a CCMP request type: " + request.getClass());
    }
    return factory.get();
  }

  /** The standard message name of a request, or null for options and extended requests. */
  static StandardMessageNameType standardName(CcmpRequestMessageType request) {
    return STANDARD_NAMES.get(request.getClass());
  }

  /** The answer to a request whose type could not be read: options is the one basic pair. */
  static CcmpOptionsResponseMessageType unidentified() {
    return options();
  }

  private static CcmpResponseMessageType blueprints() {
    CcmpBlueprintsResponseMessageType response = new CcmpBlueprintsResponseMessageType();
    response.setBlueprintsResponse(new BlueprintsResponseType());
    return response;
  }

  private static CcmpResponseMessageType blueprint() {
    CcmpBlueprintResponseMessageType response = new CcmpBlueprintResponseMessageType();
    response.setBlueprintResponse(new BlueprintResponseType());
    return response;
  }

  private static CcmpResponseMessageType confs() {
    CcmpConfsResponseMessageType response = new CcmpConfsResponseMessageType();
    response.setConfsResponse(new ConfsResponseType());
    return response;
  }

  private static CcmpResponseMessageType conf() {
    CcmpConfResponseMessageType response = new CcmpConfResponseMessageType();
    response.setConfResponse(new ConfResponseType());
    return response;
  }

  private static CcmpResponseMessageType users() {
    CcmpUsersResponseMessageType response = new CcmpUsersResponseMessageType();
    response.setUsersResponse(new UsersResponseType());
    return response;
  }

  private static CcmpResponseMessageType user() {
    CcmpUserResponseMessageType response = new CcmpUserResponseMessageType();
    response.setUserResponse(new UserResponseType());
    return response;
  }

  private static CcmpResponseMessageType sidebarsByVal() {
    CcmpSidebarsByValResponseMessageType response = new CcmpSidebarsByValResponseMessageType();
    response.setSidebarsByValResponse(new SidebarsByValResponseType());
    return response;
  }

  private static CcmpResponseMessageType sidebarByVal() {
    CcmpSidebarByValResponseMessageType response = new CcmpSidebarByValResponseMessageType();
    response.setSidebarByValResponse(new SidebarByValResponseType());
    return response;
  }

  private static CcmpResponseMessageType sidebarsByRef() {
    CcmpSidebarsByRefResponseMessageType response = new CcmpSidebarsByRefResponseMessageType();
    response.setSidebarsByRefResponse(new SidebarsByRefResponseType());
    return response;
  }

  private static CcmpResponseMessageType sidebarByRef() {
    CcmpSidebarByRefResponseMessageType response = new CcmpSidebarByRefResponseMessageType();
    response.setSidebarByRefResponse(new SidebarByRefResponseType());
    return response;
  }

  private static CcmpResponseMessageType extended() {
    // extensionName is required; the processor copies the request's into it.
    CcmpExtendedResponseMessageType response = new CcmpExtendedResponseMessageType();
    response.setExtendedResponse(new ExtendedResponseType());
    return response;
  }

  private static CcmpOptionsResponseMessageType options() {
    CcmpOptionsResponseMessageType response = new CcmpOptionsResponseMessageType();
    response.setOptionsResponse(new OptionsResponseType());
    return response;
  }
}
