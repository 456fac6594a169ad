package io.xconf.schema.internal;

import io.xconf.schema.CcmpNamespace;
import javax.xml.namespace.NamespaceContext;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.util.StreamReaderDelegate;

/**
 * The reader JAXB sees: it refuses DTDs and documents nested too deep, presents the drafts' CCMP
 * namespace as the published one (so one set of bindings reads both), and remembers what a 400
 * answer needs to mirror (the namespace of the root, the sender's {@code confUserID}).
 */
final class GuardedReader extends StreamReaderDelegate {

  private static final String DRAFT = CcmpNamespace.DRAFT.uri();
  private static final String PUBLISHED = CcmpNamespace.PUBLISHED.uri();

  private final int maxDepth;
  private int depth;
  private String rootNamespace;
  private boolean inConfUserId;
  private StringBuilder confUserId;

  GuardedReader(XMLStreamReader reader, int maxDepth) {
    super(reader);
    this.maxDepth = maxDepth;
  }

  /** The namespace URI of the root element as written by the client, or null before it. */
  String rootNamespace() {
    return rootNamespace;
  }

  /** The text of the inner request's {@code confUserID}, or null if not (yet) seen. */
  String confUserId() {
    return confUserId == null ? null : confUserId.toString().trim();
  }

  /**
   * Reads on after a failure that left the rest unread, so that the error answer can still mirror
   * the sender's {@code confUserID}; the size and depth limits still apply.
   */
  void drainQuietly() {
    try {
      while (hasNext()) {
        next();
      }
    } catch (XMLStreamException | RuntimeException e) {
      // The document is already known to be bad; what was collected so far is what we have.
    }
  }

  @Override
  public int next() throws XMLStreamException {
    int event = super.next();
    observe(event);
    return event;
  }

  @Override
  public int nextTag() throws XMLStreamException {
    int event = super.nextTag();
    observe(event);
    return event;
  }

  private void observe(int event) throws XMLStreamException {
    switch (event) {
      case XMLStreamConstants.DTD:
        throw new XMLStreamException("DTDs are not accepted", getLocation());
      case XMLStreamConstants.ENTITY_REFERENCE:
        throw new XMLStreamException("entity references are not accepted", getLocation());
      case XMLStreamConstants.START_ELEMENT:
        depth++;
        if (depth > maxDepth) {
          throw new XMLStreamException("document nested deeper than " + maxDepth, getLocation());
        }
        if (depth == 1) {
          rootNamespace = super.getNamespaceURI();
        }
        // <ccmpResponse><ccmpRequest><confUserID>: the sender's id, the third level down.
        inConfUserId = depth == 3 && "confUserID".equals(super.getLocalName());
        if (inConfUserId) {
          confUserId = new StringBuilder();
        }
        break;
      case XMLStreamConstants.END_ELEMENT:
        depth--;
        inConfUserId = false;
        break;
      case XMLStreamConstants.CHARACTERS:
      case XMLStreamConstants.CDATA:
        if (inConfUserId && confUserId.length() < 1024) {
          confUserId.append(super.getText());
        }
        break;
      default:
        break;
    }
  }

  private static String published(String uri) {
    return DRAFT.equals(uri) ? PUBLISHED : uri;
  }

  @Override
  public String getNamespaceURI() {
    return published(super.getNamespaceURI());
  }

  @Override
  public String getNamespaceURI(String prefix) {
    return published(super.getNamespaceURI(prefix));
  }

  @Override
  public String getNamespaceURI(int index) {
    return published(super.getNamespaceURI(index));
  }

  @Override
  public String getAttributeNamespace(int index) {
    return published(super.getAttributeNamespace(index));
  }

  @Override
  public QName getName() {
    QName name = super.getName();
    return DRAFT.equals(name.getNamespaceURI())
        ? new QName(PUBLISHED, name.getLocalPart(), name.getPrefix())
        : name;
  }

  @Override
  public QName getAttributeName(int index) {
    QName name = super.getAttributeName(index);
    return DRAFT.equals(name.getNamespaceURI())
        ? new QName(PUBLISHED, name.getLocalPart(), name.getPrefix())
        : name;
  }

  @Override
  public NamespaceContext getNamespaceContext() {
    NamespaceContext context = super.getNamespaceContext();
    return new NamespaceContext() {
      @Override
      public String getNamespaceURI(String prefix) {
        return published(context.getNamespaceURI(prefix));
      }

      @Override
      public String getPrefix(String namespaceUri) {
        String prefix = context.getPrefix(namespaceUri);
        return prefix == null && PUBLISHED.equals(namespaceUri) ? context.getPrefix(DRAFT) : prefix;
      }

      @Override
      public java.util.Iterator<String> getPrefixes(String namespaceUri) {
        return context.getPrefixes(namespaceUri);
      }
    };
  }

  @Override
  public String getAttributeValue(String namespaceUri, String localName) {
    String value = super.getAttributeValue(namespaceUri, localName);
    if (value == null && PUBLISHED.equals(namespaceUri)) {
      value = super.getAttributeValue(DRAFT, localName);
    }
    return value;
  }
}
