package io.xconf.ccmp.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.accounts.AccountDirectoryUnavailableException;
import io.xconf.ccmp.CcmpCaller;
import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.CcmpOutcome;
import io.xconf.ccmp.CcmpProcessor;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.extension.CcmpExtension;
import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.CcmpRequestDocument;
import io.xconf.schema.MalformedDocumentException;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import io.xconf.schema.ccmp.CcmpOptionsRequestMessageType;
import io.xconf.schema.ccmp.CcmpOptionsResponseMessageType;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.CcmpUserRequestMessageType;
import io.xconf.schema.ccmp.ExtendedResponseType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.ccmp.SubjectType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches each request to the handler of its type (or the extension of its name), answers
 * options itself, and turns every failure into the CCMP response code it deserves.
 */
@Component(
    service = CcmpProcessor.class,
    // DS 1.4: the processor, and so the endpoint, appears only once every standard handler of
    // this bundle is there, so that clients never see a 501 while the server is starting.
    property = "handlers.cardinality.minimum:Integer=" + CcmpProcessorComponent.STANDARD_HANDLERS)
public final class CcmpProcessorComponent implements CcmpProcessor {

  /** The standard message handlers this bundle provides. */
  static final int STANDARD_HANDLERS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(CcmpProcessorComponent.class);

  private final XconCodec codec;

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile List<CcmpMessageHandler> handlers = List.of();

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile List<CcmpExtension> extensions = List.of();

  private final AccountDirectory accounts;

  @Activate
  public CcmpProcessorComponent(@Reference XconCodec codec, @Reference AccountDirectory accounts) {
    this.codec = codec;
    this.accounts = accounts;
  }

  /** For tests: a processor with a fixed set of handlers and extensions. */
  CcmpProcessorComponent(
      XconCodec codec,
      AccountDirectory accounts,
      List<CcmpMessageHandler> handlers,
      List<CcmpExtension> extensions) {
    this(codec, accounts);
    this.handlers = List.copyOf(handlers);
    this.extensions = List.copyOf(extensions);
  }

  @Override
  public CcmpOutcome process(InputStream in, OutputStream out, CcmpCaller caller)
      throws IOException {
    CcmpRequestDocument request;
    try {
      request = codec.readCcmpRequest(in);
    } catch (MalformedDocumentException e) {
      LOG.debug("Malformed CCMP request: {}", e.getMessage());
      return unreadable(e, CcmpResponseCode.BAD_REQUEST, "Bad Request: " + e.getMessage(), out);
    }
    CcmpRequestMessageType message = request.message();
    CcmpResponseMessageType response;
    boolean challenge = false;
    boolean refused = false;
    try {
      if (allowedWithoutCredentials(message)) {
        response = answer(request, null);
      } else {
        // Section 10.2's subject carries a password in clear: only over TLS, like HTTP Basic.
        boolean subjectHeard = caller.acceptsPasswords() || message.getSubject() == null;
        boolean subjectThrottled = message.getSubject() != null && throttled(message.getSubject());
        Optional<Account> sender =
            caller
                .account()
                .or(() -> subjectHeard ? fromSubject(message.getSubject()) : Optional.empty());
        String claimed = message.getConfUserID() == null ? "" : message.getConfUserID().trim();
        if (sender.isEmpty()) {
          challenge = true;
          refused =
              subjectHeard
                  && message.getSubject() != null
                  && caller.account().isEmpty()
                  && !subjectThrottled;
          response =
              error(
                  message,
                  CcmpResponseCode.AUTHENTICATION_REQUIRED,
                  subjectHeard
                      ? "valid credentials are required"
                      : "a subject's password counts only over HTTPS; use HTTP Digest here");
        } else if (claimed.isEmpty() || accounts.byUserId(claimed).isEmpty()) {
          response =
              error(
                  message,
                  CcmpResponseCode.INVALID_CONF_USER_ID,
                  "unknown confUserID '" + claimed + "'");
        } else if (!claimed.equals(sender.get().userId())) {
          response =
              error(
                  message,
                  CcmpResponseCode.UNAUTHORIZED,
                  "authenticated as " + sender.get().userId() + ", not " + claimed);
        } else {
          response = answer(request, sender.get());
        }
      }
    } catch (AccountDirectoryUnavailableException e) {
      // Not a wrong password: nobody's credentials could be checked (the directory logs why).
      LOG.debug("CCMP {} not served: {}", xsiType(message), e.getMessage());
      challenge = false;
      refused = false;
      response =
          error(
              message,
              CcmpResponseCode.SERVER_INTERNAL_ERROR,
              AccountDirectoryUnavailableException.CLIENT_MESSAGE);
    }
    CcmpOutcome outcome = send(request, response, challenge, out);
    return refused ? outcome.withCredentialsRefused() : outcome;
  }

