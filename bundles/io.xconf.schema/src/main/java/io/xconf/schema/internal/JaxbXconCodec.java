package io.xconf.schema.internal;

import io.xconf.schema.CcmpNamespace;
import io.xconf.schema.CcmpRequestDocument;
import io.xconf.schema.MalformedDocumentException;
import io.xconf.schema.XconCodec;
import io.xconf.schema.ccmp.CcmpRequestMessageType;
import io.xconf.schema.ccmp.CcmpRequestType;
import io.xconf.schema.ccmp.CcmpResponseMessageType;
import io.xconf.schema.ccmp.CcmpResponseType;
import io.xconf.schema.conferenceinfo.ConferenceType;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.ValidationEventHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;
import org.glassfish.jaxb.runtime.v2.JAXBContextFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.xml.sax.SAXException;

/** {@link XconCodec} on the JAXB RI, configured by PID {@code io.xconf.schema.codec}. */
@Component(service = XconCodec.class, configurationPid = "io.xconf.schema.codec")
@Designate(ocd = JaxbXconCodec.Config.class)
public final class JaxbXconCodec implements XconCodec {

  @ObjectClassDefinition(
      name = "Xconf XML codec",
      description =
          "Limits applied to every XCON document read (CCMP requests, conference documents).")
  public @interface Config {
    @AttributeDefinition(name = "Maximum document size", description = "In bytes.", min = "1024")
    int maxDocumentBytes() default 1 << 20;

    @AttributeDefinition(name = "Maximum nesting depth", description = "Elements deep.", min = "8")
    int maxDepth() default 64;
  }

  private static final String PREFIX_MAPPER = "org.glassfish.jaxb.namespacePrefixMapper";

  private final JAXBContext context;

  /**
   * Aalto, configured as {@link io.xconf.schema.SafeXml} configures the JDK's: the JDK's readers
   * cannot be reused (a new reader and property table per request was a tenth of a retrieve), and
   * tokenising a small request was most of its parse under Woodstox too. Configured once, its
   * factory is safe to share.
   */
  private final XMLInputFactory inputs = stax();

  private final ThreadLocal<Unmarshaller> unmarshallers = new ThreadLocal<>();

  private final EnvelopeReader envelopes = new EnvelopeReader(inputs);

  private final XMLOutputFactory outputs;
  private final io.xconf.schema.ccmp.ObjectFactory ccmp = new io.xconf.schema.ccmp.ObjectFactory();
  private final RfcPrefixes prefixes = new RfcPrefixes();
  private final int maxDocumentBytes;
  private final int maxDepth;
  private volatile Schema dataModel;

  @Activate
  public JaxbXconCodec(Config config) {
    this(config.maxDocumentBytes(), config.maxDepth());
  }

  /** A codec with explicit limits, for use outside DS (tests, tools). */
  public JaxbXconCodec(int maxDocumentBytes, int maxDepth) {
    this.maxDocumentBytes = maxDocumentBytes;
    this.maxDepth = maxDepth;
    this.context = createContext();
    this.outputs = XMLOutputFactory.newDefaultFactory();
  }

  /**
   * Creates the context from the RI's factory directly, with this bundle's class loader as the
   * context class loader (docs/development.md, pitfall 7), so no provider discovery can fail inside
   * OSGi.
   */
  private static JAXBContext createContext() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(JaxbXconCodec.class.getClassLoader());
    try {
      return new JAXBContextFactory()
          .createContext(
              new Class<?>[] {
                io.xconf.schema.ccmp.ObjectFactory.class,
                io.xconf.schema.conferenceinfo.ObjectFactory.class,
                io.xconf.schema.xcon.ObjectFactory.class
              },
              Map.of());
    } catch (JAXBException e) {
      throw new IllegalStateException("the XCON bindings do not form a JAXB context", e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Override
  public CcmpRequestDocument readCcmpRequest(InputStream in)
      throws MalformedDocumentException, IOException {
    // Small requests that are all envelope skip JAXB; the rest is read as before, from the start.
    byte[] head = in.readNBytes(EnvelopeReader.MAX_BYTES + 1);
    CcmpRequestDocument envelope = head.length <= maxDocumentBytes ? envelopes.read(head) : null;
    if (envelope != null) {
      return envelope;
    }
    return readWithJaxb(
        new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), in));
  }

