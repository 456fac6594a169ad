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
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jaxen.BaseXPath;
import org.jaxen.Function;
import org.jaxen.JaxenException;
import org.jaxen.SimpleFunctionContext;
import org.jaxen.SimpleNamespaceContext;
import org.jaxen.dom.DocumentNavigator;
import org.jaxen.function.ContainsFunction;
import org.jaxen.function.CountFunction;
import org.jaxen.function.FalseFunction;
import org.jaxen.function.LastFunction;
import org.jaxen.function.NormalizeSpaceFunction;
import org.jaxen.function.NotFunction;
import org.jaxen.function.PositionFunction;
import org.jaxen.function.StartsWithFunction;
import org.jaxen.function.StringLengthFunction;
import org.jaxen.function.TrueFunction;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The {@code xpathFilter} of the list messages (RFC 6503 sections 5.3.1, 5.3.3, 5.3.7, 5.3.9): an
 * XPath 1.0 expression evaluated against each object's document as the caller may see it; the
 * object is listed when the expression selects something (or is true).
 *
 * <p>As in the RFC's examples, conference-info names go without prefix ({@code info:} is accepted
 * too); RFC 6501 names take {@code xcon:}. The subset accepted: location paths, predicates,
 * comparisons, {@code and}/{@code or}, and the functions of {@link #FUNCTIONS}; at most 512
 * characters. Jaxen evaluates it, with only those functions and a metered navigator: one request's
 * filter may visit at most {@link #MAX_STEPS} nodes (a string value counts its length in 16s),
 * since nested descendant predicates grow as a power of the document's size.
 */
final class XpathFilter {

  /** Node visits one request's filter may make over all the documents it is evaluated on. */
  static final long MAX_STEPS = 1_000_000;

  private static final int MAX_LENGTH = 512;
  private static final Map<String, Function> FUNCTIONS =
      Map.ofEntries(
          Map.entry("not", new NotFunction()),
          Map.entry("contains", new ContainsFunction()),
          Map.entry("starts-with", new StartsWithFunction()),
          Map.entry("count", new CountFunction()),
          Map.entry("string-length", new StringLengthFunction()),
          Map.entry("normalize-space", new NormalizeSpaceFunction()),
          Map.entry("position", new PositionFunction()),
          Map.entry("last", new LastFunction()),
          Map.entry("true", new TrueFunction()),
          Map.entry("false", new FalseFunction()));
  private static final Set<String> NODE_TESTS = Set.of("text", "node");
  private static final Pattern FUNCTION_CALL = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)\\s*\\(");
  private static final Map<String, String> PREFIXES =
      Map.of("xcon", Namespaces.XCON, "xconf", Namespaces.XCONF);

  private final BaseXPath expression;
  private final DocumentBuilderFactory documents = DocumentBuilderFactory.newDefaultInstance();

  private XpathFilter(BaseXPath expression) {
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
      if (!FUNCTIONS.containsKey(calls.group(1)) && !NODE_TESTS.contains(calls.group(1))) {
        throw new ModelException(
            ModelFailure.BAD_REQUEST, "xpathFilter may not call " + calls.group(1) + "()");
      }
    }
    try {
      BaseXPath xpath = new BaseXPath(text, new MeteredNavigator(MAX_STEPS));
      SimpleFunctionContext functions = new SimpleFunctionContext();
      FUNCTIONS.forEach((name, function) -> functions.registerFunction(null, name, function));
      xpath.setFunctionContext(functions);
      xpath.setNamespaceContext(new SimpleNamespaceContext(PREFIXES));
      return new XpathFilter(xpath);
    } catch (JaxenException | RuntimeException e) {
      throw new ModelException(ModelFailure.BAD_REQUEST, "xpathFilter is not XPath 1.0: " + text);
    }
  }

  /** Whether the document is selected. */
  boolean selects(XmlElement document) throws ModelException {
    try {
      Document dom = documents.newDocumentBuilder().newDocument();
      dom.appendChild(toDom(dom, document));
      return expression.booleanValueOf(dom);
    } catch (MeteredNavigator.Exhausted e) {
      throw new ModelException(
          ModelFailure.RESOURCES_NOT_AVAILABLE,
          "xpathFilter needs more than " + MAX_STEPS + " node visits; narrow it");
    } catch (JaxenException | RuntimeException e) {
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

  /** Jaxen's DOM navigator, counting the nodes its axes hand out and the strings it reads. */
  static final class MeteredNavigator extends DocumentNavigator {
    private static final long serialVersionUID = 1L;

    /** Thrown through Jaxen when the budget is spent. */
    static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super(null, null, false, false);
      }
    }

    private final long budget;
    private long steps;

    MeteredNavigator(long budget) {
      this.budget = budget;
    }

    private void spend(long cost) {
      steps += cost;
      if (steps > budget) {
        throw new Exhausted();
      }
    }

    private Iterator<?> metered(Iterator<?> axis) {
      return new Iterator<Object>() {
        @Override
        public boolean hasNext() {
          return axis.hasNext();
        }

        @Override
        public Object next() {
          spend(1);
          return axis.next();
        }
      };
    }

    @Override
    public Iterator getChildAxisIterator(Object node) {
      return metered(super.getChildAxisIterator(node));
    }

    @Override
    public Iterator getParentAxisIterator(Object node) {
      return metered(super.getParentAxisIterator(node));
    }

    @Override
    public Iterator getFollowingSiblingAxisIterator(Object node) {
      return metered(super.getFollowingSiblingAxisIterator(node));
    }

    @Override
    public Iterator getPrecedingSiblingAxisIterator(Object node) {
      return metered(super.getPrecedingSiblingAxisIterator(node));
    }

    @Override
    public Iterator getFollowingAxisIterator(Object node) {
      return metered(super.getFollowingAxisIterator(node));
    }

    @Override
    public Iterator getAttributeAxisIterator(Object node) {
      return metered(super.getAttributeAxisIterator(node));
    }

    @Override
    public Iterator getNamespaceAxisIterator(Object node) {
      return metered(super.getNamespaceAxisIterator(node));
    }

    @Override
    public String getElementStringValue(Object node) {
      String value = super.getElementStringValue(node);
      spend(1 + value.length() / 16);
      return value;
    }
  }
}