  @Override
  public CcmpOutcome refuse(InputStream in, OutputStream out, CcmpResponseCode code, String reason)
      throws IOException {
    CcmpRequestDocument request;
    try {
      request = codec.readCcmpRequest(in);
    } catch (MalformedDocumentException e) {
      return unreadable(e, code, reason, out);
    }
    return send(request, error(request.message(), code, reason), false, out);
  }

  /**
   * The answer to a request that could not be read: the options response type (the basic message
   * pair), mirroring the namespace and confUserID when they could be read.
   */
  private CcmpOutcome unreadable(
      MalformedDocumentException e, CcmpResponseCode code, String reason, OutputStream out)
      throws IOException {
    CcmpNamespace namespace = e.namespace() == null ? CcmpNamespace.PUBLISHED : e.namespace();
    CcmpOptionsResponseMessageType response = ResponseTypes.unidentified();
    response.setConfUserID(e.confUserId() == null ? "" : e.confUserId());
    setCode(response, code, reason);
    codec.writeCcmpResponse(response, namespace, out);
    return new CcmpOutcome(code.code(), null, namespace);
  }

  /** Mirrors what the request named into the response and writes it in the request's namespace. */
  private CcmpOutcome send(
      CcmpRequestDocument request,
      CcmpResponseMessageType response,
      boolean challenge,
      OutputStream out)
      throws IOException {
    mirror(request.message(), response);
    codec.writeCcmpResponse(response, request.namespace(), out);
    OperationType operation = request.message().getOperation();
    return new CcmpOutcome(
        response.getResponseCode().intValue(),
        xsiType(request.message()),
        request.namespace(),
        challenge,
        false,
        operation == null ? null : operation.value());
  }

  /** optionsRequest (capabilities), and section 5.3.6's entry of a client with no XCON-USERID. */
  private static boolean allowedWithoutCredentials(CcmpRequestMessageType message) {
    return message instanceof CcmpOptionsRequestMessageType
        || (message instanceof CcmpUserRequestMessageType
            && message.getOperation() == OperationType.CREATE
            && (message.getConfUserID() == null || message.getConfUserID().isBlank()));
  }

  /** Whether the subject's account name waits after failed logins (then nothing was checked). */
  private boolean throttled(SubjectType subject) {
    io.xconf.accounts.LoginThrottle throttle = accounts.loginThrottle();
    return throttle != null
        && subject.getUsername() != null
        && throttle.waitMillis(subjectName(subject.getUsername().trim())) > 0;
  }

  private String subjectName(String username) {
    return username.startsWith("xcon-userid:")
        ? accounts.byUserId(username).map(Account::name).orElse("")
        : username;
  }

  /** The account of the CCMP subject (section 10.2): its login name or its XCON-USERID. */
  private Optional<Account> fromSubject(SubjectType subject) {
    if (subject == null || subject.getUsername() == null || subject.getPassword() == null) {
      return Optional.empty();
    }
    return accounts.authenticate(subjectName(subject.getUsername().trim()), subject.getPassword());
  }

  private CcmpResponseMessageType answer(CcmpRequestDocument document, Account sender) {
    CcmpRequestMessageType request = document.message();
    if (!ResponseTypes.hasSpecializedMessage(request)) {
      return error(
          request,
          CcmpResponseCode.BAD_REQUEST,
          "Bad Request: " + xsiType(request) + " without its specialized message");
    }
    if (document.invalidValue() != null) {
      return refuseInvalidValue(request, sender, document.invalidValue());
    }
    try {
      if (request instanceof CcmpOptionsRequestMessageType) {
        return options();
      }
      if (request instanceof CcmpExtendedRequestMessageType extended) {
        return extended(extended, sender);
      }
      StandardMessageNameType name = ResponseTypes.standardName(request);
      Optional<CcmpMessageHandler> handler = handlerOf(name);
      if (handler.isEmpty()) {
        return error(
            request,
            CcmpResponseCode.NOT_IMPLEMENTED,
            name.value() + " is not installed on this server");
      }
      CcmpResponseMessageType response = handler.get().handle(request, sender);
      if (response == null || response.getResponseCode() == null) {
        LOG.error("The {} handler answered without a response code", name.value());
        return error(request, CcmpResponseCode.SERVER_INTERNAL_ERROR, null);
      }
      return response;
    } catch (AccountDirectoryUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.error("CCMP {} failed", xsiType(request), e);
      return error(request, CcmpResponseCode.SERVER_INTERNAL_ERROR, null);
    }
  }