  /** The request read by JAXB alone (the envelope reader's differential tests compare). */
  CcmpRequestDocument readWithJaxb(InputStream in) throws MalformedDocumentException, IOException {
    GuardedReader reader = null;
    try {
      reader = guardedReader(in);
      ValueErrors errors = new ValueErrors();
      Object root = unmarshaller(errors).unmarshal(reader);
      CcmpNamespace namespace = CcmpNamespace.of(reader.rootNamespace()).orElse(null);
      if (errors.fatal) {
        throw malformed(errors.first, reader, null);
      }
      if (namespace == null
          || !(root instanceof JAXBElement<?> element)
          || !(element.getValue() instanceof CcmpRequestType request)) {
        throw malformed("the root element is not a CCMP <ccmpRequest>", reader, null);
      }
      CcmpRequestMessageType message = request.getCcmpRequest();
      if (message == null) {
        throw malformed(
            "<ccmpRequest> lacks its inner <ccmpRequest> with an xsi:type", reader, null);
      }
      // A value that does not fit its type leaves a readable request: the handler answers it in
      // the request's own terms (RFC 6503 gives 409 to an update with unacceptable values).
      return new CcmpRequestDocument(message, namespace, errors.first);
    } catch (XMLStreamException | JAXBException | RuntimeException e) {
      unmarshallers.remove();
      // RuntimeException too: hostile input can make the parser or the RI throw unchecked
      // (e.g. a response type where a request type belongs); it is still just a bad document.
      IOException transport = transportFailure(e);
      if (transport != null) {
        throw transport;
      }
      throw malformed(describe(e), reader, e);
    } finally {
      close(reader);
    }
  }

  @Override
  public <T> T readBinding(byte[] xml, Class<T> type) throws MalformedDocumentException {
    GuardedReader reader = null;
    try {
      reader = guardedReader(new java.io.ByteArrayInputStream(xml), Long.MAX_VALUE);
      ValueErrors errors = new ValueErrors();
      T value = unmarshaller(errors).unmarshal(reader, type).getValue();
      if (errors.first != null) {
        throw new MalformedDocumentException(errors.first);
      }
      return value;
    } catch (XMLStreamException | JAXBException | RuntimeException e) {
      unmarshallers.remove();
      throw new MalformedDocumentException(describe(e), null, null, e);
    } finally {
      close(reader);
    }
  }

  @Override
  public Optional<String> invalidity(byte[] conferenceInfo) {
    try {
      Validator validator = dataModel().newValidator();
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      validator.validate(new StreamSource(new java.io.ByteArrayInputStream(conferenceInfo)));
      return Optional.empty();
    } catch (SAXException e) {
      String message = e.getMessage() == null ? "invalid" : e.getMessage();
      return Optional.of(message.length() > 300 ? message.substring(0, 300) + "..." : message);
    } catch (IOException e) {
      throw new IllegalStateException("a document in memory could not be read", e);
    }
  }

  /** RFC 6503's schema, which imports RFC 4575's and RFC 6501's: compiled once, when first used. */
  private Schema dataModel() throws SAXException {
    Schema compiled = dataModel;
    if (compiled == null) {
      synchronized (this) {
        if (dataModel == null) {
          dataModel = io.xconf.schema.XconSchemas.ccmp();
        }
        compiled = dataModel;
      }
    }
    return compiled;
  }

