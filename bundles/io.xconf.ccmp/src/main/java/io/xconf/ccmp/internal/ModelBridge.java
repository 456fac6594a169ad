package io.xconf.ccmp.internal;

import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.model.MalformedXmlException;
import io.xconf.model.ModelException;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import io.xconf.schema.MalformedDocumentException;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.conferenceinfo.ConferenceType;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;

/**
 * What the message handlers share: moving documents between the CCMP bindings and the model's
 * trees, and answering with a response code.
 */
final class ModelBridge {

  static final QName CONFERENCE_INFO = new QName(Namespaces.CONFERENCE_INFO, "conference-info");
  static final QName USERS = new QName(Namespaces.CONFERENCE_INFO, "users");
  static final QName USER = new QName(Namespaces.CONFERENCE_INFO, "user");
  static final QName DESCRIPTION = new QName(Namespaces.CONFERENCE_INFO, "conference-description");
  static final QName DISPLAY_TEXT = new QName(Namespaces.CONFERENCE_INFO, "display-text");
  static final QName FREE_TEXT = new QName(Namespaces.CONFERENCE_INFO, "free-text");
  private static final int MAX_DEPTH = 64;

  private final XconCodec codec;
  private final java.util.Map<String, CachedBinding> recentBindings =
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, CachedBinding> eldest) {
          return size() > 256;
        }
      };

  ModelBridge(XconCodec codec) {
    this.codec = codec;
  }

  /**
   * A client's binding (conference-type, users-type, user-type) as the model's tree, named {@code
   * name}, once it is valid against RFC 4575 and RFC 6501: the bindings read leniently, and what a
   * client stores is what every later answer carries. Invalid: 409 in an update (section 5.3.4, not
   * feasible), else 400.
   */
  <T> XmlElement tree(QName name, Class<T> type, T binding, boolean update) throws ModelException {
    XmlElement tree;
    try {
      tree = XmlDocuments.parse(codec.writeBinding(name, type, binding), MAX_DEPTH);
    } catch (MalformedXmlException | IllegalArgumentException e) {
      throw new ModelException(
          io.xconf.model.ModelFailure.BAD_REQUEST, "unreadable document: " + e.getMessage());
    }
    Optional<String> invalid =
        codec.invalidity(XmlDocuments.toBytes(asDocument(tree), XmlDocuments.RFC_PREFIXES));
    if (invalid.isPresent()) {
      throw new ModelException(
          update ? io.xconf.model.ModelFailure.CONFLICT : io.xconf.model.ModelFailure.BAD_REQUEST,
          "not valid against RFC 4575/6501: " + invalid.get());
    }
    return tree;
  }

  /**
   * A fragment inside the {@code <conference-info>} the schema can check it in, without the empty
   * elements that ask a partial update to remove what they name (an empty {@code
   * <maximum-user-count/>} is a removal, not a count).
   */
  private static XmlElement asDocument(XmlElement fragment) {
    XmlElement tree = withoutRemovals(fragment);
    XmlElement document =
        tree.name().equals(CONFERENCE_INFO)
            ? tree
            : conferenceWith(
                tree.name().equals(USERS)
                    ? tree
                    : XmlElement.of(USERS).withChildren(List.of(tree)));
    // The object's own XCON-URI is the model's to give: a client may leave it out.
    return document.attribute("entity") == null
        ? document.withAttribute("entity", "xcon:unnamed@invalid")
        : document;
  }

  private static XmlElement withoutRemovals(XmlElement element) {
    if (element.children().isEmpty()) {
      return element;
    }
    List<XmlElement> kept = new java.util.ArrayList<>();
    for (XmlElement child : element.children()) {
      boolean removal =
          child.children().isEmpty()
              && child.attributes().isEmpty()
              && (child.text() == null || child.text().isEmpty());
      if (!removal) {
        kept.add(withoutRemovals(child));
      }
    }
    return element.withChildren(kept);
  }

  /** A model tree as a binding. */
  <T> T binding(XmlElement tree, Class<T> type) {
    try {
      return codec.readBinding(XmlDocuments.toBytes(tree, XmlDocuments.RFC_PREFIXES), type);
    } catch (MalformedDocumentException e) {
      throw new IllegalStateException("the model produced a document its bindings cannot read", e);
    }
  }

  /**
   * The binding of a conference document. Retrieving the same conference again is the common case:
   * the last bindings are kept per entity and reused while the document is equal (the bindings are
   * only read afterwards, by the marshaller).
   */
  ConferenceType conferenceBinding(XmlElement document) {
    String entity = document.attribute("entity");
    if (entity == null) {
      return binding(document, ConferenceType.class);
    }
    synchronized (recentBindings) {
      CachedBinding cached = recentBindings.get(entity);
      if (cached != null && cached.document().equals(document)) {
        return cached.binding();
      }
    }
    ConferenceType binding = binding(document, ConferenceType.class);
    synchronized (recentBindings) {
      recentBindings.put(entity, new CachedBinding(document, binding));
    }
    return binding;
  }

  private record CachedBinding(XmlElement document, ConferenceType binding) {}

  /** {@code <conference-info>} around {@code children}: the form of a partial update. */
  static XmlElement conferenceWith(XmlElement... children) {
    return XmlElement.of(CONFERENCE_INFO).withChildren(List.of(children));
  }

  /** Sets the response code, and a reason string only where it tells more than the code. */
  static <R extends CcmpResponseMessageType> R answer(
      R response, CcmpResponseCode code, String detail) {
    response.setResponseCode(code.asBigInteger());
    response.setResponseString(detail == null ? code.reason() : detail);
    return response;
  }

  static <R extends CcmpResponseMessageType> R answer(R response, ModelException failure) {
    return answer(
        response, CcmpResponseCode.of(failure.failure().responseCode()), failure.getMessage());
  }

  static void version(CcmpResponseMessageType response, long version) {
    response.setVersion(BigInteger.valueOf(version));
  }

  /**
   * Null when the request's operation is one of {@code allowed}; otherwise the code to answer: 400
   * when the message needs an operation and has none, 403 for one Table 1 marks N/A.
   */
  static CcmpResponseCode refusedOperation(
      CcmpRequestMessageType request, Set<OperationType> allowed, boolean required) {
    OperationType operation = request.getOperation();
    if (operation == null) {
      return required ? CcmpResponseCode.BAD_REQUEST : null;
    }
    return allowed.contains(operation) ? null : CcmpResponseCode.FORBIDDEN;
  }

  /** The text of a child of {@code conference-description}, or null. */
  static String descriptionText(XmlElement document, QName child) {
    return document
        .child(DESCRIPTION)
        .flatMap(d -> d.child(child))
        .map(XmlElement::text)
        .orElse(null);
  }
}
