package io.xconf.sip.focus.internal;

import io.xconf.mixer.Sound;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voice prompts callers hear, one WAV file each ({@code <name>.wav}: 16-bit PCM, mono, 16 kHz)
 * in a folder an operator may change at any time: a file is read again when it changed. A prompt
 * missing or unreadable is skipped (what it would have said is still done), with a warning.
 */
final class Prompts {

  static final String ENTER_PIN = "enter-pin";
  static final String WRONG_PIN = "wrong-pin";
  static final String PIN_FAILED = "pin-failed";
  static final String MUTED = "muted";
  static final String UNMUTED = "unmuted";
  static final String RECORDING = "recording";
  static final String WAIT_FOR_MODERATOR = "wait-for-moderator";

  private static final Logger LOG = LoggerFactory.getLogger(Prompts.class);

  /** A minute of audio: more is no prompt. */
  private static final long MAX_BYTES = 44 + 2L * Sound.RATE * 60;

  private record Loaded(FileTime modified, long size, Sound sound) {}

  private final Path folder;
  private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

  /**
   * @param folder where the files are; null for none (no prompts)
   */
  Prompts(Path folder) {
    this.folder = folder;
  }

  /** The prompt's sound, as its file is now. */
  Optional<Sound> get(String name) {
    if (folder == null) {
      return Optional.empty();
    }
    Path file = folder.resolve(name + ".wav");
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      Loaded cached = loaded.get(name);
      if (cached != null && cached.modified().equals(modified) && cached.size() == size) {
        return Optional.of(cached.sound());
      }
      if (size > MAX_BYTES) {
        throw new IOException("longer than a minute");
      }
      Sound sound = read(Files.readAllBytes(file));
      loaded.put(name, new Loaded(modified, size, sound));
      return Optional.of(sound);
    } catch (IOException | RuntimeException e) {
      LOG.warn("The prompt {} cannot be played: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** A RIFF WAVE of 16-bit PCM, mono, 16 kHz; its chunks in any order. */
  static Sound read(byte[] wav) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    if (wav.length < 12 || !"RIFF".equals(text(wav, 0)) || !"WAVE".equals(text(wav, 8))) {
      throw new IOException("not a WAV file");
    }
    boolean formatRight = false;
    int at = 12;
    while (at + 8 <= wav.length) {
      String chunk = text(wav, at);
      long length = buffer.getInt(at + 4) & 0xffffffffL;
      int body = at + 8;
      if (length > wav.length - body) {
        length = wav.length - body; // a file cut short (a recording tool that stopped): its part
      }
      if (chunk.equals("fmt ") && length >= 16) {
        formatRight =
            buffer.getShort(body) == 1
                && buffer.getShort(body + 2) == 1
                && buffer.getInt(body + 4) == Sound.RATE
                && buffer.getShort(body + 14) == 16;
        if (!formatRight) {
          throw new IOException("not 16-bit PCM, mono, " + Sound.RATE + " Hz");
        }
      } else if (chunk.equals("data")) {
        if (!formatRight) {
          throw new IOException("no format before the data");
        }
        short[] samples = new short[(int) (length / 2)];
        for (int i = 0; i < samples.length; i++) {
          samples[i] = buffer.getShort(body + 2 * i);
        }
        return Sound.of(samples);
      }
      at = body + (int) length + (int) (length & 1);
    }
    throw new IOException("no audio data");
  }

  private static String text(byte[] bytes, int at) {
    return new String(bytes, at, 4, StandardCharsets.US_ASCII);
  }
}
