package io.xconf.sip.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * Services of one type, in service ranking order (highest first, then oldest), each taken from its
 * service objects on first use: they may need the stack themselves, so they are not got while the
 * stack binds them.
 */
final class Whiteboard<S> {

  private final class Entry {
    final ComponentServiceObjects<S> objects;
    final Map<String, Object> properties;
    final int ranking;
    final long id;
    private S service;

    Entry(ComponentServiceObjects<S> objects, Map<String, Object> properties) {
      this.objects = objects;
      this.properties = Map.copyOf(properties);
      this.ranking =
          properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r.intValue() : 0;
      this.id = properties.get(Constants.SERVICE_ID) instanceof Long l ? l.longValue() : 0;
    }

    synchronized S service() {
      if (service == null) {
        service = objects.getService();
      }
      return service;
    }

    synchronized void release() {
      if (service != null) {
        objects.ungetService(service);
        service = null;
      }
    }
  }

  private volatile List<Entry> entries = List.of();

  synchronized void add(ComponentServiceObjects<S> objects, Map<String, Object> properties) {
    List<Entry> next = new ArrayList<>(entries);
    next.add(new Entry(objects, properties));
    next.sort(
        Comparator.comparingInt((Entry e) -> -e.ranking).thenComparingLong((Entry e) -> e.id));
    entries = List.copyOf(next);
  }

  synchronized void remove(ComponentServiceObjects<S> objects) {
    List<Entry> next = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.objects == objects) {
        entry.release();
      } else {
        next.add(entry);
      }
    }
    entries = List.copyOf(next);
  }

  /** The services whose properties pass {@code filter}, in ranking order. */
  List<S> services(Predicate<Map<String, Object>> filter) {
    List<S> services = new ArrayList<>();
    for (Entry entry : entries) {
      if (filter.test(entry.properties)) {
        S service = entry.service();
        if (service != null) {
          services.add(service);
        }
      }
    }
    return services;
  }
}
