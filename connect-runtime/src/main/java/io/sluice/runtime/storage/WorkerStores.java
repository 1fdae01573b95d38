package io.sluice.runtime.storage;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker's three stores on their compacted topics, opened together from the worker config and read to the end. */
public final class WorkerStores implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerStores.class);

    /** Runs each store's start (and close) on its own short-lived thread. */
    private static final Executor STARTER = task -> {
        Thread t = new Thread(task, "sluice-store-start");
        t.setDaemon(true);
        t.start();
    };

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final WorkerConfig config;
    /** storage.timeout.ms: each round trip to Kafka the stores make (cluster id, topics, reads to the end, writes). */
    private final Duration timeout;
    private final String bootstrapServers;
    private final Map<String, Object> clients;
    /** One admin client for the cluster id and the three stores' topic creation and end look-ups; opened at start. */
    private Admin admin;
    /** The config, offset and status topics, created in one request: each creation is a commit of the controller. */
    private final List<CompactedTopic> topics;
    private final KafkaConfigStore configs;
    private final KafkaOffsetStore offsets;
    private final KafkaStatusStore statuses;
    private String clusterId;
    private ConnectException unreachable;
    /** Completed when the config store is read to its end: connector configs may be answered from then on. */
    private final CompletableFuture<Void> configsRead = new CompletableFuture<>();

    private WorkerStores(WorkerConfig config, String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.clients = config.clientConfig(null, bootstrapServers);
        this.timeout = Duration.ofMillis(config.getLong(WorkerConfig.STORAGE_TIMEOUT_MS));
        this.topics = List.of(new CompactedTopic(config.configTopic(), 1,
                        config.getShort(WorkerConfig.CONFIG_STORAGE_REPLICATION_FACTOR), KafkaConfigStore.TOPIC_MAX_MESSAGE_BYTES),
                new CompactedTopic(config.offsetTopic(), config.getInt(WorkerConfig.OFFSET_STORAGE_PARTITIONS),
                        config.getShort(WorkerConfig.OFFSET_STORAGE_REPLICATION_FACTOR)),
                new CompactedTopic(config.statusTopic(), config.getInt(WorkerConfig.STATUS_STORAGE_PARTITIONS),
                        config.getShort(WorkerConfig.STATUS_STORAGE_REPLICATION_FACTOR)));
        this.configs = open(new KafkaConfigStore(clients, this::admin, topics.get(0), timeout));
        this.offsets = open(new KafkaOffsetStore(clients, this::admin, topics.get(1), timeout));
        this.statuses = open(new KafkaStatusStore(clients, this::admin, topics.get(2), timeout));
    }

    /**
     * The worker's stores, not yet reading: what needs them can be built (and the REST API prepared) while
     * {@link #start()} makes its round trips to Kafka.
     */
    public static WorkerStores create(WorkerConfig config, String bootstrapServers) {
        return new WorkerStores(config, bootstrapServers);
    }

    /** Reaches Kafka, creates missing topics and reads every store to its end; imports an Apache offset file once. */
    public void start() {
        try {
            clusterId();
            // one CreateTopics for the three: on a first start, three one after another cost two more commits of the
            // controller on the way to REST ready (each store then checks its topic, side by side)
            new TopicAdmin(admin(), timeout).createTopicsIfMissing(topics.stream().map(CompactedTopic::newTopic).toList());
        } catch (RuntimeException e) {
            configsRead.completeExceptionally(e);
            throw e;
        }
        startTogether();
        log.info("State read from {}, {} and {} (Kafka cluster {})", config.configTopic(), config.offsetTopic(),
                config.statusTopic(), clusterId);
        String offsetFile = config.getString(WorkerConfig.OFFSET_STORAGE_FILE_FILENAME);
        if (offsetFile != null && !offsetFile.isBlank()) {
            int imported = ApacheOffsetFileImport.importOnce(Path.of(offsetFile), offsets);
            if (imported > 0) {
                log.info("Imported {} source offset(s) from Apache offset file {}", imported, offsetFile);
            }
        }
    }

    /** Each store creates its topic and reads it to the end: round trips that need not wait for each other. */
    private void startTogether() {
        CompletableFuture<Void> configStart = CompletableFuture.runAsync(configs::start, STARTER);
        configStart.whenComplete((read, failure) -> {
            if (failure == null) {
                configsRead.complete(null);
            } else {
                configsRead.completeExceptionally(failure);
            }
        });
        CompletableFuture<?>[] starts = {
            configStart,
            CompletableFuture.runAsync(offsets::start, STARTER),
            CompletableFuture.runAsync(statuses::start, STARTER)
        };
        try {
            CompletableFuture.allOf(starts).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private <T extends AutoCloseable> T open(T store) {
        opened.push(store);
        return store;
    }

    /**
     * Completes when {@link #start()} has read the config topic to its end (the offset and status topics may still be
     * reading), or fails with the reason the start fails.
     */
    public CompletableFuture<Void> configsRead() {
        return configsRead;
    }

    public ConfigStore configs() {
        return configs;
    }

    public OffsetStore offsets() {
        return offsets;
    }

    public StatusStore statuses() {
        return statuses;
    }

    /** The id of the Kafka cluster the stores live in; the first call asks Kafka (a "Cannot reach Kafka" error). */
    public synchronized String clusterId() {
        if (unreachable != null) {
            throw unreachable; // asked once already, in vain: not another timeout
        }
        if (clusterId == null) {
            try {
                clusterId = admin().describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // a timeout has no message of its own: "...: null" told the user nothing
                String why = e instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + StoreWrites.seconds(timeout)
                        : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                unreachable = new ConnectException("Cannot reach Kafka at " + bootstrapServers + ": " + why
                        + "; check bootstrap.servers and that the brokers are up", e);
                throw unreachable;
            }
        }
        return clusterId;
    }

    /** Closes the three stores at once: each closes its Kafka clients, round trips that need not wait for each other. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        while (!opened.isEmpty()) {
            AutoCloseable store = opened.pop();
            closing.add(CompletableFuture.runAsync(() -> {
                try {
                    store.close();
                } catch (Exception e) {
                    log.warn("Failed to close a store", e);
                }
            }, STARTER));
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
        synchronized (this) {
            if (admin != null) {
                // after Kafka never answered, the client's look-up is still pending until its own timeout: nothing it
                // does is wanted any more, and waiting for it held a worker that could not start another timeout
                admin.close(unreachable != null ? Duration.ZERO : timeout);
                admin = null;
            }
        }
    }

    /**
     * Each client costs a start a thread, its config parsing and metadata round trips: the stores' topic creation and
     * end look-ups share this one (closed last), where they opened seven. Opened when first asked for, not when the
     * stores are built: an embedded broker may still be starting then, and a client connecting too early warns.
     */
    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(StoreClients.admin(clients, "sluice-stores-admin"));
        }
        return admin;
    }

    /** "30 s", or "1.5 s": how a user wrote the key is in ms, but a wait reads best in seconds. */
}
