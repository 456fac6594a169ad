package io.xconf.schema.internal;

import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.CcmpRequestDocument;
import io.xconf.schema.ccmp.BlueprintRequestType;
import io.xconf.schema.ccmp.BlueprintsRequestType;
import io.xconf.schema.ccmp.CcmpBlueprintRequestMessageType;
import io.xconf.schema.ccmp.CcmpBlueprintsRequestMessageType;
import io.xconf.schema.ccmp.CcmpConfRequestMessageType;
import io.xconf.schema.ccmp.CcmpConfsRequestMessageType;
import io.xconf.schema.ccmp.CcmpOptionsRequestMessageType;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarByRefRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarByValRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarsByRefRequestMessageType;
import io.xconf.schema.ccmp.CcmpSidebarsByValRequestMessageType;
import io.xconf.schema.ccmp.CcmpUserRequestMessageType;
import io.xconf.schema.ccmp.CcmpUsersRequestMessageType;
import io.xconf.schema.ccmp.ConfRequestType;
import io.xconf.schema.ccmp.ConfsRequestType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.SidebarByRefRequestType;
import io.xconf.schema.ccmp.SidebarByValRequestType;
import io.xconf.schema.ccmp.SidebarsByRefRequestType;
import io.xconf.schema.ccmp.SidebarsByValRequestType;
import io.xconf.schema.ccmp.SubjectType;
import io.xconf.schema.ccmp.UserRequestType;
import io.xconf.schema.ccmp.UsersRequestType;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the CCMP requests that carry nothing but their envelope (a retrieve or a delete, a list
 * without a filter, options: what polling clients send most) straight into their bindings, and
 * declines every other document, which JAXB then reads.
 *
 * <p>Reading such a request through JAXB was about a third of a retrieve's CPU under load
 * (docs/performance.md). The reader accepts one narrow shape only, and its result must equal JAXB's
 * for every document it accepts (a differential test and fuzzer hold it to that); anything
 * unexpected (another element or attribute, an order JAXB would forgive, a value JAXB would trim or
 * refuse, a DTD, a parse error) is declined, never judged here, so that errors and their answers
 * stay JAXB's.
 */
final class EnvelopeReader {

  /** Larger documents are never envelopes; they go to JAXB without a first look. */
  static final int MAX_BYTES = 8 * 1024;

  private static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;

  /** A request type: its binding and its specialized message (none for options). */
  private record Shape(
      Supplier<CcmpRequestMessageType> message,
      String specialized,
      java.util.function.Consumer<CcmpRequestMessageType> withEmptySpecialized) {}

  private static final Map<String, Shape> SHAPES =
      Map.ofEntries(
          Map.entry(
              "ccmp-blueprints-request-message-type",
              new Shape(
                  CcmpBlueprintsRequestMessageType::new,
                  "blueprintsRequest",
                  m ->
                      ((CcmpBlueprintsRequestMessageType) m)
                          .setBlueprintsRequest(new BlueprintsRequestType()))),
          Map.entry(
              "ccmp-blueprint-request-message-type",
              new Shape(
                  CcmpBlueprintRequestMessageType::new,
                  "blueprintRequest",
                  m ->
                      ((CcmpBlueprintRequestMessageType) m)
                          .setBlueprintRequest(new BlueprintRequestType()))),
          Map.entry(
              "ccmp-confs-request-message-type",
              new Shape(
                  CcmpConfsRequestMessageType::new,
                  "confsRequest",
                  m -> ((CcmpConfsRequestMessageType) m).setConfsRequest(new ConfsRequestType()))),
          Map.entry(
              "ccmp-conf-request-message-type",
              new Shape(
                  CcmpConfRequestMessageType::new,
                  "confRequest",
                  m -> ((CcmpConfRequestMessageType) m).setConfRequest(new ConfRequestType()))),
          Map.entry(
              "ccmp-users-request-message-type",
              new Shape(
                  CcmpUsersRequestMessageType::new,
                  "usersRequest",
                  m -> ((CcmpUsersRequestMessageType) m).setUsersRequest(new UsersRequestType()))),
          Map.entry(
              "ccmp-user-request-message-type",
              new Shape(
                  CcmpUserRequestMessageType::new,
                  "userRequest",
                  m -> ((CcmpUserRequestMessageType) m).setUserRequest(new UserRequestType()))),
          Map.entry(
              "ccmp-sidebarsByVal-request-message-type",
              new Shape(
                  CcmpSidebarsByValRequestMessageType::new,
                  "sidebarsByValRequest",
                  m ->
                      ((CcmpSidebarsByValRequestMessageType) m)
                          .setSidebarsByValRequest(new SidebarsByValRequestType()))),
          Map.entry(
              "ccmp-sidebarsByRef-request-message-type",
              new Shape(
                  CcmpSidebarsByRefRequestMessageType::new,
                  "sidebarsByRefRequest",
                  m ->
                      ((CcmpSidebarsByRefRequestMessageType) m)
                          .setSidebarsByRefRequest(new SidebarsByRefRequestType()))),
          Map.entry(
              "ccmp-sidebarByVal-request-message-type",
              new Shape(
                  CcmpSidebarByValRequestMessageType::new,
                  "sidebarByValRequest",
                  m ->
                      ((CcmpSidebarByValRequestMessageType) m)
                          .setSidebarByValRequest(new SidebarByValRequestType()))),
          Map.entry(
              "ccmp-sidebarByRef-request-message-type",
              new Shape(
                  CcmpSidebarByRefRequestMessageType::new,
                  "sidebarByRefRequest",
                  m ->
                      ((CcmpSidebarByRefRequestMessageType) m)
                          .setSidebarByRefRequest(new SidebarByRefRequestType()))),
          Map.entry(
              "ccmp-options-request-message-type",
              new Shape(CcmpOptionsRequestMessageType::new, null, m -> {})));

