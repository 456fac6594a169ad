package io.xconf.model.internal;

import io.xconf.accounts.Account;
import io.xconf.accounts.AccountDirectory;
import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceChangeListener;
import io.xconf.model.ConferenceObject;
import io.xconf.model.ConferenceService;
import io.xconf.model.CreateRequest;
import io.xconf.model.MalformedXmlException;
import io.xconf.model.ModelException;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlElement;
import io.xconf.server.ServerIdentity;
import io.xconf.store.ConferenceHosting;
import io.xconf.store.ConferenceStore;
import io.xconf.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ConferenceService}, configured by PID {@code io.xconf.model}. */
@Component(service = ConferenceService.class, configurationPid = "io.xconf.model", immediate = true)
@Designate(ocd = ConferenceServiceComponent.Config.class)
public final class ConferenceServiceComponent implements ConferenceService {

  @ObjectClassDefinition(
      name = "Xconf conference model",
      description = "Blueprints and the conference tree.")
  public @interface Config {
    @AttributeDefinition(
        name = "Blueprint folder",
        description =
            "Folder of blueprint documents (NAME.xml). Empty: etc/xconf/blueprints in Karaf, else the built-in ones.")
    String blueprintDirectory() default "";

    @AttributeDefinition(
        name = "Default blueprint",
        description = "The blueprint cloned when a creation names none.")
    String defaultBlueprint() default "default";

    @AttributeDefinition(
        name = "Other access URIs",
        description =
            "Listed in every conference's conf-uris after its SIP URI; {id} stands for the"
                + " conference id, e.g. https://meet.example.com/{id} or tel:+4930123456.")
    String[] accessUris() default {};

    @AttributeDefinition(
        name = "Largest document",
        description =
            "Bytes a conference object's own document may take; a change that would make it larger"
                + " is refused (CCMP 511) and changes nothing. The same limit as a CCMP request's.",
        min = "4096")
    int maxDocumentBytes() default ConferenceTree.Limits.DEFAULT_DOCUMENT_BYTES;

    @AttributeDefinition(
        name = "Most users",
        description =
            "Users one conference or sidebar may list, whatever its maximum-user-count says;"
                + " a change that would list more is refused (CCMP 511).",
        min = "1")
    int maxUsers() default ConferenceTree.Limits.DEFAULT_USERS;
  }

  private static final Logger LOG = LoggerFactory.getLogger(ConferenceServiceComponent.class);

  private final ExecutorService notifier;
  private final ConferenceTree tree;

