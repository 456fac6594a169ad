package io.xconf.model.internal;

import io.xconf.model.MalformedXmlException;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Blueprints are conference documents in a folder ({@code etc/xconf/blueprints} in the
 * distribution), one per file; {@code audio-room.xml} becomes {@code xcon:audio-room@domain}.
 * Without a folder, the ones built into this bundle apply.
 */
final class BlueprintFiles {

  /** The blueprints built into the bundle, which the distribution also copies to etc/. */
  static final List<String> BUILT_IN = List.of("default", "audio-room", "audio-video-room");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final int MAX_DEPTH = 64;

  private BlueprintFiles() {}

  static Map<String, XmlElement> read(Path folder) throws IOException, MalformedXmlException {
    Map<String, XmlElement> blueprints = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.xml")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        name = name.substring(0, name.length() - ".xml".length());
        if (!NAME.matcher(name).matches()) {
          throw new MalformedXmlException(
              file + ": a blueprint's file name must be a lower-case id");
        }
        blueprints.put(name, parse(file.toString(), Files.readAllBytes(file)));
      }
    }
    return blueprints;
  }

  static Map<String, XmlElement> builtIn() throws IOException, MalformedXmlException {
    Map<String, XmlElement> blueprints = new TreeMap<>();
    for (String name : BUILT_IN) {
      try (InputStream in =
          BlueprintFiles.class.getResourceAsStream("/io/xconf/model/blueprints/" + name + ".xml")) {
        if (in == null) {
          throw new IOException("the bundle lacks its blueprint " + name);
        }
        blueprints.put(name, parse(name, in.readAllBytes()));
      }
    }
    return blueprints;
  }

  private static XmlElement parse(String source, byte[] content) throws MalformedXmlException {
    XmlElement document = XmlDocuments.parse(content, MAX_DEPTH);
    if (!Names.CONFERENCE_INFO.equals(document.name())) {
      throw new MalformedXmlException(source + ": a blueprint is a <conference-info> document");
    }
    return document;
  }
}
