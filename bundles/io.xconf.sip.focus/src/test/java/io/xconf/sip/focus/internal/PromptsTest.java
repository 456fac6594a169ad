package io.xconf.sip.focus.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/** Prompt files as operators drop them in: the right format is played, anything else is not. */
public class PromptsTest {

  private static byte[] wav(int rate, int channels, int bits, int samples, boolean listFirst) {
    int extra = listFirst ? 8 + 4 : 0;
    ByteBuffer wav = ByteBuffer.allocate(44 + extra + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + extra + samples * 2);
    wav.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    if (listFirst) {
      wav.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(0);
    }
    wav.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1);
    wav.putShort((short) channels).putInt(rate).putInt(rate * 2 * channels);
    wav.putShort((short) (2 * channels)).putShort((short) bits);
    wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
    for (int i = 0; i < samples; i++) {
      wav.putShort((short) i);
    }
    return wav.array();
  }

  @Test
  public void sixteenBitMonoAt16kHzIsReadWhateverChunksComeFirst() throws Exception {
    assertEquals(16000, Prompts.read(wav(16000, 1, 16, 16000, false)).length());
    assertEquals(800, Prompts.read(wav(16000, 1, 16, 800, true)).length());
  }

  @Test
  public void otherFormatsAndOtherFilesAreRefused() {
    assertThrows(IOException.class, () -> Prompts.read(wav(8000, 1, 16, 100, false)));
    assertThrows(IOException.class, () -> Prompts.read(wav(16000, 2, 16, 100, false)));
    assertThrows(IOException.class, () -> Prompts.read(wav(16000, 1, 8, 100, false)));
    assertThrows(IOException.class, () -> Prompts.read("not audio at all".getBytes()));
    assertThrows(IOException.class, () -> Prompts.read(new byte[3]));
  }

  @Test
  public void aFileCutShortGivesWhatItHas() throws Exception {
    byte[] whole = wav(16000, 1, 16, 1000, false);
    byte[] cut = java.util.Arrays.copyOf(whole, 44 + 500);
    assertEquals(250, Prompts.read(cut).length());
  }

  @Test
  public void aReplacedFileIsReadAgainAndAMissingOneIsNoPrompt() throws Exception {
    Path folder = Files.createTempDirectory("prompts");
    Prompts prompts = new Prompts(folder);
    assertFalse(prompts.get(Prompts.MUTED).isPresent());
    Files.write(folder.resolve("muted.wav"), wav(16000, 1, 16, 100, false));
    assertEquals(100, prompts.get(Prompts.MUTED).orElseThrow().length());
    Files.write(folder.resolve("muted.wav"), wav(16000, 1, 16, 300, false));
    assertEquals(300, prompts.get(Prompts.MUTED).orElseThrow().length());
    assertTrue(new Prompts(null).get(Prompts.MUTED).isEmpty());
  }
}