  private Optional<CcmpMessageHandler> handlerOf(StandardMessageNameType name) {
    for (CcmpMessageHandler handler : handlers) {
      if (handler.message() == name) {
        return Optional.of(handler);
      }
    }
    return Optional.empty();
  }

  private CcmpResponseMessageType refuseInvalidValue(
      CcmpRequestMessageType request, Account sender, String problem) {
    CcmpResponseMessageType refusal = null;
    try {
      if (!(request instanceof CcmpOptionsRequestMessageType)
          && !(request instanceof CcmpExtendedRequestMessageType)) {
        StandardMessageNameType name = ResponseTypes.standardName(request);
        for (CcmpMessageHandler handler : handlers) {
          if (handler.message() == name) {
            refusal = handler.refuseInvalidValue(request, sender, problem);
            break;
          }
        }
      }
    } catch (AccountDirectoryUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.error("CCMP {} failed", xsiType(request), e);
      return error(request, CcmpResponseCode.SERVER_INTERNAL_ERROR, null);
    }
    if (refusal == null || refusal.getResponseCode() == null) {
      return error(request, CcmpResponseCode.BAD_REQUEST, "Bad Request: " + problem);
    }
    return refusal;
  }

  private CcmpResponseMessageType options() {
    CcmpOptionsResponseMessageType response = ResponseTypes.unidentified();
    response.getOptionsResponse().setOptions(Options.describe(handlers, extensions));
    setCode(response, CcmpResponseCode.SUCCESS, null);
    return response;
  }

  private CcmpResponseMessageType extended(CcmpExtendedRequestMessageType request, Account sender) {
    String name =
        request.getExtendedRequest() == null
            ? null
            : request.getExtendedRequest().getExtensionName();
    if (name == null || name.isBlank()) {
      return error(request, CcmpResponseCode.BAD_REQUEST, "extendedRequest needs an extensionName");
    }
    Optional<CcmpExtension> extension =
        extensions.stream().filter(e -> e.name().equals(name.trim())).findFirst();
    if (extension.isEmpty()) {
      return error(request, CcmpResponseCode.NOT_IMPLEMENTED, "no extension named " + name.trim());
    }
    CcmpExtendedResponseMessageType response = extension.get().handle(request, sender);
    if (response.getExtendedResponse() == null) {
      response.setExtendedResponse(new ExtendedResponseType());
    }
    if (response.getExtendedResponse().getExtensionName() == null) {
      response.getExtendedResponse().setExtensionName(name.trim());
    }
    return response;
  }

  private static CcmpResponseMessageType error(
      CcmpRequestMessageType request, CcmpResponseCode code, String detail) {
    CcmpResponseMessageType response = ResponseTypes.answering(request);
    if (response instanceof CcmpExtendedResponseMessageType extended
        && request instanceof CcmpExtendedRequestMessageType asked
        && asked.getExtendedRequest() != null) {
      extended
          .getExtendedResponse()
          .setExtensionName(asked.getExtendedRequest().getExtensionName());
    }
    setCode(response, code, detail);
    return response;
  }

  private static void setCode(
      CcmpResponseMessageType response, CcmpResponseCode code, String detail) {
    response.setResponseCode(code.asBigInteger());
    response.setResponseString(detail == null ? code.reason() : detail);
  }

  /** RFC 6503 section 5.1: the response carries the sender's confUserID (and what it targeted). */
  private static void mirror(CcmpRequestMessageType request, CcmpResponseMessageType response) {
    if (response.getConfUserID() == null) {
      response.setConfUserID(request.getConfUserID() == null ? "" : request.getConfUserID());
    }
    if (response.getConfObjID() == null) {
      response.setConfObjID(request.getConfObjID());
    }
    if (response.getOperation() == null) {
      response.setOperation(request.getOperation());
    }
    if (response instanceof CcmpExtendedResponseMessageType extended
        && extended.getExtendedResponse().getExtensionName() == null) {
      extended.getExtendedResponse().setExtensionName("");
    }
  }

  /** The xsi:type of each request class, read from its binding's annotation once. */
  private static final ClassValue<String> XSI_TYPES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> requestClass) {
          jakarta.xml.bind.annotation.XmlType type =
              requestClass.getAnnotation(jakarta.xml.bind.annotation.XmlType.class);
          return type == null ? requestClass.getSimpleName() : type.name();
        }
      };

  private static String xsiType(CcmpRequestMessageType request) {
    return XSI_TYPES.get(request.getClass());
  }
}
