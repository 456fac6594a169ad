package io.xconf.ccmp.extension;

import io.xconf.accounts.Account;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/** An {@code extendedRequest} type, offered for as long as its service is registered. */
@ConsumerType
public interface CcmpExtension {

  /** The {@code extensionName} it answers, also its name in {@code optionsResponse}. */
  String name();

  /** The operations it supports. */
  Set<OperationType> operations();

  /** Where the schema of its elements is published ({@code schema-def}, required there). */
  String schemaDefinition();

  /** A human-readable description, or null. */
  String description();

  /**
   * Answers a request whose {@code extensionName} is {@link #name()}. The processor fills in the
   * mirrored fields the extension leaves empty. What it tells of a conference follows {@link
   * io.xconf.ccmp.ConferenceAccess}: only to those who see it, after its password (RFC 6503 section
   * 5.1), and never the password itself nor what {@code visible} hides.
   *
   * @param sender the authenticated account that owns the request's confUserID
   */
  CcmpExtendedResponseMessageType handle(CcmpExtendedRequestMessageType request, Account sender);
}
