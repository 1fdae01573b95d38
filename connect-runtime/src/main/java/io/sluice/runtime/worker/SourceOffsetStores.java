package io.sluice.runtime.worker;

import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.storage.ConnectorOffsetStore;
import io.sluice.runtime.storage.KafkaOffsetStore;
import io.sluice.runtime.storage.OffsetStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which offsets topic a source connector uses, as Apache Kafka Connect decides it (KIP-618): the worker's, unless
 * the connector names its own in {@code offsets.storage.topic}, or is exactly-once and produces to another Kafka
 * cluster (its offsets must then sit on that cluster, in a topic named like the worker's, to share the records'
 * transactions). A connector's own topic lives on the cluster its producer writes to. Each such topic is read by
 * one store, shared by the connector, its tasks and offset requests on this worker, and closed with the last of them.
 */
final class SourceOffsetStores implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceOffsetStores.class);

    private record Location(Map<String, Object> client, String topic) {
    }

    private static final class Shared {
        final KafkaOffsetStore store;
        int users;

        Shared(KafkaOffsetStore store) {
            this.store = store;
        }
    }

    private final WorkerConfig worker;
    private final OffsetStore workerStore;
    private final TaskClientConfigs clients;
    private final Map<Location, Shared> open = new HashMap<>();

    SourceOffsetStores(WorkerConfig worker, OffsetStore workerStore, TaskClientConfigs clients) {
        this.worker = worker;
        this.workerStore = workerStore;
        this.clients = clients;
    }

    /**
     * The store of the connector's offsets; close it when done (closing the worker's store through it does nothing).
     * {@code config} is the connector's parsed resolved config.
     */
    OffsetStore forConnector(String connector, SourceConnectorConfig config) {
        String named = config.offsetsTopic();
        String topic = named != null ? named : worker.exactlyOnceSource() ? worker.offsetTopic() : null;
        if (topic == null) {
            return unclosable(workerStore);
        }
        Map<String, Object> client = connection(connector, config.originalsStrings());
        if (topic.equals(worker.offsetTopic()) && servers(client).equals(servers(clients.bootstrapServers()))) {
            return unclosable(workerStore);
        }
        Location location = new Location(client, topic);
        KafkaOffsetStore own = acquire(location, connector);
        return new ConnectorOffsetStore(own, workerStore, () -> release(location));
    }

    /** The producer's cluster and the settings to reach it (security, SASL, SSL), as the connector's producer has them. */
    private Map<String, Object> connection(String connector, Map<String, String> config) {
        Map<String, Object> producer = clients.producer(new ConnectorTaskId(connector, 0), config);
        Map<String, Object> client = new HashMap<>();
        producer.forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                client.put(key, value);
            }
        });
        return Map.copyOf(client);
    }

    private static Set<String> servers(Map<String, Object> client) {
        return servers(String.valueOf(client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)));
    }

    private static Set<String> servers(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private synchronized KafkaOffsetStore acquire(Location location, String connector) {
        Shared shared = open.get(location);
        if (shared == null) {
            KafkaOffsetStore store = new KafkaOffsetStore(location.client(), location.topic(),
                    worker.getInt(WorkerConfig.OFFSET_STORAGE_PARTITIONS),
                    worker.getShort(WorkerConfig.OFFSET_STORAGE_REPLICATION_FACTOR));
            try {
                store.start();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            log.info("Connector {} keeps its source offsets in topic {} at {}", connector, location.topic(),
                    location.client().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
            shared = new Shared(store);
            open.put(location, shared);
        }
        shared.users++;
        return shared.store;
    }

    private synchronized void release(Location location) {
        Shared shared = open.get(location);
        if (shared != null && --shared.users == 0) {
            open.remove(location);
            shared.store.close();
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(shared -> shared.store.close());
        open.clear();
    }

    /** The worker's store, which outlives every connector: closing this view leaves it open. */
    private static OffsetStore unclosable(OffsetStore store) {
        return new ConnectorView(store);
    }

    private record ConnectorView(OffsetStore store) implements OffsetStore {
        @Override
        public void start() {
        }

        @Override
        public Map<Map<String, Object>, Map<String, Object>> offsets(String connector, Set<Map<String, Object>> partitions) {
            return store.offsets(connector, partitions);
        }

        @Override
        public Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
            return store.offsets(connector);
        }

        @Override
        public CompletableFuture<Void> write(String connector,
                                                                  Map<Map<String, Object>, Map<String, Object>> offsets) {
            return store.write(connector, offsets);
        }

        @Override
        public void readToEnd() {
            store.readToEnd();
        }

        @Override
        public String transactionalTopic() {
            return store.transactionalTopic();
        }

        @Override
        public List<Map.Entry<byte[], byte[]>> records(String connector,
                                                                 Map<Map<String, Object>, Map<String, Object>> offsets) {
            return store.records(connector, offsets);
        }

        @Override
        public void close() {
        }
    }
}
