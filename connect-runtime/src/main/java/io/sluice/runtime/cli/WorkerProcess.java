package io.sluice.runtime.cli;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.config.WorkerKeys;
import io.sluice.runtime.distributed.DistributedHerder;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.StandaloneHerder;
import io.sluice.runtime.kafka.ClientSsl;
import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.rest.RestServer;
import io.sluice.runtime.rest.ServerInfo;
import io.sluice.runtime.schemaregistry.api.SchemaRegistryServer;
import io.sluice.runtime.storage.WorkerStores;
import io.sluice.runtime.topics.TopicService;
import io.sluice.runtime.worker.Worker;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running worker and everything it owns, started in dependency order and stopped in reverse: REST's ports
 * bound (a taken one ends the start before anything else began), embedded broker (when no bootstrap.servers),
 * plugins, stores, worker, herder, REST server opened.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private final String bootstrapServers;
    private final URI restUrl;
    private final Herder herder;
    private final Plugins plugins;
    private SchemaRegistryServer schemaRegistry;
    private CompletableFuture<Void> brokerStarted;
    private CompletableFuture<Void> storesStarted;
    private CompletableFuture<Void> restPrepared;
    private CompletableFuture<Void> registryStarted;

    private WorkerProcess(WorkerConfig config, boolean distributed) {
        long started = System.nanoTime();
        new WorkerKeys(WorkerConfig.CONFIG)
                .warnings(config.originals()).forEach(log::warn);
        if (distributed) {
            requireDistributedSettings(config);
        }
        try {
            this.plugins = own(new Plugins(config.getList(WorkerConfig.PLUGIN_PATH).stream().map(Path::of).toList(),
                    config.getString(WorkerConfig.PLUGIN_DISCOVERY), config.pluginIndexDir()));
            // scanning the plugin path needs nothing from Kafka and REST needs no plugin to answer: it runs while the
            // broker, the stores and REST start, and whatever needs a plugin waits for it
            plugins.startInBackground();

            // REST's ports first: one taken ends the start at once, not after an embedded broker started and stopped
            RestServer rest = own(new RestServer(config));
            this.restUrl = rest.bind();

            String bootstrap;
            if (config.embeddedKafka()) {
                EmbeddedKafkaBroker broker = own(new EmbeddedKafkaBroker(
                        Path.of(config.getString(WorkerConfig.EMBEDDED_KAFKA_DIR)),
                        config.getInt(WorkerConfig.EMBEDDED_KAFKA_PORT), config.getInt(WorkerConfig.EMBEDDED_KAFKA_CONTROLLER_PORT)));
                bootstrap = broker.fixedBootstrapServers();
                if (bootstrap != null) {
                    // its address is known before it serves: REST, the clients and the REST API are built while it
                    // starts (seconds of log replay, election and metadata publishing); what talks to Kafka waits for it
                    brokerStarted = runOnOwnThread("sluice-embedded-kafka-start", () -> startEmbedded(broker));
                } else {
                    startEmbedded(broker); // a port picked at start: the address is known once it serves
                    bootstrap = broker.bootstrapServers();
                }
            } else {
                bootstrap = String.join(",", config.getList(WorkerConfig.BOOTSTRAP_SERVERS));
            }
            this.bootstrapServers = bootstrap;
            String workerId = restUrl.getHost() + ":" + restUrl.getPort();

            WorkerStores storage = own(WorkerStores.create(config, bootstrap));
            // the stores' round trips to Kafka need no plugins: they run while the plugin path is scanned
            storesStarted = runOnOwnThread("sluice-stores-start", () -> {
                await(brokerStarted);
                storage.start();
            });
            // the schema registry's port is bound now, so its URL is known; it reads its own topic and builds its API
            // beside the stores, the plugin scan and the REST API
            this.schemaRegistry = SchemaRegistryServer.bindIfEnabled(config, bootstrap);
            if (schemaRegistry != null) {
                own(schemaRegistry);
                SchemaRegistryServer registry = schemaRegistry;
                registryStarted = runOnOwnThread("sluice-schema-registry-start", () -> {
                    await(brokerStarted);
                    registry.start();
                });
            }
            if ("hybrid_fail".equalsIgnoreCase(config.getString(WorkerConfig.PLUGIN_DISCOVERY))) {
                plugins.awaitScan(); // a plugin without manifests fails the start, as in Apache
            }
            // from here on the worker's converters default to its own registry (schema.registry.url unset)
            WorkerConfig running = schemaRegistry == null ? config : config.withOwnSchemaRegistry(schemaRegistry.url());

            ConfigProviders providers = own(new ConfigProviders(running, plugins));
            Worker worker = own(new Worker(workerId, running, bootstrap, plugins, providers,
                    storage.offsets(), storage.statuses()));
            this.herder = own(distributed
                    ? new DistributedHerder(workerId, restUrl, running, running.clientConfig(null, bootstrap),
                            ClientSsl.context(config.rest().httpsSslSettings()), worker,
                            storage.configs(), storage.statuses(), providers, plugins)
                    : new StandaloneHerder(workerId, running, worker, storage.configs(), storage.statuses(), providers,
                            plugins));
            TopicService topics = own(new TopicService(running, bootstrap, plugins, providers, herder));
            RestServer.Observability observability = new RestServer.Observability(worker.metrics(), topics,
                    schemaRegistry == null ? null : schemaRegistry.url());
            // asked when GET / is: the cluster id comes from the stores' start, which REST does not wait for here
            java.util.function.Supplier<ServerInfo> info = () -> new ServerInfo(Versions.CONNECT_API_VERSION,
                    "sluice-" + Versions.VERSION, storage.clusterId(), Versions.VERSION);
            // the REST API (Jersey takes seconds to initialize) is built while the stores are read
            restPrepared = runOnOwnThread("sluice-rest-start", () -> rest.prepare(herder, info, plugins, observability));
            // the connector list and configs answer from the config topic alone: REST serves them once it is read,
            // while the offsets and statuses are read, the registry starts and the herder starts the connectors;
            // requests that need those wait for the herder's start (a failed stores' start ends the wait too)
            await(CompletableFuture.anyOf(storage.configsRead(), storesStarted));
            await(restPrepared);
            rest.open();
            await(storesStarted);
            worker.start();
            // before any connector starts: Avro converters register and fetch schemas there
            await(registryStarted);
            if (schemaRegistry != null) {
                schemaRegistry.registerMetrics(worker.metrics().registry());
            }
            herder.start();
            rest.herderStarted();
            log.info("Sluice {} worker {} ready in {} ms: REST at {}, Kafka at {}",
                    distributed ? "distributed" : "standalone", workerId,
                    (System.nanoTime() - started) / 1_000_000, restUrl, bootstrap);
        } catch (RuntimeException e) {
            for (CompletableFuture<?> background : java.util.Arrays.asList(brokerStarted, storesStarted, restPrepared,
                    registryStarted)) {
                try {
                    await(background); // nothing is closed under a start still running
                } catch (RuntimeException backgroundFailure) {
                    if (backgroundFailure != e) { // the failure start-up is ending with came from this one
                        e.addSuppressed(backgroundFailure);
                    }
                }
            }
            close();
            throw e;
        }
    }

    /** Starts the embedded broker; a port another process holds is a mistake in the worker config, named by its key. */
    private static void startEmbedded(EmbeddedKafkaBroker broker) {
        try {
            broker.start();
        } catch (EmbeddedKafkaBroker.PortInUse e) {
            String key = e.controller() ? WorkerConfig.EMBEDDED_KAFKA_CONTROLLER_PORT : WorkerConfig.EMBEDDED_KAFKA_PORT;
            throw new ConfigException(key, e.port(), "the port is already in use by another process; set " + key
                    + " to a free port, or to 0 to pick one");
        } catch (EmbeddedKafkaBroker.DirInUse e) {
            throw new ConfigException(WorkerConfig.EMBEDDED_KAFKA_DIR, broker.dataDir().toString(), "another running "
                    + "worker's embedded Kafka broker keeps its data there; stop that worker, or give this one its own "
                    + WorkerConfig.EMBEDDED_KAFKA_DIR);
        }
    }

    private static <T> T await(CompletableFuture<T> background) {
        if (background == null) {
            return null;
        }
        try {
            return background.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    private static CompletableFuture<Void> runOnOwnThread(String name, Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** Starts a worker with the given worker properties; returns when its REST API answers. */
    public static WorkerProcess start(Map<String, String> workerProps) {
        return start(new WorkerConfig(workerProps));
    }

    /** Starts a standalone worker with a parsed worker config; returns when its REST API answers. */
    public static WorkerProcess start(WorkerConfig config) {
        return new WorkerProcess(config, false);
    }

    /**
     * Starts a worker with a parsed worker config, standalone or as a member of the distributed cluster
     * named by group.id; returns when its REST API answers (a distributed worker joins in the background).
     */
    public static WorkerProcess start(WorkerConfig config, boolean distributed) {
        return new WorkerProcess(config, distributed);
    }

    /** A cluster shares one Kafka and names itself: neither may be left to a default. */
    private static void requireDistributedSettings(WorkerConfig config) {
        if (config.embeddedKafka()) {
            throw new ConfigException(WorkerConfig.BOOTSTRAP_SERVERS, "",
                    "distributed mode needs the Kafka cluster the workers share; set bootstrap.servers");
        }
        Object groupId = config.originals().get(WorkerConfig.GROUP_ID);
        if (groupId == null || groupId.toString().isBlank()) {
            throw new ConfigException(WorkerConfig.GROUP_ID, groupId,
                    "distributed mode needs group.id, the name every worker of the cluster shares");
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    public Herder herder() {
        return herder;
    }

    public URI restUrl() {
        return restUrl;
    }

    /** The built-in schema registry's URL, or null when it is off. */
    public URI schemaRegistryUrl() {
        return schemaRegistry == null ? null : schemaRegistry.url();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Plugins plugins() {
        return plugins;
    }

    /** Stops everything this worker owns, newest first; each step is bounded. */
    @Override
    public synchronized void close() {
        while (!owned.isEmpty()) {
            AutoCloseable resource = owned.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Failed to stop {}", resource.getClass().getSimpleName(), e);
            }
        }
    }
}