  // Service objects, not the services: binding them activates no listener, so a listener that
  // needs this service (the SIP focus) makes no circular reference while both start.
  @Reference(
      service = ConferenceChangeListener.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile List<ComponentServiceObjects<ConferenceChangeListener>> listeners = List.of();

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile AccountDirectory accounts;

  // Which node hosts a conference decides where its changes are announced (several nodes); the
  // target "hosting.target" in this PID's configuration names the engine, as for the store.
  @Reference(
      name = "hosting",
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile ConferenceHosting hosting;

  private final ConferenceTree.Placement placement =
      new ConferenceTree.Placement() {
        @Override
        public boolean announceChangeMadeHere(String uri) {
          ConferenceHosting current = hosting;
          if (current == null || current.hostsHere(uri)) {
            return true;
          }
          try {
            return current.hostOf(uri).map(ConferenceHosting.Host::here).orElse(true);
          } catch (StoreException e) {
            // Twice is better than never: listeners cope with a change they already know.
            LOG.warn("Cannot tell who hosts {}; announcing its change here", uri);
            return true;
          }
        }

        @Override
        public boolean announceChangeMadeElsewhere(String uri) {
          ConferenceHosting current = hosting;
          return current != null && current.hostsHere(uri);
        }
      };

  @Activate
  public ConferenceServiceComponent(
      BundleContext context,
      Config config,
      @Reference ServerIdentity identity,
      // Which engine: the target "store.target" in this PID's configuration.
      @Reference(name = "store") ConferenceStore store)
      throws IOException, MalformedXmlException, StoreException {
    this.notifier = Executors.newSingleThreadExecutor(ConferenceServiceComponent::changeThread);
    Map<String, XmlElement> blueprints = blueprints(context, config);
    LOG.info("Blueprints: {}", blueprints.keySet());
    this.tree =
        new ConferenceTree(
            identity.domain(),
            store,
            blueprints,
            config.defaultBlueprint(),
            List.of(config.accessUris()),
            new ConferenceTree.Limits(config.maxDocumentBytes(), config.maxUsers()),
            this::announce,
            Clock.systemUTC());
    tree.placement(placement, this::observe);
    tree.listen();
  }

  /** A service outside OSGi (tools, benchmarks), with the built-in blueprints. */
  public ConferenceServiceComponent(String domain, ConferenceStore store)
      throws IOException, MalformedXmlException, StoreException {
    this.notifier = Executors.newSingleThreadExecutor(ConferenceServiceComponent::changeThread);
    this.tree =
        new ConferenceTree(
            domain,
            store,
            BlueprintFiles.builtIn(),
            "default",
            List.of(),
            ConferenceTree.Limits.DEFAULTS,
            this::announce,
            Clock.systemUTC());
    tree.listen();
  }

  private static Thread changeThread(Runnable runnable) {
    Thread thread = new Thread(runnable, "xconf-model-changes");
    thread.setDaemon(true);
    return thread;
  }

  private static Map<String, XmlElement> blueprints(BundleContext context, Config config)
      throws IOException, MalformedXmlException {
    Path folder = null;
    if (!config.blueprintDirectory().isBlank()) {
      folder = Paths.get(config.blueprintDirectory().trim());
    } else if (context.getProperty("karaf.etc") != null) {
      folder = Paths.get(context.getProperty("karaf.etc"), "xconf", "blueprints");
    }
    // The built-in blueprints stand under the folder's: a file there replaces or adds one, and
    // a missing file cannot take the system default away.
    Map<String, XmlElement> blueprints = new java.util.TreeMap<>(BlueprintFiles.builtIn());
    if (folder != null && Files.isDirectory(folder)) {
      blueprints.putAll(BlueprintFiles.read(folder));
    }
    return blueprints;
  }

  /** Hands a committed change to the listeners, in commit order, off the committing thread. */
  private void announce(ConferenceChange change) {
    tell(change, false);
  }

  /** Hands a change another node acts on to the listeners of every change only. */
  private void observe(ConferenceChange change) {
    tell(change, true);
  }

  private void tell(ConferenceChange change, boolean observersOnly) {
    notifier.execute(
        () -> {
          for (ComponentServiceObjects<ConferenceChangeListener> objects : listeners) {
            if (observersOnly
                && !ConferenceChangeListener.EVERYWHERE.equals(
                    objects.getServiceReference().getProperty(ConferenceChangeListener.SCOPE))) {
              continue;
            }
            ConferenceChangeListener listener = objects.getService();
            if (listener == null) {
              continue; // gone meanwhile
            }
            try {
              listener.changed(change);
            } catch (RuntimeException e) {
              LOG.error("A conference change listener failed on {}", change.uri(), e);
            } finally {
              objects.ungetService(listener);
            }
          }
        });
  }

  @Deactivate
  public void deactivate() throws InterruptedException {
    tree.close();
    notifier.shutdown();
    notifier.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public List<ConferenceObject> blueprints() {
    return tree.list(ObjectKind.BLUEPRINT, null);
  }

  @Override
  public List<ConferenceObject> conferences() {
    return tree.list(ObjectKind.CONFERENCE, null);
  }

  @Override
  public List<ConferenceObject> sidebars(String conferenceUri) {
    return tree.list(null, conferenceUri);
  }

  @Override
  public Optional<ConferenceObject> get(String uri) {
    return tree.get(uri);
  }

  @Override
  public Optional<String> userIdOf(String target) {
    AccountDirectory directory = accounts;
    if (directory == null || target == null) {
      return Optional.empty();
    }
    Optional<Account> account =
        target.trim().startsWith("xcon-userid:")
            ? directory.byUserId(target.trim())
            : directory.byUri(target);
    return account.map(Account::userId);
  }

  @Override
  public String defaultBlueprintUri() {
    return tree.defaultBlueprintUri();
  }

  @Override
  public ConferenceObject create(CreateRequest request) throws ModelException {
    return tree.create(request);
  }

  @Override
  public ConferenceObject update(String uri, XmlElement update, String actor)
      throws ModelException {
    return tree.update(uri, update, actor);
  }

  @Override
  public ConferenceObject update(String uri, List<XmlElement> updates, String actor)
      throws ModelException {
    return tree.update(uri, updates, actor);
  }

  @Override
  public void delete(String uri, String actor) throws ModelException {
    tree.delete(uri, actor);
  }
}
