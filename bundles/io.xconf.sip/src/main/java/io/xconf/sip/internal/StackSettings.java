package io.xconf.sip.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/** The JAIN-SIP properties of the stack, from its configuration. */
final class StackSettings {

  private StackSettings() {}

  static Properties of(SipStackComponent.Config config) {
    Properties properties = new Properties();
    // SipFactory keeps every stack by name, stopped ones too: a new name per activation. The
    // stack logs under its name: "jainsip." puts all of them under one logger to configure.
    properties.setProperty("javax.sip.STACK_NAME", "jainsip.xconf-" + UUID.randomUUID());
    properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
    properties.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
    // Handlers make their dialogs themselves (Sip.dialog), so that requests of dialogs the stack
    // only forwards reach them; requests that match no dialog of the stack's are answered 481 by
    // the dispatcher rather than taken for something new.
    properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    // Bursts (hundreds of SUBSCRIBEs or INVITEs at once) must queue in the socket, not be lost.
    properties.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "1048576");
    properties.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", "1048576");
    properties.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    properties.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    if (!config.tlsKeyStore().isBlank()) {
      tls(config, properties);
    }
    return properties;
  }

  /**
   * The operator's key; peers' certificates checked against the configured truststore or the JDK's
   * authorities; callers need no certificate of their own (SIP Digest tells who they are).
   */
  private static void tls(SipStackComponent.Config config, Properties properties) {
    Path keyStore = Path.of(config.tlsKeyStore().strip());
    if (!Files.isReadable(keyStore)) {
      throw new IllegalArgumentException("the SIP TLS keystore " + keyStore + " is not readable");
    }
    properties.setProperty("javax.net.ssl.keyStore", keyStore.toString());
    properties.setProperty("javax.net.ssl.keyStorePassword", config.tlsKeyStorePassword());
    properties.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
    String trustStore = config.tlsTrustStore().strip();
    if (trustStore.isEmpty()) {
      properties.setProperty(
          "javax.net.ssl.trustStore",
          Path.of(System.getProperty("java.home"), "lib", "security", "cacerts").toString());
      properties.setProperty("javax.net.ssl.trustStorePassword", "changeit");
    } else {
      properties.setProperty("javax.net.ssl.trustStore", trustStore);
      properties.setProperty("javax.net.ssl.trustStorePassword", config.tlsTrustStorePassword());
    }
    properties.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
    // Both directions; the stack's defaults (TLS 1.0 to 1.2, RSA key exchange only) fail
    // against today's peers and EC keys.
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
    properties.setProperty(
        "gov.nist.javax.sip.ENABLED_CIPHER_SUITES",
        String.join(
            ",",
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            // RFC 5630's mandatory suite, for older SIP peers.
            "TLS_RSA_WITH_AES_128_CBC_SHA"));
  }
}