  /** The envelope's fields, in the order of the schema's sequence. */
  private static final String[] FIELDS = {
    "subject", "confUserID", "confObjID", "operation", "conference-password"
  };

  private final XMLInputFactory inputs;

  EnvelopeReader(XMLInputFactory inputs) {
    this.inputs = inputs;
  }

  /** The request, or null when {@code document} is not an envelope-only request read exactly. */
  CcmpRequestDocument read(byte[] document) {
    if (document.length > MAX_BYTES) {
      return null;
    }
    XMLStreamReader reader = null;
    try {
      reader = inputs.createXMLStreamReader(new ByteArrayInputStream(document));
      return read(reader);
    } catch (XMLStreamException | RuntimeException e) {
      return null; // JAXB reads it again and says what is wrong
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException e) {
          // nothing held beyond the array
        }
      }
    }
  }

  private static CcmpRequestDocument read(XMLStreamReader reader) throws XMLStreamException {
    if (nextTag(reader) != XMLStreamConstants.START_ELEMENT
        || !"ccmpRequest".equals(reader.getLocalName())
        || reader.getAttributeCount() != 0) {
      return null;
    }
    CcmpNamespace namespace = CcmpNamespace.of(reader.getNamespaceURI()).orElse(null);
    if (namespace == null
        || nextTag(reader) != XMLStreamConstants.START_ELEMENT
        || !unqualified(reader, "ccmpRequest")
        || reader.getAttributeCount() != 1
        || !XSI.equals(reader.getAttributeNamespace(0))
        || !"type".equals(reader.getAttributeLocalName(0))) {
      return null;
    }
    Shape shape = shapeOf(reader, reader.getAttributeValue(0));
    if (shape == null) {
      return null;
    }
    CcmpRequestMessageType message = shape.message().get();
    int next = 0;
    int event = nextTag(reader);
    while (event == XMLStreamConstants.START_ELEMENT && isUnqualified(reader)) {
      String name = reader.getLocalName();
      int field = indexOf(name, next);
      if (field < 0 || reader.getAttributeCount() != 0) {
        return null;
      }
      next = field + 1;
      if (field == 0) {
        SubjectType subject = subject(reader);
        if (subject == null) {
          return null;
        }
        message.setSubject(subject);
      } else {
        String text = text(reader);
        if (text == null) {
          return null;
        }
        switch (field) {
          case 1 -> message.setConfUserID(text);
          case 2 -> message.setConfObjID(text);
          case 3 -> {
            OperationType operation = operation(text);
            if (operation == null) {
              return null;
            }
            message.setOperation(operation);
          }
          default -> message.setConferencePassword(text);
        }
      }
      event = nextTag(reader);
    }
    if (shape.specialized() != null) {
      if (event != XMLStreamConstants.START_ELEMENT
          || CcmpNamespace.of(reader.getNamespaceURI()).isEmpty()
          || !shape.specialized().equals(reader.getLocalName())
          || reader.getAttributeCount() != 0
          || nextTag(reader) != XMLStreamConstants.END_ELEMENT) {
        return null;
      }
      shape.withEmptySpecialized().accept(message);
      event = nextTag(reader);
    }
    // The inner request ends, then the root, then nothing but comments and white space.
    if (event != XMLStreamConstants.END_ELEMENT
        || nextTag(reader) != XMLStreamConstants.END_ELEMENT
        || nextTag(reader) != XMLStreamConstants.END_DOCUMENT) {
      return null;
    }
    return new CcmpRequestDocument(message, namespace);
  }

  private static boolean unqualified(XMLStreamReader reader, String localName) {
    return isUnqualified(reader) && localName.equals(reader.getLocalName());
  }

  private static boolean isUnqualified(XMLStreamReader reader) {
    String uri = reader.getNamespaceURI();
    return uri == null || uri.isEmpty();
  }

  /** The shape an {@code xsi:type} names, written {@code prefix:name} with a CCMP prefix. */
  private static Shape shapeOf(XMLStreamReader reader, String type) {
    int colon = type.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String uri = reader.getNamespaceURI(type.substring(0, colon));
    if (uri == null || CcmpNamespace.of(uri).isEmpty()) {
      return null;
    }
    return SHAPES.get(type.substring(colon + 1));
  }

  private static int indexOf(String name, int from) {
    for (int i = from; i < FIELDS.length; i++) {
      if (FIELDS[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static OperationType operation(String text) {
    for (OperationType operation : OperationType.values()) {
      if (operation.value().equals(text)) {
        return operation;
      }
    }
    return null;
  }

  /** {@code <subject>}: an optional username, then an optional password, nothing else. */
  private static SubjectType subject(XMLStreamReader reader) throws XMLStreamException {
    SubjectType subject = new SubjectType();
    String[] fields = {"username", "password"};
    String[] values = new String[fields.length];
    int event = nextTag(reader);
    for (int i = 0; i < fields.length; i++) {
      if (event == XMLStreamConstants.START_ELEMENT && unqualified(reader, fields[i])) {
        values[i] = reader.getAttributeCount() == 0 ? text(reader) : null;
        if (values[i] == null) {
          return null;
        }
        event = nextTag(reader);
      }
    }
    if (event != XMLStreamConstants.END_ELEMENT) {
      return null;
    }
    subject.setUsername(values[0]);
    subject.setPassword(values[1]);
    return subject;
  }

  /**
   * The text of an element that holds text only, as JAXB keeps an {@code xs:string}: untrimmed,
   * CDATA included. Null if anything else is inside.
   */
  private static String text(XMLStreamReader reader) throws XMLStreamException {
    StringBuilder text = null;
    String only = "";
    while (true) {
      int event = reader.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (text == null && only.isEmpty()) {
            only = reader.getText();
          } else {
            if (text == null) {
              text = new StringBuilder(only);
            }
            text.append(reader.getText());
          }
        }
        case XMLStreamConstants.COMMENT -> {
          // JAXB skips comments within text too
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return text == null ? only : text.toString();
        }
        default -> {
          return null;
        }
      }
    }
  }

  /**
   * The next start or end of an element (or the end of the document), past white space, comments
   * and processing instructions; -1 for anything else (text where only elements belong, a DTD, an
   * entity reference).
   */
  private static int nextTag(XMLStreamReader reader) throws XMLStreamException {
    while (reader.hasNext()) {
      int event = reader.next();
      switch (event) {
        case XMLStreamConstants.START_ELEMENT,
            XMLStreamConstants.END_ELEMENT,
            XMLStreamConstants.END_DOCUMENT -> {
          return event;
        }
        case XMLStreamConstants.SPACE,
            XMLStreamConstants.COMMENT,
            XMLStreamConstants.PROCESSING_INSTRUCTION -> {
          // nothing a binding keeps
        }
        case XMLStreamConstants.CHARACTERS -> {
          if (!reader.isWhiteSpace()) {
            return -1;
          }
        }
        default -> {
          return -1;
        }
      }
    }
    return XMLStreamConstants.END_DOCUMENT;
  }
}
