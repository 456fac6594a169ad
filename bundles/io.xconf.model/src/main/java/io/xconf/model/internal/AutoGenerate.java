package io.xconf.model.internal;

import io.xconf.model.ModelException;
import io.xconf.model.ModelFailure;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.namespace.QName;

/**
 * AUTO_GENERATE_X placeholders (RFC 6503 section 4.3): each distinct X gets one fresh id, used for
 * every occurrence in the document. Placeholders must stand in a value; in an XCON-URI or
 * XCON-USERID they must be in the user part of an address in our domain.
 */
final class AutoGenerate {

  private static final String MARK = "AUTO_GENERATE_";
  private static final Pattern PLACEHOLDER = Pattern.compile("AUTO_GENERATE_(\\d+)");
  private static final Pattern XCON_ADDRESS =
      Pattern.compile("(?i)(xcon|xcon-userid):([^@]*)@(.*)");

  private final String domain;
  private final Supplier<String> ids;
  private final Map<String, String> generated = new HashMap<>();

  private AutoGenerate(String domain, Supplier<String> ids) {
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.ids = ids;
  }

  /** Returns the document with every placeholder replaced, or refuses it (400, 427). */
  static XmlElement replace(XmlElement document, String domain, Supplier<String> ids)
      throws ModelException {
    return new AutoGenerate(domain, ids).element(document);
  }

  private XmlElement element(XmlElement element) throws ModelException {
    checkName(element.name());
    boolean changed = false;
    Map<QName, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<QName, String> attribute : element.attributes().entrySet()) {
      checkName(attribute.getKey());
      String value = value(attribute.getValue());
      changed |= !value.equals(attribute.getValue());
      attributes.put(attribute.getKey(), value);
    }
    String text = element.text() == null ? null : value(element.text());
    changed |= text != null && !text.equals(element.text());
    List<XmlElement> children = new ArrayList<>(element.children().size());
    for (XmlElement child : element.children()) {
      XmlElement replaced = element(child);
      changed |= replaced != child;
      children.add(replaced);
    }
    return changed ? XmlElement.of(element.name(), attributes, text, children) : element;
  }

  private static void checkName(QName name) throws ModelException {
    if (name.getLocalPart().contains(MARK)) {
      throw new ModelException(
          ModelFailure.BAD_REQUEST,
          "AUTO_GENERATE_X may stand only in a value, not in the name " + name.getLocalPart());
    }
  }

  private String value(String value) throws ModelException {
    if (!value.contains(MARK)) {
      return value;
    }
    Matcher address = XCON_ADDRESS.matcher(value.trim());
    if (address.matches()) {
      if (address.group(3).contains(MARK)) {
        throw new ModelException(
            ModelFailure.BAD_REQUEST,
            "AUTO_GENERATE_X stands for an id, not for a domain: " + value);
      }
      if (PLACEHOLDER.matcher(address.group(2)).find()
          && !address.group(3).toLowerCase(Locale.ROOT).equals(domain)) {
        throw new ModelException(
            ModelFailure.INVALID_DOMAIN_NAME,
            address.group(3) + " is not this server's domain (" + domain + ")");
      }
    }
    Matcher placeholders = PLACEHOLDER.matcher(value);
    StringBuilder replaced = new StringBuilder();
    while (placeholders.find()) {
      String id = generated.computeIfAbsent(placeholders.group(1), x -> ids.get());
      placeholders.appendReplacement(replaced, id);
    }
    placeholders.appendTail(replaced);
    if (replaced.indexOf(MARK) >= 0) {
      throw new ModelException(ModelFailure.BAD_REQUEST, "malformed placeholder in " + value);
    }
    return replaced.toString();
  }
}
