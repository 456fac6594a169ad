package io.xconf.ccmp.internal;

import io.xconf.accounts.AccountDirectory;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;

/**
 * A standard message answered from the conference model. It checks what every such message needs
 * (an operation Table 1 allows, a sender the server knows: 421 otherwise) before the message's own
 * work, and turns the model's refusals into their response codes.
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

  /** Whether this request may come without a known sender (only section 5.3.6's self-join). */
  boolean allowsUnknownSender(Q request) {
    return false;
  }

  @Override
  public final CcmpResponseMessageType handle(CcmpRequestMessageType request) {
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
    String sender = request.getConfUserID() == null ? "" : request.getConfUserID().trim();
    if (!allowsUnknownSender(typed) && (sender.isEmpty() || accounts.byUserId(sender).isEmpty())) {
      return ModelBridge.answer(
          response, CcmpResponseCode.INVALID_CONF_USER_ID, "unknown confUserID '" + sender + "'");
    }
    try {
      return answer(typed, response);
    } catch (ModelException e) {
      return ModelBridge.answer(response, e);
    }
  }

  /** The message's own work; the response comes with the right type and inner element. */
  abstract R answer(Q request, R response) throws ModelException;

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
