package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.model.ModelFailure;
import io.xconf.model.ObjectKind;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import java.util.Optional;

/**
 * A standard message answered from the conference model. It checks the operation against Table 1
 * before the message's own work, and turns the model's refusals into their response codes. The
 * processor has authenticated the sender already.
 */
abstract class ModelMessageHandler<
        Q extends CcmpRequestMessageType, R extends CcmpResponseMessageType>
    implements CcmpMessageHandler {

  protected final ConferenceService model;
  protected final ModelBridge bridge;
  protected final AccountDirectory accounts;
  private final Class<Q> requestType;
  private final Class<R> responseType;

  ModelMessageHandler(
      ConferenceService model,
      XconCodec codec,
      AccountDirectory accounts,
      Class<Q> requestType,
      Class<R> responseType) {
    this.model = model;
    this.bridge = new ModelBridge(codec);
    this.accounts = accounts;
    this.requestType = requestType;
    this.responseType = responseType;
  }

  /** Whether the message must carry an operation (all but the list messages). */
  boolean operationRequired() {
    return true;
  }

  @Override
  public final CcmpResponseMessageType handle(CcmpRequestMessageType request, Account sender) {
    R response = responseType.cast(ResponseTypes.answering(request));
    CcmpResponseCode refused =
        ModelBridge.refusedOperation(request, operations(), operationRequired());
    if (refused != null) {
      String what =
          request.getOperation() == null ? "no operation" : request.getOperation().value();
      return ModelBridge.answer(
          response, refused, what + " is not an operation of " + message().value());
    }
    Q typed = requestType.cast(request);
    try {
      CcmpResponseCode password = passwordRefusal(request, sender);
      if (password != null) {
        return ModelBridge.answer(response, password, null);
      }
      return answer(typed, response, sender);
    } catch (ModelException e) {
      R failed = ModelBridge.answer(response, e);
      if (e.failure() == ModelFailure.CONFLICT && request.getConfObjID() != null) {
        // Section 5.3.4: a 409 carries the version, so the client can fetch what it collided with.
        model
            .get(request.getConfObjID())
            .ifPresent(object -> ModelBridge.version(failed, object.version()));
      }
      return failed;
    }
  }

  /**
   * Section 5.1: a request whose target is password-protected carries the password, whoever sends
   * it. Asked here only of those who may see the target: a stranger's request is refused as such by
   * the handler (else 422 against 401 would tell a stranger when a guess was right); a stranger who
   * joins is asked by the join.
   */
  private CcmpResponseCode passwordRefusal(CcmpRequestMessageType request, Account sender) {
    if (isBlank(request.getConfObjID())) {
      return null;
    }
    Optional<ConferenceObject> target = model.get(request.getConfObjID().trim());
    if (target.isEmpty() || !ConferenceAccess.sees(target.get(), sender)) {
      return null;
    }
    return ConferenceAccess.passwordCheck(target.get(), sender, request.getConferencePassword());
  }

  @Override
  public CcmpResponseMessageType refuseInvalidValue(
      CcmpRequestMessageType request, Account sender, String problem) {
    if (request.getOperation() != OperationType.UPDATE || request.getConfObjID() == null) {
      return null;
    }
    R response = responseType.cast(ResponseTypes.answering(request));
    Optional<ConferenceObject> target = model.get(request.getConfObjID());
    if (target.isEmpty() || target.get().kind() == ObjectKind.BLUEPRINT) {
      return ModelBridge.answer(response, CcmpResponseCode.OBJECT_NOT_FOUND, null);
    }
    if (!ConferenceAccess.sees(target.get(), sender)) {
      return ModelBridge.answer(response, CcmpResponseCode.UNAUTHORIZED, null);
    }
    // Section 5.3.4: changes that are not feasible get 409, with the version they were aimed at.
    ModelBridge.answer(response, CcmpResponseCode.CONFLICT, problem);
    ModelBridge.version(response, target.get().version());
    return response;
  }

  /**
   * The message's own work; the response comes with the right type and inner element.
   *
   * @param sender the authenticated sender; null only for section 5.3.6's self-join
   */
  abstract R answer(Q request, R response, Account sender) throws ModelException;

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
