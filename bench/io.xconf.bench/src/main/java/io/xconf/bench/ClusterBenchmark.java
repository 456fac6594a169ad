package io.xconf.bench;

import io.xconf.model.ConferenceService;
import io.xconf.model.internal.ConferenceServiceComponent;
import io.xconf.store.postgresql.TemporaryPostgres;
import io.xconf.store.postgresql.internal.PostgresConferenceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cluster issue's store target, measured: durable conference creations per second with 8
 * concurrent clients on the PostgreSQL store (synchronous_commit on, group commit), PostgreSQL on
 * the same machine, first through one node, then spread over two nodes sharing the database.
 * PostgreSQL is the benchmark's own (initdb in a temporary folder, fsync on).
 *
 * <p>Arguments (all optional): {@code seconds=10 clients=8}.
 */
public final class ClusterBenchmark {

  private static final String PASSWORD = "bench-password";

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = ModelBenchmark.argument(args, "seconds", 10);
    int clients = ModelBenchmark.argument(args, "clients", 8);
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    try (TemporaryPostgres postgres = TemporaryPostgres.start()) {
      for (int nodes : new int[] {1, 2}) {
        String database = postgres.createDatabase(PASSWORD);
        List<PostgresConferenceStore> stores = new ArrayList<>();
        List<ConferenceServiceComponent> services = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
          PostgresConferenceStore store =
              PostgresConferenceStore.open(postgres.url(database), database, PASSWORD);
          stores.add(store);
          services.add(new ConferenceServiceComponent(ModelBenchmark.DOMAIN, store));
        }
        List<ConferenceService> asServices = List.copyOf(services);
        ModelBenchmark.run(asServices, clients, 3); // warm-up
        double perSecond = ModelBenchmark.run(asServices, clients, seconds);
        System.out.printf(
            Locale.ROOT,
            "PostgreSQL durable creates/s (%d clients over %d node%s, 10-user conferences,"
                + " synchronous_commit on): %.0f%n",
            clients,
            nodes,
            nodes == 1 ? "" : "s",
            perSecond);
        for (ConferenceServiceComponent service : services) {
          service.deactivate();
        }
        for (PostgresConferenceStore store : stores) {
          store.close();
        }
      }
    }
  }
}
