package io.xconf.sip.events.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sip.message.Request;

/** The event package's reading of a SUBSCRIBE and writing of NOTIFY bodies, for fuzz tests. */
public final class EventsFuzzing {

  private static final Map<String, String> PREFIXES =
      Map.of(Namespaces.CONFERENCE_INFO, "", Namespaces.XCON, "xcon");

  private EventsFuzzing() {}

  /** The format a watcher's Accept asks for. */
  public static String format(Request subscribe) {
    return Bodies.Format.accepted(subscribe).name();
  }

  /** Every NOTIFY body a change gives, in each format, for managers and others, as sent. */
  public static List<byte[]> bodies(String xconUri, XmlElement before, XmlElement after) {
    ConferenceChange change =
        new ConferenceChange(
            xconUri, ConferenceChange.Kind.UPDATED, 1, 2, before, after, null, "focus");
    List<byte[]> bodies = new ArrayList<>();
    for (Bodies.Format format : Bodies.Format.values()) {
      for (boolean manager : new boolean[] {false, true}) {
        Bodies.View view = new Bodies.View(format, manager);
        bodies.add(
            XmlDocuments.toBytes(
                Bodies.full(change, "sip:room@example.com", view).document(), PREFIXES));
        Bodies.Body partial = Bodies.changes(change, "sip:room@example.com", view);
        if (partial != null) {
          bodies.add(XmlDocuments.toBytes(partial.document(), PREFIXES));
        }
      }
    }
    return bodies;
  }
}
