package io.xconf.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A SIP peer over TLS (Debian's sipp has none): {@code openssl s_client} connected to the focus,
 * checking its certificate against {@code caFile} for 127.0.0.1, or {@code openssl s_server} that
 * the focus calls; the test writes SIP messages and reads what comes back on the one connection.
 */
public final class TlsPeer implements AutoCloseable {

  private final Process process;
  private final OutputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  private TlsPeer(Process process) {
    this.process = process;
    this.in = process.getOutputStream();
    Thread reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[4096];
              try (InputStream out = process.getInputStream()) {
                for (int n; (n = out.read(buffer)) > 0; ) {
                  synchronized (received) {
                    received.write(buffer, 0, n);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "tls-peer-reader");
    reader.setDaemon(true);
    reader.start();
  }

  public static TlsPeer connect(int port, Path caFile) throws IOException {
    Sipp.requireCommand("openssl", "openssl");
    Process process =
        new ProcessBuilder(
                List.of(
                    "openssl",
                    "s_client",
                    "-connect",
                    "127.0.0.1:" + port,
                    "-CAfile",
                    caFile.toString(),
                    "-verify_ip",
                    "127.0.0.1",
                    "-verify_return_error",
                    "-quiet"))
            .redirectErrorStream(true)
            .start();
    return new TlsPeer(process);
  }

  /**
   * A TLS server on 127.0.0.1:{@code port} with this certificate and key ({@code openssl
   * s_server}), for one connection: a peer the focus calls over TLS.
   */
  public static TlsPeer listen(int port, Path certificate, Path key) throws IOException {
    Sipp.requireCommand("openssl", "openssl");
    Process process =
        new ProcessBuilder(
                List.of(
                    "openssl",
                    "s_server",
                    "-accept",
                    "127.0.0.1:" + port,
                    "-cert",
                    certificate.toString(),
                    "-key",
                    key.toString(),
                    "-naccept",
                    "1",
                    "-quiet"))
            .redirectErrorStream(true)
            .start();
    return new TlsPeer(process);
  }

  /** Sends one SIP message; lines end in CRLF, Content-Length is computed. */
  public void send(String headers, String body) throws IOException {
    String message =
        headers.strip().replace("\n", "\r\n")
            + "\r\nContent-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n"
            + body;
    in.write(message.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Everything received so far, the handshake's verification lines included. */
  public String received() {
    synchronized (received) {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  public String awaitReceived(String what, Predicate<String> condition) throws Exception {
    return Await.until(what, Duration.ofSeconds(20), this::received, condition);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
