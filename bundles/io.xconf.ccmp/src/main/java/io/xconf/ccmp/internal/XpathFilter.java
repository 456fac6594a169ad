package io.xconf.ccmp.internal;

import io.xconf.model.ModelException;
import io.xconf.model.ModelFailure;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpression;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import javax.xml.xpath.XPathFactoryConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The {@code xpathFilter} of the list messages (RFC 6503 sections 5.3.1, 5.3.3, 5.3.7, 5.3.9): an
 * XPath 1.0 expression evaluated against each object's document; the object is listed when the
 * expression selects something (or is true).
 *
 * <p>As in the RFC's examples, conference-info names go without prefix ({@code info:} is accepted
 * too); RFC 6501 names take {@code xcon:}. The subset accepted: location paths, predicates,
 * comparisons, {@code and}/{@code or}, and the functions {@code not}, {@code contains}, {@code
 * starts-with}, {@code count}, {@code string-length}, {@code normalize-space}, {@code text}; at
 * most 512 characters. The JDK's XPath runs with secure processing, so no extension functions.
 */
final class XpathFilter {

  private static final int MAX_LENGTH = 512;
  private static final Set<String> FUNCTIONS =
      Set.of(
          "not",
          "contains",
          "starts-with",
          "count",
          "string-length",
          "normalize-space",
          "text",
          "true",
          "false");
  private static final Pattern FUNCTION_CALL = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)\\s*\\(");
  private static final Map<String, String> PREFIXES =
      Map.of("xcon", Namespaces.XCON, "xconf", Namespaces.XCONF);

  private final XPathExpression expression;
  private final DocumentBuilderFactory documents = DocumentBuilderFactory.newDefaultInstance();

  private XpathFilter(XPathExpression expression) {
    this.expression = expression;
    documents.setNamespaceAware(true);
  }

  /** Null for no filter; else a compiled filter, or 400 for one outside the subset. */
  static XpathFilter of(String filter) throws ModelException {
    if (filter == null || filter.isBlank()) {
      return null;
    }
    String text = filter.trim().replace("info:", "");
    if (text.length() > MAX_LENGTH) {
      throw new ModelException(
          ModelFailure.BAD_REQUEST, "xpathFilter longer than " + MAX_LENGTH + " characters");
    }
    Matcher calls = FUNCTION_CALL.matcher(text.replaceAll("'[^']*'|\"[^\"]*\"", "''"));
    while (calls.find()) {
      if (!FUNCTIONS.contains(calls.group(1))) {
        throw new ModelException(
            ModelFailure.BAD_REQUEST, "xpathFilter may not call " + calls.group(1) + "()");
      }
    }
    try {
      XPathFactory factory = XPathFactory.newDefaultInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      var xpath = factory.newXPath();
      xpath.setNamespaceContext(new Prefixes());
      return new XpathFilter(xpath.compile(text));
    } catch (XPathExpressionException | XPathFactoryConfigurationException e) {
      throw new ModelException(ModelFailure.BAD_REQUEST, "xpathFilter is not XPath 1.0: " + text);
    }
  }

  /** Whether the document is selected. */
  boolean selects(XmlElement document) throws ModelException {
    try {
      Document dom = documents.newDocumentBuilder().newDocument();
      dom.appendChild(toDom(dom, document));
      Object result = expression.evaluate(dom, XPathConstants.BOOLEAN);
      return Boolean.TRUE.equals(result);
    } catch (XPathExpressionException e) {
      throw new ModelException(ModelFailure.BAD_REQUEST, "xpathFilter failed: " + e.getMessage());
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK makes empty DOM documents", e);
    }
  }

  /** conference-info names without namespace, so that the RFC's unprefixed paths match. */
  private static Element toDom(Document dom, XmlElement element) {
    Element created =
        dom.createElementNS(namespace(element.name().getNamespaceURI()), qualified(element.name()));
    element
        .attributes()
        .forEach(
            (name, value) ->
                created.setAttributeNS(
                    name.getNamespaceURI().isEmpty() ? null : name.getNamespaceURI(),
                    qualified(name),
                    value));
    if (element.text() != null) {
      created.setTextContent(element.text());
    }
    for (XmlElement child : element.children()) {
      created.appendChild(toDom(dom, child));
    }
    return created;
  }

  private static String namespace(String uri) {
    return uri.isEmpty() || Namespaces.CONFERENCE_INFO.equals(uri) ? null : uri;
  }

  private static String qualified(javax.xml.namespace.QName name) {
    String uri = name.getNamespaceURI();
    if (Namespaces.XCON.equals(uri)) {
      return "xcon:" + name.getLocalPart();
    }
    if (Namespaces.XCONF.equals(uri)) {
      return "xconf:" + name.getLocalPart();
    }
    return name.getLocalPart();
  }

  private static final class Prefixes implements NamespaceContext {
    @Override
    public String getNamespaceURI(String prefix) {
      return PREFIXES.getOrDefault(prefix, XMLConstants.NULL_NS_URI);
    }

    @Override
    public String getPrefix(String namespaceUri) {
      return null;
    }

    @Override
    public Iterator<String> getPrefixes(String namespaceUri) {
      return java.util.Collections.emptyIterator();
    }
  }
}
