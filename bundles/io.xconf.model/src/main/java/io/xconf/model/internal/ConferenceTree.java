package io.xconf.model.internal;

import io.xconf.model.ConferenceChange;
import io.xconf.model.ConferenceObject;
import io.xconf.model.CreateRequest;
import io.xconf.model.MalformedXmlException;
import io.xconf.model.ModelException;
import io.xconf.model.ModelFailure;
import io.xconf.model.ObjectKind;
import io.xconf.model.XmlDocuments;
import io.xconf.model.XmlElement;
import io.xconf.store.ConferenceStore;
import io.xconf.store.StaleWriteException;
import io.xconf.store.StoreException;
import io.xconf.store.StoreListener;
import io.xconf.store.StoreWrite;
import io.xconf.store.StoredObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloning tree: every node's own document, its parent link and version, and the rules that turn
 * them into effective documents. Each node is its own lock: operations on one node are serialized,
 * operations on different nodes run in parallel, and a change is applied in memory only once the
 * store has made it durable.
 *
 * <p>Every write names the version it was computed from, so a store that other nodes write too (a
 * {@linkplain ConferenceStore#shared() shared} one) refuses it when another node's change came
 * first; the node is then read again and the operation computed anew. With a shared store, every
 * read asks the store for the versions of the object and its stored ancestors first (one look), so
 * a change acknowledged by any node is what the next read on any node sees; the other nodes'
 * notifications only keep that look cheap.
 */
final class ConferenceTree {

  private static final Logger LOG = LoggerFactory.getLogger(ConferenceTree.class);
  private static final int MAX_DEPTH = 64;
  private static final long STORE_TIMEOUT_SECONDS = 30;

  /** Tries of one operation that other nodes' changes overtake before it gives up. */
  private static final int ATTEMPTS = 32;

  /** Parsed own documents kept for the most recently used objects; the rest stay compact. */
  private static final int CACHED_TREES = 512;

  private final String domain;
  private final List<String> accessUriTemplates;
  private final ConferenceStore store;
  private final Consumer<ConferenceChange> events;

  /**
   * Which node announces a change, when several share the store: the one that hosts the conference
   * (its focus and event package act on it), else the one that made it. One node: this one.
   */
  interface Placement {
    /** Whether a change made here is announced here: not when another node hosts it. */
    boolean announceChangeMadeHere(String uri);

    /** Whether another node's change is announced here: when this node hosts it. */
    boolean announceChangeMadeElsewhere(String uri);
  }

  private static final Placement ONE_NODE =
      new Placement() {
        @Override
        public boolean announceChangeMadeHere(String uri) {
          return true;
        }

        @Override
        public boolean announceChangeMadeElsewhere(String uri) {
          return false;
        }
      };

  private volatile Placement placement = ONE_NODE;

  /** Hears the changes announced on other nodes too (listeners of every change). */
  private volatile Consumer<ConferenceChange> observers = change -> {};

  void placement(Placement placement, Consumer<ConferenceChange> observers) {
    this.placement = placement;
    this.observers = observers;
  }

  /**
   * Hands a change made here to every listener, unless another node hosts its conference: then to
   * those that hear every change only.
   */
  private void announce(ConferenceChange change) {
    if (change.kind() == ConferenceChange.Kind.CREATED
        || placement.announceChangeMadeHere(change.uri())) {
      events.accept(change);
    } else {
      observers.accept(change);
    }
  }

  /** Hands another node's change to every listener when this node hosts it, else to observers. */
  private void announceChangeMadeElsewhere(ConferenceChange change) {
    if (placement.announceChangeMadeElsewhere(change.uri())) {
      events.accept(change);
    } else {
      observers.accept(change);
    }
  }

  private final Clock clock;
  private final Identifiers identifiers = new Identifiers();
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final Map<String, XmlElement> blueprintDocuments = new ConcurrentHashMap<>();

  /**
   * Recently computed core documents, so that a conference read again and again is merged with its
   * parent once per change, not once per read. Bounded: idle conferences keep only their compact
   * own document.
   */
  private final Map<String, CachedCore> recentCores =
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedCore> eldest) {
          return size() > 1024;
        }
      };

  /** A core document, valid while the node's state and its parent's core are these objects. */
  private record CachedCore(State state, XmlElement parentCore, XmlElement core) {}

  private final CompactDocuments documents = new CompactDocuments(CACHED_TREES);
  private final String defaultBlueprintUri;

  /** A node. Its identity is fixed; {@link #state} changes only under the node's lock. */
  private static final class Node {
    final String uri;
    final ObjectKind kind;
    final String parentUri;
    final String owner;
    final String sipUri;
    final Instant created;
    volatile State state; // replaced under this lock
    int children; // guarded by this
    volatile List<String> sidebars = List.of(); // replaced under this lock
    // Set under this lock by local deletions; by another node's deletion without it (the store
    // refuses whatever a local operation in progress then writes).
    volatile boolean deleted;

    Node(
        String uri,
        ObjectKind kind,
        String parentUri,
        String owner,
        String sipUri,
        Instant created,
        State state) {
      this.uri = uri;
      this.kind = kind;
      this.parentUri = parentUri;
      this.owner = owner;
      this.sipUri = sipUri;
      this.created = created;
      this.state = state;
    }
  }

  /** What changes with every version. */
  private record State(long version, CompactDocuments.Compact own, Instant modified) {}

  /**
   * What no change may make an object cross: its own document's size in bytes and its number of
   * users. A change that would is refused whole; one that shrinks an object over a limit (set lower
   * since) is let through.
   */
  record Limits(int maxDocumentBytes, int maxUsers) {
    static final int DEFAULT_DOCUMENT_BYTES = 1 << 20;
    static final int DEFAULT_USERS = 1000;
    static final Limits DEFAULTS = new Limits(DEFAULT_DOCUMENT_BYTES, DEFAULT_USERS);
  }

  private final Limits limits;

  ConferenceTree(
      String domain,
      ConferenceStore store,
      Map<String, XmlElement> blueprints,
      String defaultBlueprintName,
      List<String> accessUriTemplates,
      Limits limits,
      Consumer<ConferenceChange> events,
      Clock clock)
      throws StoreException {
    this.domain = domain;
    this.limits = limits;
    this.accessUriTemplates = List.copyOf(accessUriTemplates);
    this.store = store;
    this.events = events;
    this.clock = clock;
    Instant now = clock.instant();
    blueprints.forEach(
        (name, document) -> {
          String uri = Identifiers.xconUri(name, domain);
          XmlElement own = DocumentMerge.clean(document);
          CompactDocuments.Compact compact = documents.compact(own, xml(own));
          nodes.put(
              uri,
              new Node(
                  uri, ObjectKind.BLUEPRINT, null, null, null, now, new State(1, compact, now)));
        });
    this.defaultBlueprintUri = Identifiers.xconUri(defaultBlueprintName, domain);
    if (!nodes.containsKey(defaultBlueprintUri)) {
      throw new IllegalArgumentException(
          "no blueprint named " + defaultBlueprintName + " for the system default");
    }
    load();
  }

  private void load() throws StoreException {
    List<StoredObject> stored = new ArrayList<>();
    store.loadAll(stored::add);
    for (StoredObject object : stored) {
      Node node = nodeOf(object);
      if (node != null) {
        nodes.put(object.uri(), node);
      }
    }
    for (Node node : nodes.values()) {
      Node parent = node.parentUri == null ? null : nodes.get(node.parentUri);
      if (parent != null) {
        synchronized (parent) {
          parent.children++;
          if (node.kind.isSidebar()) {
            parent.sidebars = plus(parent.sidebars, node.uri);
          }
        }
      } else if (node.parentUri != null) {
        LOG.warn(
            "{} was cloned from {}, which is gone: it inherits nothing now",
            node.uri,
            node.parentUri);
      }
    }
    LOG.info("Conference tree loaded: {} objects", nodes.size());
  }

  /** A node as stored, or null (logged) when its document cannot be read. */
  private Node nodeOf(StoredObject object) {
    try {
      return new Node(
          object.uri(),
          ObjectKind.valueOf(object.kind()),
          object.parentUri(),
          object.owner(),
          object.sipUri(),
          object.created(),
          stateOf(object));
    } catch (MalformedXmlException | IllegalArgumentException e) {
      LOG.error("Stored object {} is unreadable and left out: {}", object.uri(), e.getMessage());
      return null;
    }
  }

  /** Parsed once: a readable document goes to the bounded cache. */
  private State stateOf(StoredObject object) throws MalformedXmlException {
    XmlElement own = XmlDocuments.parse(object.document(), MAX_DEPTH);
    return new State(
        object.version(), documents.compact(own, object.document()), object.modified());
  }

  /** Starts hearing of other nodes' changes, when the store has other writers. */
  void listen() {
    if (!store.shared()) {
      return;
    }
    store.listen(
        new StoreListener() {
          @Override
          public void changed(String uri, long version) {
            try {
              Node node = nodes.get(uri);
              if (version == StoreWrite.ABSENT) {
                if (node != null) {
                  forget(node);
                }
              } else if (node == null || node.state.version() < version) {
                refresh(uri);
              }
            } catch (StoreException e) {
              LOG.warn("Cannot read {} after another node changed it: {}", uri, e.getMessage());
            }
          }

          @Override
          public void resync() {
            try {
              catchUpWithStore();
            } catch (StoreException e) {
              LOG.warn("Cannot compare with the store: {}", e.getMessage());
            }
          }
        });
  }

  void close() {
    store.listen(null);
  }

  /**
   * With a shared store, brings the object and its stored ancestors up to what the store holds now
   * (a lookup of their versions; the documents only of what changed). Reads go on from the cache
   * while the store cannot be reached: writes fail then anyway, so nothing diverges.
   */
  private void freshen(String uri) {
    if (!store.shared() || uri == null) {
      return;
    }
    try {
      List<String> chain = new ArrayList<>();
      Node node = nodes.get(uri);
      if (node == null) {
        chain.add(uri);
      }
      for (int depth = 0; node != null && depth < MAX_DEPTH; depth++) {
        if (node.kind == ObjectKind.BLUEPRINT) {
          break; // blueprints are configuration, the same on every node
        }
        chain.add(node.uri);
        node = node.parentUri == null ? null : nodes.get(node.parentUri);
      }
      if (chain.isEmpty()) {
        return;
      }
      Map<String, Long> stored = store.versions(chain);
      // Ancestors first, so that a node adopted below finds its parent.
      for (int i = chain.size() - 1; i >= 0; i--) {
        String link = chain.get(i);
        Node known = nodes.get(link);
        Long version = stored.get(link);
        if (version == null) {
          if (known != null) {
            forget(known);
          }
        } else if (known == null || known.state.version() < version) {
          refresh(link);
        }
      }
      storeReachable();
    } catch (StoreException e) {
      storeUnreachable(e);
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean storeUnreachable =
      new java.util.concurrent.atomic.AtomicBoolean();

  private void storeUnreachable(StoreException e) {
    if (storeUnreachable.compareAndSet(false, true)) {
      LOG.warn(
          "The conference store cannot be read; answering from this node's copy: {}",
          e.getMessage());
    }
  }

  private void storeReachable() {
    if (storeUnreachable.compareAndSet(true, false)) {
      LOG.info("The conference store can be read again");
    }
  }

  /** With a shared store, brings every object up to what the store holds now. */
  private void catchUpWithStore() throws StoreException {
    if (!store.shared()) {
      return;
    }
    Map<String, Long> stored = store.versions();
    for (Node node : nodes.values()) {
      if (node.kind != ObjectKind.BLUEPRINT && !stored.containsKey(node.uri)) {
        forget(node);
      }
    }
    for (Map.Entry<String, Long> entry : stored.entrySet()) {
      Node known = nodes.get(entry.getKey());
      if (known == null || known.state.version() < entry.getValue()) {
        refresh(entry.getKey());
      }
    }
  }

  /**
   * Makes a node what the store holds now: its state, its children (another node may have cloned
   * from it or removed a sidebar), or its absence.
   */
  private void refresh(String uri) throws StoreException {
    StoredObject row = store.read(List.of(uri)).get(uri);
    Node node = nodes.get(uri);
    if (row == null) {
      if (node != null) {
        forget(node);
      }
      return;
    }
    if (node == null) {
      node = adopt(row, 0);
      if (node == null) {
        return;
      }
    }
    synchronized (node) {
      if (node.deleted) {
        return;
      }
      if (row.version() > node.state.version()) {
        long oldVersion = node.state.version();
        XmlElement before = effective(node);
        try {
          node.state = stateOf(row);
        } catch (MalformedXmlException e) {
          LOG.error("Stored object {} is unreadable: {}", uri, e.getMessage());
          return;
        }
        reconcileChildren(node, store.children(uri));
        announceChangeMadeElsewhere(
            new ConferenceChange(
                uri,
                ConferenceChange.Kind.UPDATED,
                oldVersion,
                row.version(),
                before,
                effective(node),
                null,
                null));
        return;
      }
      reconcileChildren(node, store.children(uri));
    }
  }

  /** Called with the parent's lock held: its children are the stored ones. */
  private void reconcileChildren(Node parent, List<StoredObject> children) {
    List<String> stored = new ArrayList<>();
    for (StoredObject child : children) {
      stored.add(child.uri());
      if (!nodes.containsKey(child.uri())) {
        adopt(child, 0);
      }
    }
    for (String sidebar : parent.sidebars) {
      Node gone = nodes.get(sidebar);
      if (gone != null && !stored.contains(sidebar)) {
        forget(gone);
      }
    }
    parent.children = children.size();
  }

  /** Takes in an object another node created, with its parent if that is new here too. */
  private Node adopt(StoredObject row, int depth) {
    Node parent = row.parentUri() == null ? null : nodes.get(row.parentUri());
    if (parent == null && row.parentUri() != null && depth < MAX_DEPTH) {
      try {
        StoredObject parentRow = store.read(List.of(row.parentUri())).get(row.parentUri());
        parent = parentRow == null ? null : adopt(parentRow, depth + 1);
      } catch (StoreException e) {
        LOG.warn(
            "Cannot read {}, the parent of {}: {}", row.parentUri(), row.uri(), e.getMessage());
      }
    }
    Node node = nodeOf(row);
    if (node == null) {
      return null;
    }
    if (parent == null) {
      Node existing = nodes.putIfAbsent(row.uri(), node);
      return existing == null ? node : existing;
    }
    synchronized (parent) {
      if (parent.deleted) {
        return null;
      }
      Node existing = nodes.putIfAbsent(row.uri(), node);
      if (existing != null) {
        return existing;
      }
      parent.children++;
      if (node.kind.isSidebar()) {
        parent.sidebars = plus(parent.sidebars, node.uri);
      }
      return node;
    }
  }

  /** Drops an object another node deleted. */
  private void forget(Node node) {
    node.deleted = true;
    XmlElement before = effective(node);
    if (!nodes.remove(node.uri, node)) {
      return;
    }
    long version = node.state.version();
    announceChangeMadeElsewhere(
        new ConferenceChange(
            node.uri, ConferenceChange.Kind.DELETED, version, version, before, null, null, null));
    Node parent = node.parentUri == null ? null : nodes.get(node.parentUri);
    if (parent != null) {
      synchronized (parent) {
        parent.children = Math.max(0, parent.children - 1);
        if (node.kind.isSidebar()) {
          parent.sidebars = minus(parent.sidebars, node.uri);
        }
      }
    }
  }

  /** One try of an operation; a stale write makes it try again on fresh state. */
  @FunctionalInterface
  private interface Attempt<T> {
    T run() throws ModelException, StaleWriteException;
  }

  private <T> T retrying(String uri, Attempt<T> attempt) throws ModelException {
    for (int tries = 1; ; tries++) {
      freshen(uri);
      try {
        return attempt.run();
      } catch (StaleWriteException stale) {
        if (tries == ATTEMPTS) {
          throw new ModelException(
              ModelFailure.CONFLICT,
              uri
                  + " was changed elsewhere "
                  + tries
                  + " times while this change was made; try again");
        }
        try {
          refresh(stale.uri());
        } catch (StoreException e) {
          throw new ModelException(
              ModelFailure.SERVER_INTERNAL_ERROR, "the conference store failed", e);
        }
      }
    }
  }

  int conferencesCount() {
    int count = 0;
    for (Node node : nodes.values()) {
      if (node.kind != ObjectKind.BLUEPRINT) {
        count++;
      }
    }
    return count;
  }

  String defaultBlueprintUri() {
    return defaultBlueprintUri;
  }

  List<ConferenceObject> list(ObjectKind kind, String parentUri) {
    if (store.shared()) {
      try {
        catchUpWithStore();
        storeReachable();
      } catch (StoreException e) {
        storeUnreachable(e);
      }
    }
    List<ConferenceObject> result = new ArrayList<>();
    for (Node node : nodes.values()) {
      boolean wanted = kind == null ? node.kind.isSidebar() : node.kind == kind;
      if (wanted && (parentUri == null || parentUri.equals(node.parentUri))) {
        result.add(view(node));
      }
    }
    result.sort(Comparator.comparing(ConferenceObject::uri));
    return result;
  }

  Optional<ConferenceObject> get(String uri) {
    freshen(uri);
    Node node = uri == null ? null : nodes.get(uri);
    return node == null ? Optional.empty() : Optional.of(view(node));
  }

  ConferenceObject create(CreateRequest request) throws ModelException {
    if (request.kind() == ObjectKind.BLUEPRINT) {
      throw new ModelException(
          ModelFailure.FORBIDDEN, "blueprints are configured in etc/, not created over CCMP");
    }
    String parentUri = request.parentUri() == null ? defaultBlueprintUri : request.parentUri();
    return retrying(parentUri, () -> createOnce(request, parentUri));
  }

  private ConferenceObject createOnce(CreateRequest request, String parentUri)
      throws ModelException, StaleWriteException {
    Node parent = nodes.get(parentUri);
    if (parent == null) {
      throw new ModelException(ModelFailure.NOT_FOUND, "no conference object " + parentUri);
    }
    if (request.kind().isSidebar()
        ? parent.kind != ObjectKind.CONFERENCE
        : parent.kind.isSidebar()) {
      throw new ModelException(
          ModelFailure.FORBIDDEN,
          request.kind().isSidebar()
              ? "sidebars belong to a conference"
              : "a sidebar is not cloned into a conference");
    }
    XmlElement document =
        request.document() == null ? XmlElement.of(Names.CONFERENCE_INFO) : request.document();
    checkRoot(document);
    // state="full" on the root says the document is the whole conference (Linphone sends it so):
    // it then replaces what the parent would give, except what the parent enforces.
    XmlElement own = AutoGenerate.replace(document, domain, identifiers::newId);
    Optional<String> unacceptable = Feasibility.unacceptableValue(own);
    if (unacceptable.isPresent()) {
      throw new ModelException(ModelFailure.BAD_REQUEST, unacceptable.get());
    }
    byte[] ownXml = xml(own);
    XmlElement inherited = inheritable(core(parent));
    XmlElement unenforced = DocumentMerge.overlay(inherited, own);
    checkLimits(ownXml.length, 0, users(unenforced), 0);
    for (Enforcement.Path path : enforcedOver(parent)) {
      if (!Objects.equals(Enforcement.at(unenforced, path), Enforcement.at(inherited, path))) {
        throw new ModelException(
            ModelFailure.FORBIDDEN_CHANGE_PROTECTED, parentUri + " enforces " + path.text());
      }
    }

    String id = identifiers.newId();
    Instant now = clock.instant();
    Node node =
        new Node(
            Identifiers.xconUri(id, domain),
            request.kind(),
            parentUri,
            request.owner(),
            Identifiers.sipUri(id, domain),
            now,
            new State(1, documents.compact(own, ownXml), now));
    if (node.kind.isSidebar()) {
      return createSidebar(parent, node, ownXml, request.owner());
    }
    StoreWrite put = new StoreWrite.Put(stored(node, node.state, ownXml), StoreWrite.ABSENT);
    if (parent.kind == ObjectKind.BLUEPRINT) {
      // Blueprints are never deleted: no lock on them while the store commits, or every creation
      // from the default blueprint would wait for the one before (no group commit).
      synchronized (parent) {
        parent.children++;
      }
      try {
        durably(List.of(put));
      } catch (ModelException | StaleWriteException e) {
        synchronized (parent) {
          parent.children--;
        }
        throw e;
      }
      nodes.put(node.uri, node);
    } else {
      // A stored parent is held here and required in the store: neither this node nor another
      // can delete it in between.
      synchronized (parent) {
        if (parent.deleted) {
          throw new ModelException(ModelFailure.NOT_FOUND, "no conference object " + parentUri);
        }
        durably(List.of(new StoreWrite.Require(parentUri), put));
        parent.children++;
        nodes.put(node.uri, node);
      }
    }
    ConferenceObject created;
    synchronized (node) {
      created = view(node);
      announce(
          new ConferenceChange(
              node.uri,
              ConferenceChange.Kind.CREATED,
              0,
              1,
              null,
              created.document(),
              null,
              request.owner()));
    }
    return created;
  }

  ConferenceObject update(String uri, XmlElement update, String actor) throws ModelException {
    return update(uri, List.of(update), actor);
  }

  /**
   * Applies partial updates one after the other as one change: one version, one durable write, one
   * event. Each update's values must be acceptable, and the change as a whole must keep what the
   * parent enforces and the conference's policies; if not, nothing changes. The effective document
   * is worked out once for the whole change, not after each update: a roster batch of a hundred
   * calls into a conference of five hundred users must not merge the whole document a hundred
   * times.
   */
  ConferenceObject update(String uri, List<XmlElement> updates, String actor)
      throws ModelException {
    for (XmlElement update : updates) {
      checkRoot(update);
    }
    return retrying(uri, () -> updateOnce(uri, updates, actor));
  }

  private ConferenceObject updateOnce(String uri, List<XmlElement> updates, String actor)
      throws ModelException, StaleWriteException {
    Node node = existing(uri);
    synchronized (node) {
      if (node.deleted) {
        throw new ModelException(ModelFailure.NOT_FOUND, "no conference object " + uri);
      }
      if (node.kind == ObjectKind.BLUEPRINT) {
        throw new ModelException(
            ModelFailure.FORBIDDEN, "blueprints are changed in etc/, not over CCMP");
      }
      State current = node.state;
      Node parent = node.parentUri == null ? null : nodes.get(node.parentUri);
      XmlElement inherited = parent == null ? null : inheritable(core(parent));
      XmlElement currentOwn = documents.tree(current.own());
      XmlElement own = currentOwn;
      List<XmlElement> applied = new ArrayList<>();
      // What the change began with: an element an update sends empty is removed when it is there.
      XmlElement before = DocumentMerge.overlay(inherited, own);
      List<XmlElement> replacedUpdates = new ArrayList<>(updates.size());
      for (XmlElement update : updates) {
        XmlElement replaced = AutoGenerate.replace(update, domain, identifiers::newId);
        // RFC 6503 section 5.3.4: changes that are not feasible get 409.
        Optional<String> unacceptable = Feasibility.unacceptableValue(replaced);
        if (unacceptable.isPresent()) {
          throw new ModelException(ModelFailure.CONFLICT, unacceptable.get());
        }
        replacedUpdates.add(replaced);
        applied.addAll(replaced.children());
      }
      own = DocumentMerge.applyUpdates(own, replacedUpdates, before);
      XmlElement after = DocumentMerge.overlay(inherited, own);
      for (Enforcement.Path path : enforcedOver(parent)) {
        XmlElement wanted = Enforcement.at(after, path);
        if (!Objects.equals(wanted, Enforcement.at(before, path))
            && !Objects.equals(wanted, Enforcement.at(inherited, path))) {
          throw new ModelException(
              ModelFailure.FORBIDDEN_CHANGE_PROTECTED, node.parentUri + " enforces " + path.text());
        }
      }
      Optional<String> infeasible = Feasibility.brokenPolicy(before, after);
      if (infeasible.isPresent()) {
        throw new ModelException(ModelFailure.CONFLICT, infeasible.get());
      }
      if (own.equals(currentOwn)) {
        return view(node);
      }
      XmlElement effectiveBefore = effective(node);
      byte[] ownXml = xml(own);
      checkLimits(ownXml.length, current.own().size(), users(after), users(before));
      State next =
          new State(current.version() + 1, documents.compact(own, ownXml), clock.instant());
      durably(List.of(new StoreWrite.Put(stored(node, next, ownXml), current.version())));
      node.state = next;
      ConferenceObject updated = view(node);
      announce(
          new ConferenceChange(
              uri,
              ConferenceChange.Kind.UPDATED,
              current.version(),
              next.version(),
              effectiveBefore,
              updated.document(),
              XmlElement.of(Names.CONFERENCE_INFO).withChildren(applied),
              actor));
      return updated;
    }
  }

  void delete(String uri, String actor) throws ModelException {
    retrying(
        uri,
        () -> {
          deleteOnce(uri, actor);
          return null;
        });
  }

  private void deleteOnce(String uri, String actor) throws ModelException, StaleWriteException {
    Node node = existing(uri);
    XmlElement before;
    long version;
    synchronized (node) {
      if (node.deleted) {
        throw new ModelException(ModelFailure.NOT_FOUND, "no conference object " + uri);
      }
      if (node.kind == ObjectKind.BLUEPRINT) {
        throw new ModelException(
            ModelFailure.FORBIDDEN, "blueprints are removed in etc/, not over CCMP");
      }
      if (node.children > 0) {
        throw new ModelException(
            ModelFailure.FORBIDDEN_DELETE_PARENT,
            uri + " has " + node.children + " objects cloned from it");
      }
      before = effective(node);
      version = node.state.version();
      if (node.kind.isSidebar()) {
        deleteSidebar(node, before, actor);
        return;
      }
      durably(List.of(new StoreWrite.Delete(uri, version)));
      node.deleted = true;
      nodes.remove(uri);
      announce(
          new ConferenceChange(
              uri, ConferenceChange.Kind.DELETED, version, version, before, null, null, actor));
    }
    Node parent = node.parentUri == null ? null : nodes.get(node.parentUri);
    if (parent != null) {
      synchronized (parent) {
        parent.children--;
      }
    }
  }

  private Node existing(String uri) throws ModelException {
    Node node = uri == null ? null : nodes.get(uri);
    if (node == null) {
      throw new ModelException(ModelFailure.NOT_FOUND, "no conference object " + uri);
    }
    return node;
  }

  /** Refuses a change that makes a document or its user list grow past its limit. */
  private void checkLimits(int bytes, int bytesBefore, int users, int usersBefore)
      throws ModelException {
    if (bytes > limits.maxDocumentBytes() && bytes > bytesBefore) {
      throw new ModelException(
          ModelFailure.RESOURCES_NOT_AVAILABLE,
          "the document would take "
              + bytes
              + " bytes; a conference object takes at most "
              + limits.maxDocumentBytes());
    }
    if (users > limits.maxUsers() && users > usersBefore) {
      throw new ModelException(
          ModelFailure.RESOURCES_NOT_AVAILABLE,
          "a conference object lists at most " + limits.maxUsers() + " users");
    }
  }

  private static int users(XmlElement document) {
    return document
        .child(Names.USERS)
        .map(users -> users.children(Names.info("user")).size())
        .orElse(0);
  }

  private static void checkRoot(XmlElement document) throws ModelException {
    if (!Names.CONFERENCE_INFO.equals(document.name())) {
      throw new ModelException(
          ModelFailure.BAD_REQUEST,
          "a conference document is a <conference-info>, not " + document.name());
    }
  }

  private void durably(List<StoreWrite> writes) throws ModelException, StaleWriteException {
    try {
      store.write(writes).toCompletableFuture().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException(ModelFailure.SERVER_INTERNAL_ERROR, "interrupted while storing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StaleWriteException stale) {
        throw stale;
      }
      LOG.error("Storing {} failed", writes.get(writes.size() - 1).uri(), e.getCause());
      throw new ModelException(
          ModelFailure.SERVER_INTERNAL_ERROR, "the conference store failed", e.getCause());
    } catch (TimeoutException e) {
      LOG.error("Storing {} failed", writes.get(0).uri(), e);
      throw new ModelException(
          ModelFailure.SERVER_INTERNAL_ERROR, "the conference store failed", e);
    }
  }

  private static byte[] xml(XmlElement own) {
    return XmlDocuments.toBytes(own, XmlDocuments.RFC_PREFIXES);
  }

  private StoredObject stored(Node node, State state, byte[] ownXml) {
    return new StoredObject(
        node.uri,
        node.kind.name(),
        node.parentUri,
        state.version(),
        node.owner,
        node.sipUri,
        ownXml,
        node.created,
        state.modified());
  }

  private ConferenceObject view(Node node) {
    State state = node.state;
    return new ConferenceObject(
        node.uri,
        node.kind,
        node.parentUri,
        state.version(),
        node.owner,
        node.sipUri,
        effective(node),
        state.modified());
  }

  /** The paths the ancestors from {@code parent} up enforce on their descendants. */
  private List<Enforcement.Path> enforcedOver(Node parent) {
    List<Enforcement.Path> paths = new ArrayList<>();
    for (Node ancestor = parent;
        ancestor != null;
        ancestor = ancestor.parentUri == null ? null : nodes.get(ancestor.parentUri)) {
      paths.addAll(Enforcement.declaredBy(documents.tree(ancestor.state.own())));
      if (paths.size() > 1000) {
        break;
      }
    }
    return paths;
  }

  /**
   * The effective document: inherited values, own values over them, enforced values restored, and
   * for a conference the lists of its sidebars.
   */
  XmlElement effective(Node node) {
    XmlElement document = core(node);
    List<String> sidebars = node.sidebars;
    if (sidebars.isEmpty()) {
      return document;
    }
    List<XmlElement> byRef = new ArrayList<>();
    List<XmlElement> byVal = new ArrayList<>();
    for (String uri : sidebars) {
      Node sidebar = nodes.get(uri);
      if (sidebar == null) {
        continue;
      }
      XmlElement sidebarDocument = core(sidebar);
      if (sidebar.kind == ObjectKind.SIDEBAR_BY_VAL) {
        byVal.add(
            XmlElement.of(
                Names.ENTRY, sidebarDocument.attributes(), null, sidebarDocument.children()));
      } else {
        List<XmlElement> entry = new ArrayList<>(List.of(XmlElement.leaf(Names.URI, uri)));
        sidebarDocument
            .child(Names.CONFERENCE_DESCRIPTION)
            .flatMap(d -> d.child(Names.DISPLAY_TEXT))
            .ifPresent(entry::add);
        byRef.add(XmlElement.of(Names.ENTRY).withChildren(entry));
      }
    }
    List<XmlElement> children = new ArrayList<>(document.children());
    if (!byRef.isEmpty()) {
      children.add(XmlElement.of(Names.SIDEBARS_BY_REF).withChildren(byRef));
    }
    if (!byVal.isEmpty()) {
      children.add(XmlElement.of(Names.SIDEBARS_BY_VAL).withChildren(byVal));
    }
    return document.withChildren(SchemaOrder.sorted(document, children));
  }

  /** The effective document without the sidebar lists: what children inherit from. */
  private XmlElement core(Node node) {
    Node parent = node.parentUri == null ? null : nodes.get(node.parentUri);
    if (node.kind == ObjectKind.BLUEPRINT) {
      // Blueprints never change while running, and every creation reads one.
      return blueprintDocuments.computeIfAbsent(
          node.uri,
          uri -> serverOwned(node, DocumentMerge.clean(documents.tree(node.state.own()))));
    }
    State state = node.state;
    XmlElement parentCore = parent == null ? null : core(parent);
    CachedCore cached;
    synchronized (recentCores) {
      cached = recentCores.get(node.uri);
    }
    if (cached != null && cached.state() == state && cached.parentCore() == parentCore) {
      return cached.core();
    }
    XmlElement own = documents.tree(state.own());
    XmlElement document;
    if (parent == null) {
      document = DocumentMerge.clean(own);
    } else {
      XmlElement inherited = inheritable(parentCore);
      document = DocumentMerge.overlay(inherited, own);
      for (Enforcement.Path path : enforcedOver(parent)) {
        document = Enforcement.copy(document, inherited, path);
      }
    }
    XmlElement core = serverOwned(node, document);
    synchronized (recentCores) {
      recentCores.put(node.uri, new CachedCore(state, parentCore, core));
    }
    return core;
  }

  /** What a child inherits: not the parent's enforcement declarations nor its identity. */
  private static XmlElement inheritable(XmlElement parentEffective) {
    XmlElement withoutPolicy = parentEffective.withoutChildren(Names.PARENT_ENFORCEABLE);
    return withoutPolicy.withAttribute("entity", null);
  }

  private static List<String> plus(List<String> list, String item) {
    List<String> copy = new ArrayList<>(list);
    copy.add(item);
    return List.copyOf(copy);
  }

  private static List<String> minus(List<String> list, String item) {
    List<String> copy = new ArrayList<>(list);
    copy.remove(item);
    return List.copyOf(copy);
  }

  /**
   * A sidebar and the new version of its conference, which lists it, are written in one atomic
   * batch under the conference's lock (RFC 6503 section 5.3.8: creating one updates the main
   * conference object).
   */
  private ConferenceObject createSidebar(Node parent, Node sidebar, byte[] ownXml, String owner)
      throws ModelException, StaleWriteException {
    synchronized (parent) {
      if (parent.deleted) {
        throw new ModelException(ModelFailure.NOT_FOUND, "no conference object " + parent.uri);
      }
      XmlElement parentBefore = effective(parent);
      State current = parent.state;
      State next = new State(current.version() + 1, current.own(), clock.instant());
      durably(
          List.of(
              new StoreWrite.Put(stored(sidebar, sidebar.state, ownXml), StoreWrite.ABSENT),
              new StoreWrite.Put(
                  stored(parent, next, documents.xml(current.own())), current.version())));
      ConferenceObject created;
      synchronized (sidebar) {
        nodes.put(sidebar.uri, sidebar);
        parent.children++;
        parent.state = next;
        parent.sidebars = plus(parent.sidebars, sidebar.uri);
        created = view(sidebar);
        announce(
            new ConferenceChange(
                sidebar.uri,
                ConferenceChange.Kind.CREATED,
                0,
                1,
                null,
                created.document(),
                null,
                owner));
      }
      announce(
          new ConferenceChange(
              parent.uri,
              ConferenceChange.Kind.UPDATED,
              current.version(),
              next.version(),
              parentBefore,
              effective(parent),
              null,
              owner));
      return created;
    }
  }

  /** Called with the sidebar's lock held; removes it and moves its conference's version. */
  private void deleteSidebar(Node sidebar, XmlElement before, String actor)
      throws ModelException, StaleWriteException {
    long version = sidebar.state.version();
    Node parent = nodes.get(sidebar.parentUri);
    if (parent == null) {
      durably(List.of(new StoreWrite.Delete(sidebar.uri, version)));
      sidebar.deleted = true;
      nodes.remove(sidebar.uri);
      return;
    }
    synchronized (parent) {
      XmlElement parentBefore = effective(parent);
      State current = parent.state;
      State next = new State(current.version() + 1, current.own(), clock.instant());
      durably(
          List.of(
              new StoreWrite.Delete(sidebar.uri, version),
              new StoreWrite.Put(
                  stored(parent, next, documents.xml(current.own())), current.version())));
      sidebar.deleted = true;
      nodes.remove(sidebar.uri);
      parent.children--;
      parent.state = next;
      parent.sidebars = minus(parent.sidebars, sidebar.uri);
      announce(
          new ConferenceChange(
              sidebar.uri,
              ConferenceChange.Kind.DELETED,
              version,
              version,
              before,
              null,
              null,
              actor));
      announce(
          new ConferenceChange(
              parent.uri,
              ConferenceChange.Kind.UPDATED,
              current.version(),
              next.version(),
              parentBefore,
              effective(parent),
              null,
              actor));
    }
  }

  /** The parts only the server sets: the entity, the focus's SIP URI, the parent link. */
  private XmlElement serverOwned(Node node, XmlElement document) {
    // The sidebar lists are the server's to write, from the sidebars that exist.
    XmlElement result =
        document
            .withAttribute("entity", node.uri)
            .withoutChildren(Names.SIDEBARS_BY_REF)
            .withoutChildren(Names.SIDEBARS_BY_VAL);
    if (node.kind == ObjectKind.BLUEPRINT) {
      return result;
    }
    XmlElement description =
        result
            .child(Names.CONFERENCE_DESCRIPTION)
            .orElse(XmlElement.of(Names.CONFERENCE_DESCRIPTION));
    XmlElement confUris = description.child(Names.CONF_URIS).orElse(XmlElement.of(Names.CONF_URIS));
    // Exactly one SIP URI per conference: the focus's. A password a client gave its own SIP entry
    // (RFC 6501 section 4.2.6) moves to the focus's entry; other access URIs pass.
    List<XmlElement> sipEntry =
        new ArrayList<>(
            List.of(
                XmlElement.leaf(Names.URI, node.sipUri),
                XmlElement.leaf(Names.PURPOSE, "participation")));
    List<XmlElement> others = new ArrayList<>();
    for (XmlElement entry : confUris.children()) {
      String uri = entry.child(Names.URI).map(XmlElement::text).orElse("").trim();
      String scheme = uri.toLowerCase(Locale.ROOT);
      if (scheme.startsWith("sip:") || scheme.startsWith("sips:")) {
        sipEntry.addAll(entry.children(Names.CONFERENCE_PASSWORD));
      } else {
        others.add(entry);
      }
    }
    List<XmlElement> entries = new ArrayList<>();
    entries.add(XmlElement.of(Names.ENTRY).withChildren(sipEntry));
    List<String> configured = new ArrayList<>();
    String id = node.sipUri.substring("sip:".length(), node.sipUri.indexOf('@'));
    for (String template : accessUriTemplates) {
      String uri = template.replace("{id}", id);
      configured.add(uri);
      entries.add(
          XmlElement.of(Names.ENTRY)
              .withChildren(
                  List.of(
                      XmlElement.leaf(Names.URI, uri),
                      XmlElement.leaf(Names.PURPOSE, "participation"))));
    }
    for (XmlElement entry : others) {
      if (!configured.contains(entry.child(Names.URI).map(XmlElement::text).orElse("").trim())) {
        entries.add(entry);
      }
    }
    List<XmlElement> children =
        new ArrayList<>(
            description
                .withoutChildren(Names.CONF_URIS)
                .withoutChildren(Names.CLONING_PARENT)
                .withoutChildren(Names.SIDEBAR_PARENT)
                .children());
    children.add(confUris.withChildren(entries));
    if (node.parentUri != null) {
      children.add(
          XmlElement.leaf(
              node.kind.isSidebar() ? Names.SIDEBAR_PARENT : Names.CLONING_PARENT, node.parentUri));
    }
    description = description.withChildren(SchemaOrder.sorted(description, children));
    List<XmlElement> rootChildren =
        new ArrayList<>(result.withoutChildren(Names.CONFERENCE_DESCRIPTION).children());
    rootChildren.add(0, description);
    return result.withChildren(rootChildren);
  }
}