  @Override
  public <T> byte[] writeBinding(javax.xml.namespace.QName element, Class<T> type, T value) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(2048);
    try {
      Marshaller marshaller = context.createMarshaller();
      marshaller.setProperty(PREFIX_MAPPER, prefixes);
      marshaller.setProperty(Marshaller.JAXB_ENCODING, "UTF-8");
      marshaller.marshal(new JAXBElement<>(element, type, value), out);
    } catch (JAXBException e) {
      throw new IllegalArgumentException("cannot write " + element, e);
    }
    return out.toByteArray();
  }

  private static final byte[] XML_DECLARATION =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void writeCcmpResponse(
      CcmpResponseMessageType message, CcmpNamespace namespace, OutputStream out)
      throws IOException {
    // A reason may quote what a parser was given: what XML cannot carry becomes U+FFFD.
    message.setResponseString(xmlText(message.getResponseString()));
    AnswerKey key = AnswerKey.of(message, namespace);
    if (key == null) {
      marshal(message, namespace, out);
      return;
    }
    byte[] answer;
    synchronized (recentAnswers) {
      answer = recentAnswers.get(key);
    }
    if (answer == null) {
      java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(8192);
      marshal(message, namespace, buffer);
      answer = buffer.toByteArray();
      synchronized (recentAnswers) {
        recentAnswers.put(key, answer);
      }
    }
    out.write(answer);
  }

  /**
   * The bytes of recent conference answers. A client polling a conference gets the same answer
   * until the conference changes; the document's binding is the same object as long as the document
   * is equal (the CCMP handlers keep it so), and the key holds every other field.
   */
  private final Map<AnswerKey, byte[]> recentAnswers =
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<AnswerKey, byte[]> eldest) {
          return size() > 128;
        }
      };

  /** Every field of a confResponse carrying a document; the document by identity. */
  private record AnswerKey(
      CcmpNamespace namespace,
      String confUserId,
      String confObjId,
      io.xconf.schema.ccmp.OperationType operation,
      java.math.BigInteger code,
      String reason,
      java.math.BigInteger version,
      ConferenceType document) {

    static AnswerKey of(CcmpResponseMessageType message, CcmpNamespace namespace) {
      if (!(message instanceof io.xconf.schema.ccmp.CcmpConfResponseMessageType conf)
          || !conf.getAny().isEmpty()
          || !conf.getOtherAttributes().isEmpty()
          || conf.getConfResponse() == null
          || conf.getConfResponse().getConfInfo() == null
          || !conf.getConfResponse().getAny().isEmpty()) {
        return null;
      }
      return new AnswerKey(
          namespace,
          conf.getConfUserID(),
          conf.getConfObjID(),
          conf.getOperation(),
          conf.getResponseCode(),
          conf.getResponseString(),
          conf.getVersion(),
          conf.getConfResponse().getConfInfo());
    }

    // The document compares by identity: JAXB bindings have no value equality.
    @Override
    public boolean equals(Object other) {
      return other instanceof AnswerKey that
          && namespace == that.namespace
          && java.util.Objects.equals(confUserId, that.confUserId)
          && java.util.Objects.equals(confObjId, that.confObjId)
          && operation == that.operation
          && java.util.Objects.equals(code, that.code)
          && java.util.Objects.equals(reason, that.reason)
          && java.util.Objects.equals(version, that.version)
          && document == that.document;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(
                  namespace, confUserId, confObjId, operation, code, reason, version)
              * 31
          + System.identityHashCode(document);
    }
  }

  private void marshal(CcmpResponseMessageType message, CcmpNamespace namespace, OutputStream out)
      throws IOException {
    CcmpResponseType document = new CcmpResponseType();
    document.setCcmpResponse(message);
    if (namespace == CcmpNamespace.PUBLISHED) {
      // The RI's own UTF-8 output: several times faster than a StAX writer, which the drafts'
      // namespace needs for its renaming.
      try {
        Marshaller marshaller = context.createMarshaller();
        marshaller.setProperty(Marshaller.JAXB_FRAGMENT, true);
        marshaller.setProperty(Marshaller.JAXB_ENCODING, "UTF-8");
        marshaller.setProperty(PREFIX_MAPPER, prefixes);
        out.write(XML_DECLARATION);
        marshaller.marshal(ccmp.createCcmpResponse(document), out);
        return;
      } catch (JAXBException e) {
        IOException transport = transportFailure(e);
        throw transport != null ? transport : new IOException("cannot write a CCMP response", e);
      }
    }
    try {
      Marshaller marshaller = context.createMarshaller();
      marshaller.setProperty(Marshaller.JAXB_FRAGMENT, true);
      marshaller.setProperty(PREFIX_MAPPER, prefixes);
      XMLStreamWriter writer = outputs.createXMLStreamWriter(out, "UTF-8");
      if (namespace == CcmpNamespace.DRAFT) {
        writer =
            new NamespaceRenamingWriter(writer, CcmpNamespace.PUBLISHED.uri(), namespace.uri());
      }
      writer.writeStartDocument("UTF-8", "1.0");
      marshaller.marshal(ccmp.createCcmpResponse(document), writer);
      writer.writeEndDocument();
      writer.flush();
    } catch (JAXBException | XMLStreamException e) {
      IOException transport = transportFailure(e);
      throw transport != null ? transport : new IOException("cannot write a CCMP response", e);
    }
  }

  /** A reader within this codec's size and depth limits, refusing DTDs and entities. */
  private GuardedReader guardedReader(InputStream in) throws XMLStreamException {
    return guardedReader(in, maxDocumentBytes);
  }

  private GuardedReader guardedReader(InputStream in, long maxBytes) throws XMLStreamException {
    return new GuardedReader(
        inputs.createXMLStreamReader(new BoundedInputStream(in, maxBytes)), maxDepth);
  }

  /** The text with every character XML 1.0 cannot carry replaced by U+FFFD; null stays null. */
  static String xmlText(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder clean = null;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      boolean allowed =
          c == 0x9
              || c == 0xA
              || c == 0xD
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD)
              || (c >= 0x10000 && c <= 0x10FFFF);
      if (!allowed && clean == null) {
        clean = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (clean != null) {
        clean.appendCodePoint(allowed ? c : 0xFFFD);
      }
      i += Character.charCount(c);
    }
    return clean == null ? text : clean.toString();
  }

  /** Aalto: no DTD processing, no entity expansion; the guarded reader refuses both outright. */
  static XMLInputFactory stax() {
    XMLInputFactory factory = new com.fasterxml.aalto.stax.InputFactoryImpl();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    return factory;
  }

  private static void close(GuardedReader reader) {
    if (reader != null) {
      try {
        reader.close();
      } catch (XMLStreamException e) {
        // Nothing to free beyond what close already tried.
      }
    }
  }

  /**
   * This thread's unmarshaller, told where to report this document's errors. Making one per request
   * cost more than reading a small request; one that saw a failure is dropped, not reused.
   */
  private Unmarshaller unmarshaller(ValueErrors errors) throws JAXBException {
    Unmarshaller unmarshaller = unmarshallers.get();
    if (unmarshaller == null) {
      unmarshaller = context.createUnmarshaller();
      unmarshallers.set(unmarshaller);
    }
    unmarshaller.setEventHandler(errors);
    return unmarshaller;
  }

  private static MalformedDocumentException malformed(
      String message, GuardedReader reader, Throwable cause) {
    if (reader != null) {
      reader.drainQuietly();
    }
    CcmpNamespace namespace =
        reader == null ? null : CcmpNamespace.of(reader.rootNamespace()).orElse(null);
    String confUserId = reader == null ? null : reader.confUserId();
    return new MalformedDocumentException(message, namespace, confUserId, cause);
  }

  /** A failure of the connection itself, which is no fault of the document. */
  private static IOException transportFailure(Throwable e) {
    // JAXBException.getCause() is its linked exception, so one walk covers both. Bytes that are
    // no text in their encoding are a bad document, however the parser reports them.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.CharConversionException
          || t instanceof java.nio.charset.CharacterCodingException
          || t instanceof java.io.UTFDataFormatException) {
        return null;
      }
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  private static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  /**
   * Fails the document on values that do not fit their type (an unknown enumeration value, a
   * non-number where a number belongs, an abstract type without xsi:type). Unknown elements are let
   * through: CCMP documents are extensible and deployed clients add their own.
   */
  private static final class ValueErrors implements ValidationEventHandler {
    String first;
    boolean fatal;

    @Override
    public boolean handleEvent(ValidationEvent event) {
      boolean fatalEvent = event.getSeverity() == ValidationEvent.FATAL_ERROR;
      boolean badValue =
          event.getSeverity() == ValidationEvent.ERROR && event.getLinkedException() != null;
      if (fatalEvent && !fatal) {
        fatal = true;
        first = event.getMessage();
      } else if (badValue && first == null) {
        first = event.getMessage();
      }
      return !fatalEvent;
    }
  }
}
