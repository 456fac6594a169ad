package io.xconf.ccmp;

import io.xconf.accounts.Account;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Handles one of the ten standard CCMP request types (RFC 6503 section 5.3.1-5.3.10). Register it
 * as a service: the processor dispatches to it and {@code optionsResponse} lists it. A type without
 * a handler is answered 501.
 */
@ConsumerType
public interface CcmpMessageHandler {

  /** The request this handles. */
  StandardMessageNameType message();

  /** The operations it supports, as listed in {@code optionsResponse}. */
  Set<OperationType> operations();

  /**
   * Answers a request of this handler's type. The processor fills in what the handler leaves empty
   * and must mirror ({@code confUserID}, {@code confObjID}, {@code operation}).
   *
   * @param sender the authenticated account that owns the request's confUserID; null only for the
   *     requests allowed without credentials (section 5.3.6's self-join)
   * @return a response of the type matching the request, never null
   */
  CcmpResponseMessageType handle(CcmpRequestMessageType request, Account sender);

  /**
   * Answers a request in which a value did not fit its type; the value is missing from {@code
   * request}, so nothing may be changed. A handler whose update requests carry conference data
   * answers 409 (RFC 6503 section 5.3.4) after its usual authorization.
   *
   * @param problem the offending value, described for the client
   * @return a response of the type matching the request, or null (the default) to have the
   *     processor answer 400
   */
  default CcmpResponseMessageType refuseInvalidValue(
      CcmpRequestMessageType request, Account sender, String problem) {
    return null;
  }
}
