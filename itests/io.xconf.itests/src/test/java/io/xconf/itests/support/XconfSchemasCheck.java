package io.xconf.itests.support;

import io.xconf.schema.XconSchemas;
import java.io.StringReader;
import javax.xml.transform.stream.StreamSource;

/** Validation of bodies against the RFC schemas the schema bundle ships. */
public final class XconfSchemasCheck {

  private XconfSchemasCheck() {}

  /** Fails unless {@code body} is valid against RFC 4575's conference-info schema. */
  public static void conferenceInfo(String body) {
    try {
      XconSchemas.conferenceInfo()
          .newValidator()
          .validate(new StreamSource(new StringReader(body)));
    } catch (Exception e) {
      throw new AssertionError("not valid against RFC 4575: " + e.getMessage() + "\n" + body, e);
    }
  }
}
