package io.xconf.mixer.rtp.internal;

import io.xconf.mixer.MixerException;
import io.xconf.mixer.Recording;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mix written to a WAV file (16-bit PCM, mono, at the mix rate) off the media clock: each tick's
 * samples (640 bytes) are handed to the recorder's thread, which appends them and, every two
 * seconds, writes the RIFF sizes and forces the file to disk, so that a crash loses at most those
 * seconds and leaves a file any player reads. A disk that stalls costs at most ten seconds of
 * queued audio per recording: beyond, ticks are left out (and counted in the log).
 */
final class WavRecording implements Recording {

  private static final Logger LOG = LoggerFactory.getLogger(WavRecording.class);
  private static final int HEADER = 44;
  private static final int SYNC_TICKS = 100;
  private static final int MAX_QUEUED_TICKS = 500;

  private final Path file;
  private final Instant started = Instant.now();
  private final Executor writer;
  private final FileChannel channel;
  private final Runnable onStop;
  private volatile boolean stopped;
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();
  private long droppedTicks; // clock thread

  // Writer-thread state.
  private boolean closed;
  private long dataBytes;
  private int ticksSinceSync;
  private boolean failed;

  private WavRecording(Path file, FileChannel channel, Executor writer, Runnable onStop) {
    this.file = file;
    this.channel = channel;
    this.writer = writer;
    this.onStop = onStop;
  }

  /** Creates the file (never over an existing one) and writes its header. */
  static WavRecording create(Path file, Executor writer, Runnable onStop) throws MixerException {
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      WavRecording recording = new WavRecording(file, channel, writer, onStop);
      try {
        channel.write(recording.header(), 0);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      return recording;
    } catch (IOException e) {
      throw new MixerException("cannot record to " + file + ": " + e.getMessage());
    }
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public Instant started() {
    return started;
  }

  /** One tick of the mix (clock thread): copied and handed to the writer. */
  void append(int[] mixed, int gainQ12) {
    if (stopped) {
      return;
    }
    if (queued.get() >= MAX_QUEUED_TICKS) {
      if (droppedTicks++ % 250 == 0) {
        LOG.warn("Recording {}: the disk keeps no pace, {} ticks left out", file, droppedTicks);
      }
      return;
    }
    queued.incrementAndGet();
    ByteBuffer chunk = ByteBuffer.allocate(2 * mixed.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int sample : mixed) {
      chunk.putShort((short) G711.clip((int) (((long) sample * gainQ12) >> 12)));
    }
    chunk.flip();
    writer.execute(() -> write(chunk));
  }

  private void write(ByteBuffer chunk) {
    queued.decrementAndGet();
    if (failed || closed) {
      return; // an append that raced the stop: the file is complete without it
    }
    try {
      while (chunk.hasRemaining()) {
        channel.write(chunk, HEADER + dataBytes + chunk.position());
      }
      dataBytes += chunk.limit();
      if (++ticksSinceSync >= SYNC_TICKS) {
        ticksSinceSync = 0;
        sync();
      }
    } catch (IOException e) {
      failed = true;
      LOG.error("Recording to {} failed; it stops here", file, e);
    }
  }

  private void sync() throws IOException {
    channel.write(header(), 0);
    channel.force(false);
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    onStop.run();
    writer.execute(
        () -> {
          try {
            closed = true;
            if (!failed) {
              sync();
            }
            channel.close();
          } catch (IOException e) {
            LOG.error("Completing the recording {} failed", file, e);
          }
        });
  }

  private ByteBuffer header() {
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    int rate = RtpMix.RATE;
    header.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    header.putInt((int) Math.min(0xffffffffL, 36 + dataBytes));
    header.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    header.putInt(16).putShort((short) 1).putShort((short) 1);
    header.putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16);
    header.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    header.putInt((int) Math.min(0xffffffffL, dataBytes));
    header.flip();
    return header;
  }
}
