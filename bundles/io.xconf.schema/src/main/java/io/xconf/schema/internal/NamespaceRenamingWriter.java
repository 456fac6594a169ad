package io.xconf.schema.internal;

import javax.xml.namespace.NamespaceContext;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes one namespace URI as another: how answers reach clients of the drafts' namespace. */
final class NamespaceRenamingWriter implements XMLStreamWriter {

  private final XMLStreamWriter out;
  private final String from;
  private final String to;

  NamespaceRenamingWriter(XMLStreamWriter out, String from, String to) {
    this.out = out;
    this.from = from;
    this.to = to;
  }

  private String rename(String uri) {
    return from.equals(uri) ? to : uri;
  }

  @Override
  public void writeStartElement(String localName) throws XMLStreamException {
    out.writeStartElement(localName);
  }

  @Override
  public void writeStartElement(String namespaceUri, String localName) throws XMLStreamException {
    out.writeStartElement(rename(namespaceUri), localName);
  }

  @Override
  public void writeStartElement(String prefix, String localName, String namespaceUri)
      throws XMLStreamException {
    out.writeStartElement(prefix, localName, rename(namespaceUri));
  }

  @Override
  public void writeEmptyElement(String namespaceUri, String localName) throws XMLStreamException {
    out.writeEmptyElement(rename(namespaceUri), localName);
  }

  @Override
  public void writeEmptyElement(String prefix, String localName, String namespaceUri)
      throws XMLStreamException {
    out.writeEmptyElement(prefix, localName, rename(namespaceUri));
  }

  @Override
  public void writeEmptyElement(String localName) throws XMLStreamException {
    out.writeEmptyElement(localName);
  }

  @Override
  public void writeEndElement() throws XMLStreamException {
    out.writeEndElement();
  }

  @Override
  public void writeEndDocument() throws XMLStreamException {
    out.writeEndDocument();
  }

  @Override
  public void close() throws XMLStreamException {
    out.close();
  }

  @Override
  public void flush() throws XMLStreamException {
    out.flush();
  }

  @Override
  public void writeAttribute(String localName, String value) throws XMLStreamException {
    out.writeAttribute(localName, value);
  }

  @Override
  public void writeAttribute(String prefix, String namespaceUri, String localName, String value)
      throws XMLStreamException {
    out.writeAttribute(prefix, rename(namespaceUri), localName, value);
  }

  @Override
  public void writeAttribute(String namespaceUri, String localName, String value)
      throws XMLStreamException {
    out.writeAttribute(rename(namespaceUri), localName, value);
  }

  @Override
  public void writeNamespace(String prefix, String namespaceUri) throws XMLStreamException {
    out.writeNamespace(prefix, rename(namespaceUri));
  }

  @Override
  public void writeDefaultNamespace(String namespaceUri) throws XMLStreamException {
    out.writeDefaultNamespace(rename(namespaceUri));
  }

  @Override
  public void writeComment(String data) throws XMLStreamException {
    out.writeComment(data);
  }

  @Override
  public void writeProcessingInstruction(String target) throws XMLStreamException {
    out.writeProcessingInstruction(target);
  }

  @Override
  public void writeProcessingInstruction(String target, String data) throws XMLStreamException {
    out.writeProcessingInstruction(target, data);
  }

  @Override
  public void writeCData(String data) throws XMLStreamException {
    out.writeCData(data);
  }

  @Override
  public void writeDTD(String dtd) throws XMLStreamException {
    out.writeDTD(dtd);
  }

  @Override
  public void writeEntityRef(String name) throws XMLStreamException {
    out.writeEntityRef(name);
  }

  @Override
  public void writeStartDocument() throws XMLStreamException {
    out.writeStartDocument();
  }

  @Override
  public void writeStartDocument(String version) throws XMLStreamException {
    out.writeStartDocument(version);
  }

  @Override
  public void writeStartDocument(String encoding, String version) throws XMLStreamException {
    out.writeStartDocument(encoding, version);
  }

  @Override
  public void writeCharacters(String text) throws XMLStreamException {
    out.writeCharacters(text);
  }

  @Override
  public void writeCharacters(char[] text, int start, int len) throws XMLStreamException {
    out.writeCharacters(text, start, len);
  }

  @Override
  public String getPrefix(String uri) throws XMLStreamException {
    return out.getPrefix(rename(uri));
  }

  @Override
  public void setPrefix(String prefix, String uri) throws XMLStreamException {
    out.setPrefix(prefix, rename(uri));
  }

  @Override
  public void setDefaultNamespace(String uri) throws XMLStreamException {
    out.setDefaultNamespace(rename(uri));
  }

  @Override
  public void setNamespaceContext(NamespaceContext context) throws XMLStreamException {
    out.setNamespaceContext(context);
  }

  @Override
  public NamespaceContext getNamespaceContext() {
    return out.getNamespaceContext();
  }

  @Override
  public Object getProperty(String name) {
    return out.getProperty(name);
  }
}
