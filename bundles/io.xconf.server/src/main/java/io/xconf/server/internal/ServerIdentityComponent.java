package io.xconf.server.internal;

import io.xconf.server.ServerIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ServerIdentity} configured by Config Admin (PID {@code io.xconf.server}). */
@Component(configurationPid = ServerIdentityComponent.PID)
@Designate(ocd = ServerIdentityComponent.Config.class)
public final class ServerIdentityComponent implements ServerIdentity {

  static final String PID = "io.xconf.server";

  @ObjectClassDefinition(
      name = "Xconf server identity",
      description = "The domain of XCON-URIs and XCON-USERIDs, and where state is kept.")
  public @interface Config {
    @AttributeDefinition(
        name = "Domain",
        description = "Domain of XCON-URIs (xcon:id@domain), XCON-USERIDs and conference SIP URIs.")
    String domain() default "localhost";

    @AttributeDefinition(
        name = "State directory",
        description =
            "Folder for all durable state. Empty: the 'xconf' folder in Karaf's data folder"
                + " (XCONF_DATA).")
    String stateDirectory() default "";
  }

  private static final Logger LOG = LoggerFactory.getLogger(ServerIdentityComponent.class);

  private final String domain;
  private final Path stateDirectory;

  @Activate
  public ServerIdentityComponent(BundleContext context, Config config) throws IOException {
    this(config.domain(), resolveStateDirectory(context, config.stateDirectory()));
  }

  ServerIdentityComponent(String domain, Path stateDirectory) throws IOException {
    this.domain = DomainNames.canonical(domain);
    this.stateDirectory = Files.createDirectories(stateDirectory.toAbsolutePath().normalize());
    LOG.info("Xconf server for domain {} keeps its state in {}", this.domain, this.stateDirectory);
  }

  private static Path resolveStateDirectory(BundleContext context, String configured) {
    if (!configured.isBlank()) {
      return Paths.get(configured.trim());
    }
    String karafData = context.getProperty("karaf.data");
    if (karafData != null && !karafData.isBlank()) {
      return Paths.get(karafData, "xconf");
    }
    // Outside Karaf (e.g. a bare Felix container) the bundle's own storage is the safe default.
    return context.getDataFile("state").toPath();
  }

  @Override
  public String domain() {
    return domain;
  }

  @Override
  public Path stateDirectory() {
    return stateDirectory;
  }
}
