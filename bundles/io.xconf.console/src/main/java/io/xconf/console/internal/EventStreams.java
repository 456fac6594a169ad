package io.xconf.console.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The consoles watching conferences: one server-sent event stream (text/event-stream) per open
 * conference page. Jetty takes one write at a time per response, so each stream queues what comes
 * while a write is on its way; a watcher too slow to take its events (more than {@link #MAX_QUEUED}
 * queued) is cut off, and reconnects.
 */
final class EventStreams {

  static final int MAX_QUEUED = 64;

  /** One open stream. */
  final class Stream {
    final String conference;
    final Sessions.Session session;

    /** The conference's password the watcher gave, for checking its right again; or null. */
    final String conferencePassword;

    final long opened = System.nanoTime();
    private final Response response;
    private final Callback done;
    private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
    private boolean writing;
    private boolean closed;

    Stream(
        String conference,
        Sessions.Session session,
        String conferencePassword,
        Response response,
        Callback done) {
      this.conference = conference;
      this.session = session;
      this.conferencePassword = conferencePassword;
      this.response = response;
      this.done = done;
    }

    synchronized void send(String text) {
      if (closed) {
        return;
      }
      if (queued.size() >= MAX_QUEUED) {
        close();
        return;
      }
      queued.add(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      if (!writing) {
        writeNext();
      }
    }

    private void writeNext() {
      if (closed) {
        writing = false;
        response.write(true, ByteBuffer.allocate(0), done);
        return;
      }
      ByteBuffer next = queued.poll();
      if (next == null) {
        writing = false;
        return;
      }
      writing = true;
      response.write(
          false,
          next,
          Callback.from(
              () -> {
                synchronized (Stream.this) {
                  writeNext();
                }
              },
              this::broken));
    }

    /** The watcher went away: nothing more can be written. */
    private synchronized void broken(Throwable failure) {
      closed = true;
      writing = false;
      queued.clear();
      remove(this);
      done.failed(failure);
    }

    /** Ends the stream: the watcher's EventSource sees it close and reconnects. */
    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      queued.clear();
      remove(this);
      if (!writing) {
        response.write(true, ByteBuffer.allocate(0), done);
      }
      // Else the write on its way ends the stream when it completes.
    }
  }

  private final Map<String, Set<Stream>> byConference = new ConcurrentHashMap<>();
  private final int maxStreams;
  private final int maxPerSession;

  EventStreams(int maxStreams, int maxPerSession) {
    this.maxStreams = maxStreams;
    this.maxPerSession = maxPerSession;
  }

  /**
   * A new stream. A session at its limit gives up its oldest stream for it (a page that moved on or
   * a tab closed without a goodbye); null when the server as a whole has too many.
   */
  Stream open(
      String conference,
      Sessions.Session session,
      String conferencePassword,
      Response response,
      Callback done) {
    Stream oldest = null;
    Stream stream;
    synchronized (this) {
      List<Stream> all = all();
      List<Stream> own = all.stream().filter(s -> s.session == session).toList();
      if (own.size() >= maxPerSession) {
        oldest = own.stream().min(java.util.Comparator.comparingLong(s -> s.opened)).orElseThrow();
        remove(oldest);
      } else if (all.size() >= maxStreams) {
        return null;
      }
      stream = new Stream(conference, session, conferencePassword, response, done);
      byConference.compute(
          conference,
          (uri, streams) -> {
            Set<Stream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            set.add(stream);
            return set;
          });
    }
    if (oldest != null) {
      oldest.close();
    }
    return stream;
  }

  /** The streams watching a conference now. */
  List<Stream> of(String conference) {
    Set<Stream> streams = byConference.get(conference);
    return streams == null ? List.of() : List.copyOf(streams);
  }

  /** Sends an event to everyone watching the conference. */
  void send(String conference, String event, String data) {
    Set<Stream> streams = byConference.get(conference);
    if (streams == null) {
      return;
    }
    String text = "event: " + event + "\ndata: " + data + "\n\n";
    for (Stream stream : streams) {
      stream.send(text);
    }
  }

  List<Stream> all() {
    return byConference.values().stream().flatMap(Set::stream).toList();
  }

  private synchronized void remove(Stream stream) {
    byConference.computeIfPresent(
        stream.conference,
        (uri, streams) -> {
          streams.remove(stream);
          return streams.isEmpty() ? null : streams;
        });
  }
}
