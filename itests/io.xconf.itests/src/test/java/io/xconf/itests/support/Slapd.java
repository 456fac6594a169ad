package io.xconf.itests.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * OpenLDAP's slapd (Debian's slapd) from a configuration generated in a folder of the test's own,
 * on 127.0.0.1: never the system's instance or its configuration. Its entries are loaded with
 * slapadd before it starts. Anonymous clients may only bind; bound ones read everything but
 * passwords.
 */
public final class Slapd implements AutoCloseable {

  public static final String SUFFIX = "dc=example,dc=com";
  public static final String PEOPLE = "ou=people," + SUFFIX;
  public static final String GROUPS = "ou=groups," + SUFFIX;

  /** The password of {@link #trustStore()}. */
  public static final String TRUST_STORE_PASSWORD = "trust-slapd";

  private final Path folder;
  private final int port;
  private final int tlsPort;
  private Process process;

  private Slapd(Path folder, int port, int tlsPort) {
    this.folder = folder;
    this.port = port;
    this.tlsPort = tlsPort;
  }

  /**
   * Loads {@code ldif} (entries under {@link #SUFFIX}, which it need not contain) into a fresh
   * database in {@code folder} and starts slapd: LDAP on {@code port}, LDAP over TLS on {@code
   * tlsPort} with a certificate made for localhost and 127.0.0.1, which {@link #trustStore()}
   * trusts.
   */
  public static Slapd start(Path folder, int port, int tlsPort, String ldif)
      throws IOException, InterruptedException {
    Sipp.requireCommand("slapd", "slapd");
    XconfServer.deleteRecursively(folder);
    Files.createDirectories(folder.resolve("db"));
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        folder.resolve("key.pem").toString(),
        "-out",
        folder.resolve("certificate.pem").toString());
    run(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-importcert",
        "-noprompt",
        "-alias",
        "slapd",
        "-file",
        folder.resolve("certificate.pem").toString(),
        "-keystore",
        folder.resolve("trust.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        TRUST_STORE_PASSWORD);
    Path config = folder.resolve("slapd.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "include /etc/ldap/schema/core.schema",
            "include /etc/ldap/schema/cosine.schema",
            "include /etc/ldap/schema/inetorgperson.schema",
            "TLSCertificateFile " + folder.resolve("certificate.pem"),
            "TLSCertificateKeyFile " + folder.resolve("key.pem"),
            "pidfile " + folder.resolve("slapd.pid"),
            "argsfile " + folder.resolve("slapd.args"),
            "modulepath /usr/lib/ldap",
            "moduleload back_mdb",
            "database mdb",
            "maxsize 10485760",
            "suffix \"" + SUFFIX + "\"",
            "rootdn \"cn=admin," + SUFFIX + "\"",
            "rootpw " + UUID.randomUUID(),
            "directory " + folder.resolve("db"),
            "access to attrs=userPassword by anonymous auth by * none",
            "access to * by users read by * none",
            ""));
    Path data = folder.resolve("data.ldif");
    Files.writeString(
        data,
        String.join(
                "\n",
                "dn: " + SUFFIX,
                "objectClass: dcObject",
                "objectClass: organization",
                "o: Example",
                "dc: example",
                "",
                "dn: " + PEOPLE,
                "objectClass: organizationalUnit",
                "ou: people",
                "",
                "dn: " + GROUPS,
                "objectClass: organizationalUnit",
                "ou: groups",
                "",
                "")
            + ldif);
    run("slapadd", "-f", config.toString(), "-l", data.toString());
    Slapd slapd = new Slapd(folder, port, tlsPort);
    slapd.start();
    return slapd;
  }

  /** An entry's {@code userPassword}, salted and hashed as slappasswd makes it. */
  public static String hashed(String password) throws IOException, InterruptedException {
    return run("slappasswd", "-s", password).strip();
  }

  /** {@code ldap://127.0.0.1:port} */
  public String url() {
    return "ldap://127.0.0.1:" + port;
  }

  /** {@code ldaps://localhost:tlsPort}, by the name its certificate is made for. */
  public String tlsUrl() {
    return "ldaps://localhost:" + tlsPort;
  }

  /** A PKCS12 store that trusts slapd's certificate ({@link #TRUST_STORE_PASSWORD}). */
  public Path trustStore() {
    return folder.resolve("trust.p12");
  }

  /** Starts slapd again on the same data (after {@link #stop}) and waits until it accepts. */
  public void start() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            "slapd",
            "-d",
            "0",
            "-f",
            folder.resolve("slapd.conf").toString(),
            "-h",
            url() + "/ ldaps://127.0.0.1:" + tlsPort + "/");
    builder.redirectErrorStream(true).redirectOutput(folder.resolve("slapd.log").toFile());
    process = builder.start();
    try {
      Await.until(
          "slapd on " + port,
          Duration.ofSeconds(20),
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError(
                  "slapd exited:\n" + Files.readString(folder.resolve("slapd.log")));
            }
            try (Socket plain = new Socket();
                Socket tls = new Socket()) {
              plain.connect(new InetSocketAddress("127.0.0.1", port), 200);
              tls.connect(new InetSocketAddress("127.0.0.1", tlsPort), 200);
              return true;
            } catch (IOException e) {
              return false;
            }
          },
          accepted -> accepted);
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Stops slapd (SIGTERM, as an operator would); its data stays. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed:\n" + output);
    }
    return output;
  }
}
