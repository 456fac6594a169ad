package io.xconf.ccmp.extension.confsummary.internal;

import io.xconf.accounts.Account;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.ConferenceAccess;
import io.xconf.ccmp.extension.CcmpExtension;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.Namespaces;
import io.xconf.model.ObjectKind;
import io.xconf.model.UserLists;
import io.xconf.model.XmlElement;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import io.xconf.schema.ccmp.ExtendedResponseType;
import io.xconf.schema.ccmp.OperationType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code confSummaryRequest} (RFC 6503 section 6.9): the title, status (active or registered),
 * openness and media of a conference, for those who may see it.
 */
@Component
public final class ConfSummaryExtension implements CcmpExtension {

  static final String NAMESPACE = "urn:xconf:params:xml:ns:ccmp-conf-summary";
  private static final QName DESCRIPTION = info("conference-description");

  private final ConferenceService conferences;
  private final DocumentBuilderFactory documents = DocumentBuilderFactory.newDefaultInstance();

  @Activate
  public ConfSummaryExtension(@Reference ConferenceService conferences) {
    this.conferences = conferences;
    documents.setNamespaceAware(true);
  }

  @Override
  public String name() {
    return "confSummaryRequest";
  }

  @Override
  public Set<OperationType> operations() {
    return Set.of(OperationType.RETRIEVE);
  }

  @Override
  public String schemaDefinition() {
    return NAMESPACE;
  }

  @Override
  public String description() {
    return "A brief description of the conference named in confObjID: title, status, public, media.";
  }

  @Override
  public CcmpExtendedResponseMessageType handle(
      CcmpExtendedRequestMessageType request, Account sender) {
    CcmpExtendedResponseMessageType response = new CcmpExtendedResponseMessageType();
    response.setExtendedResponse(new ExtendedResponseType());
    if (request.getOperation() != null && request.getOperation() != OperationType.RETRIEVE) {
      return answer(response, CcmpResponseCode.FORBIDDEN, "confSummaryRequest only retrieves");
    }
    Optional<ConferenceObject> found =
        request.getConfObjID() == null
            ? Optional.empty()
            : conferences.get(request.getConfObjID().trim());
    if (found.isEmpty() || found.get().kind() != ObjectKind.CONFERENCE) {
      return answer(
          response, CcmpResponseCode.OBJECT_NOT_FOUND, "no conference " + request.getConfObjID());
    }
    ConferenceObject conference = found.get();
    if (!ConferenceAccess.sees(conference, sender)) {
      return answer(response, CcmpResponseCode.UNAUTHORIZED, null);
    }
    CcmpResponseCode password =
        ConferenceAccess.passwordCheck(conference, sender, request.getConferencePassword());
    if (password != null) {
      return answer(response, password, null);
    }
    response.getExtendedResponse().getAny().add(summary(conference.document()));
    response.setVersion(BigInteger.valueOf(conference.version()));
    return answer(response, CcmpResponseCode.SUCCESS, null);
  }

  private Element summary(XmlElement document) {
    Document dom;
    try {
      dom = documents.newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK makes empty DOM documents", e);
    }
    Element summary = dom.createElementNS(NAMESPACE, "summary:confSummary");
    XmlElement description = document.child(DESCRIPTION).orElse(XmlElement.of(DESCRIPTION));
    // As figure 27 has it: the children are unqualified.
    append(
        dom,
        summary,
        "title",
        description.child(info("display-text")).map(XmlElement::text).orElse(""));
    boolean active =
        document
            .child(info("conference-state"))
            .flatMap(s -> s.child(info("active")))
            .map(a -> "true".equals(a.text()))
            .orElse(false);
    append(dom, summary, "status", active ? "active" : "registered");
    append(dom, summary, "public", Boolean.toString(isPublic(document)));
    append(dom, summary, "media", String.join(" ", media(description)));
    return summary;
  }

  /** Everyone may join: join-handling allows it and no password is set. */
  private static boolean isPublic(XmlElement document) {
    return "allow".equals(UserLists.joinHandling(document))
        && ConferenceAccess.passwords(document).isEmpty();
  }

  private static List<String> media(XmlElement description) {
    List<String> types = new ArrayList<>();
    description
        .child(info("available-media"))
        .ifPresent(
            media -> {
              for (XmlElement entry : media.children(info("entry"))) {
                entry
                    .child(info("type"))
                    .map(XmlElement::text)
                    .map(String::trim)
                    .filter(t -> !types.contains(t))
                    .ifPresent(types::add);
              }
            });
    return types;
  }

  private static void append(Document dom, Element parent, String name, String text) {
    Element child = dom.createElementNS(null, name);
    child.setTextContent(text);
    parent.appendChild(child);
  }

  private static CcmpExtendedResponseMessageType answer(
      CcmpExtendedResponseMessageType response, CcmpResponseCode code, String detail) {
    response.setResponseCode(code.asBigInteger());
    response.setResponseString(detail == null ? code.reason() : detail);
    return response;
  }

  private static QName info(String localName) {
    return new QName(Namespaces.CONFERENCE_INFO, localName);
  }
}
