package io.xconf.itests.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SIP softphone on 127.0.0.1, run as the tests' users run it: linphonec (Debian package
 * linphone-cli) driven through its command prompt, or baresip (package baresip) answering calls on
 * its own. Neither needs a sound card: linphonec plays a WAV file, baresip a sine tone.
 */
public final class SipPhone implements AutoCloseable {

  private final Process process;
  private final Path output;
  private final OutputStream commands;

  private SipPhone(Process process, Path output) {
    this.process = process;
    this.output = output;
    this.commands = process.getOutputStream();
  }

  /**
   * linphonec with an account registered at the focus: {@code sip:<user>@<domain>}, the focus as
   * its proxy, its Digest password; it plays a tone into every call.
   */
  public static SipPhone linphonec(
      Path dir, String user, String password, String domain, int focusPort, int sipPort)
      throws IOException {
    Sipp.requireCommand("linphonec", "linphone-cli");
    Files.createDirectories(dir.resolve("home/.local/share/linphone"));
    Path tone = dir.resolve("tone.wav");
    Files.write(tone, sineWav(440, 8000, 30));
    int rtp = FreePorts.next() & ~1;
    StringBuilder rc = new StringBuilder();
    rc.append("[sip]\nsip_port=").append(sipPort).append('\n');
    rc.append("sip_tcp_port=0\nsip_tls_port=0\nbind_address=127.0.0.1\nguess_hostname=0\n");
    rc.append("ipv6_enabled=0\ndefault_proxy=0\nregister_only_when_network_is_up=0\n");
    rc.append("inc_timeout=30\nin_call_timeout=0\n");
    rc.append("[rtp]\naudio_rtp_port=").append(rtp).append('-').append(rtp + 1).append('\n');
    rc.append("nortp_timeout=30\n[video]\nenabled=0\ncapture=0\ndisplay=0\n");
    rc.append("[sound]\nechocancellation=0\n");
    // The switch of liblinphone's conference event package client (on by default).
    rc.append("[misc]\nmax_calls=4\nconference_event_log_enabled=1\n");
    rc.append("[proxy_0]\nreg_identity=sip:").append(user).append('@').append(domain).append('\n');
    rc.append("reg_proxy=<sip:127.0.0.1:").append(focusPort).append(";transport=udp>\n");
    // Every request through the focus: the domain itself does not resolve.
    rc.append("reg_route=<sip:127.0.0.1:").append(focusPort).append(";transport=udp;lr>\n");
    rc.append("reg_expires=3600\nreg_sendregister=1\npublish=0\ndial_escape_plus=0\n");
    rc.append("[auth_info_0]\nusername=").append(user).append("\nuserid=").append(user);
    rc.append("\npasswd=").append(password).append("\nrealm=").append(domain);
    rc.append("\ndomain=").append(domain).append('\n');
    // G.711 only: liblinphone enables every codec a configuration does not list.
    String[][] codecs = {
      {"PCMU", "8000", "1", "1"},
      {"PCMA", "8000", "1", "1"},
      {"opus", "48000", "2", "0"},
      {"speex", "16000", "1", "0"},
      {"speex", "8000", "1", "0"},
      {"speex", "32000", "1", "0"},
      {"GSM", "8000", "1", "0"},
      {"G722", "8000", "1", "0"},
      {"G729", "8000", "1", "0"}
    };
    for (int i = 0; i < codecs.length; i++) {
      rc.append("[audio_codec_").append(i).append("]\nmime=").append(codecs[i][0]);
      rc.append("\nrate=").append(codecs[i][1]).append("\nchannels=").append(codecs[i][2]);
      rc.append("\nenabled=").append(codecs[i][3]).append('\n');
    }
    Path config = dir.resolve("linphonerc");
    Files.writeString(config, rc.toString());
    Path log = dir.resolve("linphone.log");
    Path output = dir.resolve("linphonec.out");
    Files.deleteIfExists(log);
    ProcessBuilder builder =
        new ProcessBuilder("linphonec", "-c", config.toString(), "-d", "6", "-l", log.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().put("HOME", dir.resolve("home").toString());
    SipPhone phone = new SipPhone(builder.start(), output);
    phone.command("soundcard use files");
    phone.command("play " + tone);
    return phone;
  }

  /**
   * baresip answering every call to {@code sip:<user>@127.0.0.1:<port>} with G.711 and a tone,
   * until the caller hangs up.
   */
  public static SipPhone baresip(Path dir, String user, int port) throws IOException {
    return baresip(dir, user, port, FreePorts.next() & ~1, "PCMU,PCMA", null);
  }

  /**
   * baresip calling {@code target} at once, offering Opus only, from RTP port {@code rtp}, with a
   * 440 Hz tone; it hangs up when closed.
   */
  public static SipPhone baresipCallingInOpus(
      Path dir, String user, int port, int rtp, String target) throws IOException {
    return baresip(dir, user, port, rtp, "opus/48000/2", target);
  }

  private static SipPhone baresip(
      Path dir, String user, int port, int rtp, String codecs, String target) throws IOException {
    Sipp.requireCommand("baresip", "baresip");
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config"),
        String.join(
            "\n",
            "poll_method epoll",
            "sip_listen 127.0.0.1:" + port,
            "net_interface 127.0.0.1",
            "call_local_timeout 0",
            "call_max_calls 4",
            // ausine produces 48 kHz stereo only; baresip resamples for G.711.
            "audio_source ausine,440",
            "ausrc_srate 48000",
            "ausrc_channels 2",
            "rtp_ports " + rtp + "-" + (rtp + 1),
            "rtp_timeout 0",
            "rtcp_mux no",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module opus.so",
            "module ausine.so",
            "module menu.so",
            "module_tmp uuid.so",
            "module_tmp account.so",
            ""));
    Files.writeString(
        dir.resolve("accounts"),
        "<sip:"
            + user
            + "@127.0.0.1:"
            + port
            + ">;regint=0;answermode=auto;audio_codecs="
            + codecs
            + ";medianat=;mediaenc=\n");
    Path output = dir.resolve("baresip.out");
    List<String> command = new ArrayList<>(List.of("baresip", "-f", dir.toString()));
    if (target != null) {
      command.addAll(List.of("-e", "/dial " + target));
    }
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    return new SipPhone(process, output);
  }

  /** One line at linphonec's prompt. */
  public void command(String line) throws IOException {
    commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    commands.flush();
  }

  /** What the phone printed so far. */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** A file next to the output, such as linphonec's log. */
  public String file(String name) {
    try {
      return Files.readString(output.resolveSibling(name));
    } catch (IOException e) {
      return "";
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (process.isAlive()) {
      try {
        command("quit");
      } catch (IOException e) {
        // baresip reads no commands; it ends on SIGTERM below
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  /** A mono 16-bit PCM WAV of a sine tone. */
  static byte[] sineWav(int hertz, int rate, int seconds) {
    int samples = rate * seconds;
    ByteBuffer wav = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2);
    wav.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1);
    wav.putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
    wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
    for (int i = 0; i < samples; i++) {
      wav.putShort((short) (8000 * Math.sin(2 * Math.PI * hertz * i / rate)));
    }
    return wav.array();
  }
}
