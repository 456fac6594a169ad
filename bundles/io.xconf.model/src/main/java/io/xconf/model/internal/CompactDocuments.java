package io.xconf.model.internal;

import io.xconf.model.MalformedXmlException;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Own documents at rest: deflated XML, a few hundred bytes where the object tree takes tens of
 * kilobytes, so that idle conferences cost little heap. The trees of the most recently used
 * documents stay parsed.
 */
final class CompactDocuments {

  private static final int MAX_DEPTH = 64;

  /**
   * A stored own document: its deflated XML and its size in bytes. Identity-compared by its cache
   * key.
   */
  record Compact(byte[] deflated, int size) {}

  private final Map<Compact, XmlElement> recent;

  CompactDocuments(int cachedTrees) {
    this.recent =
        new LinkedHashMap<>(cachedTrees * 2, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Compact, XmlElement> eldest) {
            return size() > cachedTrees;
          }
        };
  }

  /** Compacts a tree and keeps it parsed for now. */
  Compact compact(XmlElement own, byte[] xml) {
    Compact compact = new Compact(deflate(xml), xml.length);
    synchronized (recent) {
      recent.put(compact, own);
    }
    return compact;
  }

  XmlElement tree(Compact compact) {
    synchronized (recent) {
      XmlElement cached = recent.get(compact);
      if (cached != null) {
        return cached;
      }
    }
    XmlElement parsed;
    try {
      parsed = XmlDocuments.parse(inflate(compact.deflated()), MAX_DEPTH);
    } catch (MalformedXmlException e) {
      throw new IllegalStateException("a document the model wrote itself is unreadable", e);
    }
    synchronized (recent) {
      recent.put(compact, parsed);
    }
    return parsed;
  }

  byte[] xml(Compact compact) {
    return inflate(compact.deflated());
  }

  private static byte[] deflate(byte[] xml) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(xml);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, xml.length / 3));
      byte[] buffer = new byte[4096];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] deflated) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 4);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("truncated compact document");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt compact document", e);
    } finally {
      inflater.end();
    }
  }
}
