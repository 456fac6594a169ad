package io.xconf.itests.probe;

import io.xconf.accounts.Account;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.extension.CcmpExtension;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.CreateRequest;
import io.xconf.model.ModelException;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Reaches the conference model over HTTP before the CCMP endpoint's own handlers exist: {@code
 * xconfProbeCreate} creates a conference titled with the request's {@code <probe:label>} and
 * answers its confObjID and version; {@code xconfProbeGet} answers the title and version of the
 * confObjID asked for, or 404.
 */
public final class ModelProbe {

  private static final QName DESCRIPTION =
      new QName(Namespaces.CONFERENCE_INFO, "conference-description");
  private static final QName DISPLAY_TEXT = new QName(Namespaces.CONFERENCE_INFO, "display-text");

  private ModelProbe() {}

  /** {@code xconfProbeCreate}. */
  @Component(service = CcmpExtension.class)
  public static final class Create implements CcmpExtension {
    private final ConferenceService conferences;

    @Activate
    public Create(@Reference ConferenceService conferences) {
      this.conferences = conferences;
    }

    @Override
    public String name() {
      return "xconfProbeCreate";
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.CREATE);
    }

    @Override
    public String schemaDefinition() {
      return ProbeRequests.NAMESPACE;
    }

    @Override
    public String description() {
      return "creates a conference titled with probe:label (integration tests)";
    }

    @Override
    public CcmpExtendedResponseMessageType handle(
        CcmpExtendedRequestMessageType request, Account sender) {
      String label = ProbeRequests.label(request);
      if (label == null) {
        return ProbeRequests.answer(CcmpResponseCode.BAD_REQUEST, "probe:label missing");
      }
      XmlElement document =
          XmlElement.of(new QName(Namespaces.CONFERENCE_INFO, "conference-info"))
              .withChildren(
                  List.of(
                      XmlElement.of(DESCRIPTION)
                          .withChildren(List.of(XmlElement.leaf(DISPLAY_TEXT, label)))));
      try {
        ConferenceObject created =
            conferences.create(CreateRequest.conference(null, document, sender.userId()));
        CcmpExtendedResponseMessageType response =
            ProbeRequests.answer(CcmpResponseCode.SUCCESS, "created");
        response.setConfObjID(created.uri());
        response.setVersion(BigInteger.valueOf(created.version()));
        return response;
      } catch (ModelException e) {
        return ProbeRequests.answer(CcmpResponseCode.SERVER_INTERNAL_ERROR, e.getMessage());
      }
    }
  }

  /** {@code xconfProbeGet}. */
  @Component(service = CcmpExtension.class)
  public static final class Get implements CcmpExtension {
    private final ConferenceService conferences;

    @Activate
    public Get(@Reference ConferenceService conferences) {
      this.conferences = conferences;
    }

    @Override
    public String name() {
      return "xconfProbeGet";
    }

    @Override
    public Set<OperationType> operations() {
      return Set.of(OperationType.RETRIEVE);
    }

    @Override
    public String schemaDefinition() {
      return ProbeRequests.NAMESPACE;
    }

    @Override
    public String description() {
      return "answers the title and version of confObjID (integration tests)";
    }

    @Override
    public CcmpExtendedResponseMessageType handle(
        CcmpExtendedRequestMessageType request, Account sender) {
      Optional<ConferenceObject> found = conferences.get(request.getConfObjID());
      if (found.isEmpty()) {
        return ProbeRequests.answer(CcmpResponseCode.OBJECT_NOT_FOUND, "no such conference");
      }
      String title =
          found
              .get()
              .document()
              .child(DESCRIPTION)
              .flatMap(d -> d.child(DISPLAY_TEXT))
              .map(XmlElement::text)
              .orElse("");
      CcmpExtendedResponseMessageType response =
          ProbeRequests.answer(CcmpResponseCode.SUCCESS, title);
      response.setVersion(BigInteger.valueOf(found.get().version()));
      return response;
    }
  }
}
