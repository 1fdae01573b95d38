package io.sluice.runtime.storage;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka client settings of the internal topics' stores: what a store's producer, reader and admin client need. */
final class StoreClients {

    private StoreClients() {
    }

    /**
     * A store's producer: every write acknowledged by all replicas, idempotent, sent at once.
     *
     * @param timeout how long a send may block for want of metadata (Kafka unreachable), not the client's 60 s
     * @param maxRecordBytes the largest record the store writes; 0: the producer's default, 1 MiB
     */
    static Map<String, Object> producer(Map<String, Object> clientConfig, String clientId, int maxRecordBytes,
                                        Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // a store write is one small batch that someone waits for: Kafka 4's default linger (5 ms) only delays it
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        // a write the store gave up on was refused to its caller (a create answered 500 while Kafka was down), so it
        // must never land: with the client's 120 s delivery timeout it was sent once Kafka came back and the refused
        // connector appeared. The producer gives up first, a tenth (at most 1 s) before the caller's wait ends. (A
        // status, a report the worker wants kept, is sent again by its store until it lands.)
        long delivery = Math.max(1, timeout.toMillis() - Math.min(1_000, timeout.toMillis() / 10));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(delivery, Integer.MAX_VALUE));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(delivery, 30_000));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        if (maxRecordBytes > 0) {
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
        }
        return props;
    }

    /** A store's reader: no group, no commits, from the beginning, only records of committed transactions. */
    static Map<String, Object> reader(Map<String, Object> clientConfig, String clientId) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** The client settings without the producer/consumer-only ones an admin client would warn about. */
    static Map<String, Object> admin(Map<String, Object> clientConfig, String clientId) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.keySet().removeIf(key -> key.startsWith("producer.") || key.startsWith("consumer."));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
