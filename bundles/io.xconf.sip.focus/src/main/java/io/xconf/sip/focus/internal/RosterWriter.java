package io.xconf.sip.focus.internal;

import io.xconf.model.ConferenceService;
import io.xconf.model.ModelException;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The focus's roster updates, in order, off the SIP threads. Updates that pile up while one batch
 * is written are written together, one version and one durable write for all of a conference's: a
 * hundred calls arriving at once must not queue a hundred fsyncs, and each learns when its update
 * is durable (a caller's 200 waits for it).
 */
final class RosterWriter {

  private static final Logger LOG = LoggerFactory.getLogger(RosterWriter.class);

  /** Who changes the roster, in change events: the focus's own updates are not acted on again. */
  static final String ACTOR = "focus";

  private record Pending(XmlElement update, CompletableFuture<Void> written) {}

  private final ConferenceService model;
  private final Map<String, List<Pending>> pending = new LinkedHashMap<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread roster = new Thread(task, "xconf-focus-roster");
            roster.setDaemon(true);
            return roster;
          });

  RosterWriter(ConferenceService model) {
    this.model = model;
  }

  /** Writes an update soon; the future completes once it is durable, or fails if refused. */
  CompletableFuture<Void> write(String conferenceUri, XmlElement update) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    synchronized (pending) {
      pending
          .computeIfAbsent(conferenceUri, uri -> new ArrayList<>())
          .add(new Pending(update, written));
    }
    thread.execute(this::writePending);
    return written;
  }

  /**
   * Work that reads or updates the model after the updates written before it. It may run before
   * some of their turns: it writes whatever is pending first.
   */
  void later(Runnable work) {
    thread.execute(
        () -> {
          try {
            writePending();
            work.run();
          } catch (RuntimeException e) {
            LOG.error("Focus work failed", e);
          }
        });
  }

  private void writePending() {
    Map<String, List<Pending>> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new LinkedHashMap<>(pending);
      pending.clear();
    }
    batch.forEach(this::write);
  }

  private void write(String conferenceUri, List<Pending> updates) {
    try {
      model.update(conferenceUri, updates.stream().map(Pending::update).toList(), ACTOR);
      updates.forEach(update -> update.written().complete(null));
    } catch (ModelException | RuntimeException e) {
      // One was refused (e.g. the conference is gone or full): the others go on their own.
      for (Pending update : updates) {
        try {
          model.update(conferenceUri, update.update(), ACTOR);
          update.written().complete(null);
        } catch (ModelException | RuntimeException refused) {
          LOG.warn("Roster of {} not written: {}", conferenceUri, refused.toString());
          update.written().completeExceptionally(refused);
        }
      }
    }
  }

  void shutdown() {
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
