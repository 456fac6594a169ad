package io.xconf.itests.support;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Base of the Pax Exam tests: a stock Apache Karaf 4.4 into which the Xconf features are installed
 * exactly as an operator does ({@code feature:repo-add} + {@code feature:install}), on free
 * loopback ports. {@link #xconfInStockKaraf} runs in the test JVM; everything else runs in the
 * container, which learns its ports through system properties.
 */
public abstract class XconfKarafTestSupport {

  /** System property carrying the HTTP port into the container. */
  protected static final String HTTP_PORT = "xconf.itest.http.port";

  /** System property carrying the SIP focus's port into the container. */
  protected static final String SIP_PORT = "xconf.itest.sip.port";

  @Inject protected BundleContext bundleContext;

  /** The configuration of a Karaf with Xconf; {@code extra} adds to or overrides it. */
  protected static Option[] xconfInStockKaraf(Option... extra) {
    int httpPort = FreePorts.next();
    int sipPort = FreePorts.next();
    String pid = "etc/org.ops4j.pax.url.mvn.cfg";
    List<Option> options =
        new ArrayList<>(
            List.of(
                karafDistributionConfiguration()
                    .frameworkUrl(
                        maven("org.apache.karaf", "apache-karaf").type("zip").versionAsInProject())
                    .unpackDirectory(new File(System.getProperty("xconf.work"), "exam"))
                    .useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                systemProperty(HTTP_PORT).value(String.valueOf(httpPort)),
                systemProperty(SIP_PORT).value(String.valueOf(sipPort)),
                editConfigurationFilePut("etc/io.xconf.sip.cfg", "port", String.valueOf(sipPort)),
                editConfigurationFilePut(
                    "etc/org.ops4j.pax.web.cfg",
                    "org.osgi.service.http.port",
                    String.valueOf(httpPort)),
                // Stock Karaf listens for ssh and JMX: move them off their fixed ports.
                editConfigurationFilePut(
                    "etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(FreePorts.next())),
                editConfigurationFilePut(
                    "etc/org.apache.karaf.management.cfg",
                    "rmiRegistryPort",
                    String.valueOf(FreePorts.next())),
                editConfigurationFilePut(
                    "etc/org.apache.karaf.management.cfg",
                    "rmiServerPort",
                    String.valueOf(FreePorts.next())),
                // Resolve this build's artifacts from its own local repository (pitfall 9 of
                // docs/development.md).
                editConfigurationFilePut(
                    pid,
                    "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("xconf.localRepository")),
                editConfigurationFilePut(
                    pid,
                    "org.ops4j.pax.url.mvn.repositories",
                    "https://repo1.maven.org/maven2@id=central"),
                features(
                    maven("io.xconf", "xconf-features")
                        .classifier("features")
                        .type("xml")
                        .versionAsInProject(),
                    "xconf")));
    options.addAll(List.of(extra));
    return options.toArray(new Option[0]);
  }

  protected int httpPort() {
    return Integer.getInteger(HTTP_PORT);
  }

  protected int sipPort() {
    return Integer.getInteger(SIP_PORT);
  }

  protected CcmpHttp ccmp() {
    return new CcmpHttp(httpPort());
  }

  protected Bundle bundle(String symbolicName) {
    for (Bundle bundle : bundleContext.getBundles()) {
      if (symbolicName.equals(bundle.getSymbolicName())) {
        return bundle;
      }
    }
    throw new AssertionError("no bundle " + symbolicName + " is installed");
  }
}
