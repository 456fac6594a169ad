package io.xconf.ccmp.internal;

import io.xconf.ccmp.CcmpMessageHandler;
import io.xconf.ccmp.extension.CcmpExtension;
import io.xconf.schema.ccmp.ExtendedMessageListType;
import io.xconf.schema.ccmp.ExtendedMessageType;
import io.xconf.schema.ccmp.OperationType;
import io.xconf.schema.ccmp.OperationsType;
import io.xconf.schema.ccmp.OptionsType;
import io.xconf.schema.ccmp.StandardMessageListType;
import io.xconf.schema.ccmp.StandardMessageNameType;
import io.xconf.schema.ccmp.StandardMessageType;
import jakarta.xml.bind.JAXBElement;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import javax.xml.namespace.QName;

/** The {@code <options>} of an optionsResponse (RFC 6503 section 5.3.12): what is installed now. */
final class Options {

  private static final QName EXTENDED_MESSAGE = new QName("extended-message");

  /** The order of RFC 6503 section 5.3 (and of its optionsResponse example). */
  private static final List<StandardMessageNameType> SECTION_ORDER =
      List.of(
          StandardMessageNameType.BLUEPRINTS_REQUEST,
          StandardMessageNameType.BLUEPRINT_REQUEST,
          StandardMessageNameType.CONFS_REQUEST,
          StandardMessageNameType.CONF_REQUEST,
          StandardMessageNameType.USERS_REQUEST,
          StandardMessageNameType.USER_REQUEST,
          StandardMessageNameType.SIDEBARS_BY_VAL_REQUEST,
          StandardMessageNameType.SIDEBAR_BY_VAL_REQUEST,
          StandardMessageNameType.SIDEBARS_BY_REF_REQUEST,
          StandardMessageNameType.SIDEBAR_BY_REF_REQUEST);

  private Options() {}

  /**
   * Lists the installed handlers and extensions, or returns null while no standard handler is
   * installed: {@code <standard-message-list>} needs at least one entry, and {@code <options>} may
   * be left out.
   */
  static OptionsType describe(
      Collection<CcmpMessageHandler> handlers, Collection<CcmpExtension> extensions) {
    if (handlers.isEmpty()) {
      return null;
    }
    StandardMessageListType standard = new StandardMessageListType();
    handlers.stream()
        .sorted(Comparator.comparing(handler -> SECTION_ORDER.indexOf(handler.message())))
        .forEach(handler -> standard.getStandardMessage().add(standardMessage(handler)));
    OptionsType options = new OptionsType();
    options.setStandardMessageList(standard);

    List<ExtendedMessageType> extended =
        extensions.stream()
            .sorted(Comparator.comparing(CcmpExtension::name))
            .map(Options::extendedMessage)
            .toList();
    if (!extended.isEmpty()) {
      ExtendedMessageListType list = new ExtendedMessageListType();
      list.setExtendedMessage(extended.get(0));
      // The RFC 6503 schema forgot maxOccurs on <extended-message> although the text calls it a
      // list: further extensions follow as more <extended-message> elements, as clients expect.
      for (ExtendedMessageType more : extended.subList(1, extended.size())) {
        list.getAny().add(new JAXBElement<>(EXTENDED_MESSAGE, ExtendedMessageType.class, more));
      }
      options.setExtendedMessageList(list);
    }
    return options;
  }

  private static StandardMessageType standardMessage(CcmpMessageHandler handler) {
    StandardMessageType message = new StandardMessageType();
    message.setName(handler.message());
    message.setOperations(operations(handler.operations()));
    return message;
  }

  private static ExtendedMessageType extendedMessage(CcmpExtension extension) {
    ExtendedMessageType message = new ExtendedMessageType();
    message.setName(extension.name());
    message.setOperations(operations(extension.operations()));
    message.setSchemaDef(extension.schemaDefinition());
    message.setDescription(extension.description());
    return message;
  }

  /** Null for none: an empty {@code <operations>} would be invalid (minOccurs 1). */
  private static OperationsType operations(Set<OperationType> supported) {
    if (supported.isEmpty()) {
      return null;
    }
    OperationsType operations = new OperationsType();
    supported.stream().sorted().forEach(operations.getOperation()::add);
    return operations;
  }
}
