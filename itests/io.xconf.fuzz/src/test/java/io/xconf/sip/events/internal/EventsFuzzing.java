package io.xconf.sip.events.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.List;
import javax.sip.message.Request;

/** The event package's reading of a SUBSCRIBE and writing of NOTIFY bodies, for fuzz tests. */
public final class EventsFuzzing {

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
        bodies.add(Bodies.full(change, "sip:room@example.com", view).bytes());
        bodies.add(Bodies.changes(change, "sip:room@example.com", view).bytes());
      }
    }
    return bodies;
  }
}
