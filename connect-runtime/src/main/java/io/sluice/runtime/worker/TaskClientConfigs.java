package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client configs of a task: defaults, then the worker's {@code producer.*}/{@code consumer.*}/
 * {@code admin.*} settings, then the connector's {@code *.override.*} keys allowed by the policy.
 */
final class TaskClientConfigs {
    /** How often a topics.regex sink's consumer looks for new matching topics, unless the worker or connector says. */
    static final int REGEX_METADATA_MAX_AGE_MS = 10_000;

    /**
     * A source task producer's buffer unless the worker or connector sets one. The client's 32 MiB queues ~300,000
     * small records whenever the broker is the bottleneck; each waits there for seconds, long enough for its objects
     * (the record, its callback and offsets) to be promoted and fill the old generation (600-700 MiB of a worker's heap
     * after young collections under scenario 1 of bench/). With one request in flight, 8 MiB is still 32 full batches;
     * a task writing to more partitions at once sends fuller batches earlier (the producer sends what it has as soon as
     * an append waits for memory). Not taken when larger requests or batches are configured (up to 1 MiB, the client's
     * max.request.size), so every record the client's default buffer accepts is still accepted.
     */
    static final long SMALL_BUFFER_MEMORY = 8L * 1024 * 1024;

    private final WorkerConfig worker;
    private final String bootstrapServers;
    private final ClientOverridePolicy policy;

    TaskClientConfigs(WorkerConfig worker, String bootstrapServers) {
        this.worker = worker;
        this.bootstrapServers = bootstrapServers;
        this.policy = ClientOverridePolicy.of(worker.getString(WorkerConfig.CONNECTOR_CLIENT_POLICY));
    }

    /** The worker's Kafka cluster. */
    String bootstrapServers() {
        return bootstrapServers;
    }

    ClientOverridePolicy policy() {
        return policy;
    }

    /**
     * Producer of a source task: idempotent, acks=all, one request in flight (Apache's setting), byte[]
     * serializers, batched for throughput.
     */
    Map<String, Object> producer(ConnectorTaskId id, Map<String, String> connectorConfig) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "connector-producer-" + id.connector() + "-" + id.task());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // A record is never given up on by the producer; a stuck broker surfaces through stop timeouts instead.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        // With several requests in flight, a first batch to a partition its broker does not lead yet (a topic
        // created a moment ago) is answered NOT_LEADER while the next batch is taken, and the retried first one
        // is then refused for ever (OUT_OF_ORDER_SEQUENCE_NUMBER): with the timeout above, a silent stall. One
        // request at a time cannot be overtaken, and with batches this large it measured no slower (1 M records
        // of 100 bytes to one broker, alternating: the same rates within the shared machine's noise).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        props.putAll(worker.clientConfig("producer.", bootstrapServers));
        props.putAll(policy.overrides(id.connector(), connectorConfig, ClientOverridePolicy.PRODUCER_PREFIX));
        if (!props.containsKey(ProducerConfig.BUFFER_MEMORY_CONFIG) && atMost(props, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                SMALL_BUFFER_MEMORY / 8) && atMost(props, ProducerConfig.BATCH_SIZE_CONFIG, SMALL_BUFFER_MEMORY / 8)) {
            props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(SMALL_BUFFER_MEMORY));
        }
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * Producer of a source task writing records and offsets in transactions: Apache's transactional id
     * {group.id}-{connector}-{task}, so the task's next instance, wherever it runs, fences this one.
     */
    Map<String, Object> transactionalProducer(ConnectorTaskId id, Map<String, String> connectorConfig) {
        Map<String, Object> props = producer(id, connectorConfig);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(id));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** Apache's transactional id of an exactly-once source task's producer. */
    String transactionalId(ConnectorTaskId id) {
        return worker.groupId() + "-" + id.connector() + "-" + id.task();
    }

    /**
     * The static member id of a sink task's consumer (KIP-345): the task's next run, on this worker after a
     * restart or on another after a rebalance, rejoins as the same member and gets its partitions back at once,
     * instead of waiting for the previous member's session timeout.
     */
    static String staticMemberId(ConnectorTaskId id) {
        return "connect-" + id.connector() + "-" + id.task();
    }

    /**
     * Consumer of a sink task: group connect-&lt;name&gt;, static member connect-&lt;name&gt;-&lt;task&gt;
     * (sink.static.membership.enable), manual commits, byte[] deserializers.
     */
    Map<String, Object> consumer(ConnectorTaskId id, Map<String, String> connectorConfig) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "connect-" + id.connector());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "connector-consumer-" + id.connector() + "-" + id.task());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // larger put() batches than the client's 500: sinks write per batch (one transaction, one COPY, one
        // object part), so fewer, larger batches move more records; worker or connector settings still win
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        if (!connectorConfig.getOrDefault(ConnectorConfig.TOPICS_REGEX, "").isBlank()) {
            // a pattern meets new topics only at a metadata refresh: the client's 5 minutes left a sink created
            // before its topics (a CDC source's, created at its first record) idle that long
            props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, String.valueOf(REGEX_METADATA_MAX_AGE_MS));
        }
        props.putAll(worker.clientConfig("consumer.", bootstrapServers));
        props.putAll(policy.overrides(id.connector(), connectorConfig, ClientOverridePolicy.CONSUMER_PREFIX));
        Object instance = props.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (instance != null && !instance.toString().isBlank()) {
            // one configured id for every task of the connector: each task's member needs its own
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance.toString().trim() + "-" + id.task());
        } else if (worker.getBoolean(WorkerConfig.SINK_STATIC_MEMBERSHIP_ENABLE)) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, staticMemberId(id));
        } else {
            props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Whether a size setting is absent (the client's default, at most 1 MiB) or set to at most limit bytes. */
    private static boolean atMost(Map<String, Object> props, String key, long limit) {
        Object value = props.get(key);
        if (value == null) {
            return true;
        }
        try {
            return Long.parseLong(value.toString().trim()) <= limit;
        } catch (NumberFormatException e) {
            return false; // the client reports it
        }
    }

    /** Admin client of a task (topic creation, DLQ topic). */
    Map<String, Object> admin(ConnectorTaskId id, Map<String, String> connectorConfig) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "connector-adminclient-" + id.connector() + "-" + id.task());
        props.putAll(worker.clientConfig("admin.", bootstrapServers));
        props.putAll(policy.overrides(id.connector(), connectorConfig, ClientOverridePolicy.ADMIN_PREFIX));
        return props;
    }

    /** Producer for a sink's dead letter queue: the worker's producer settings and the connector's producer overrides. */
    Map<String, Object> dlqProducer(ConnectorTaskId id, Map<String, String> connectorConfig) {
        Map<String, Object> props = producer(id, connectorConfig);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "connector-dlq-producer-" + id.connector() + "-" + id.task());
        return props;
    }
}
