package io.sluice.runtime.schemaregistry.storage;

import io.sluice.runtime.schemaregistry.RegistryException;
import io.sluice.runtime.storage.CompactedTopic;
import io.sluice.runtime.storage.StoreException;
import io.sluice.runtime.storage.StoreTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state kept in its compacted, single-partition topic (default _schemas): read to the end at
 * start, then followed; a write returns once Kafka acknowledged it and it is back in {@link #state()}.
 */
public final class SchemaStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);
    /** Kafka's default record size limit (max.request.size, message.max.bytes) less room for the batch's framing. */
    /** What one record of the schemas topic may take (the broker's default message.max.bytes, about). */
    public static final int MAX_RECORD_BYTES = 1_000_000;

    private final StoreTopic topic;
    private final RegistryState state = new RegistryState();
    private final String topicName;
    /** Run before every write: throws when another registry writes to the topic, or none is known yet. */
    private volatile Runnable writeGate = () -> {
        throw new RegistryException(500, 50004, "The schema registry is starting; try again shortly");
    };

    public SchemaStore(Map<String, Object> clientConfig, String topicName, short replicationFactor, Duration timeout) {
        this.topicName = topicName;
        // one partition: the topic's order is the order ids and versions were given out in
        this.topic = new StoreTopic(clientConfig, new CompactedTopic(topicName, 1, replicationFactor), timeout,
                this::apply, "sluice-schema-registry-reader");
    }

    /** Creates the topic if missing (it must have one partition) and reads it to the end. */
    public void start() {
        topic.start(partitions -> {
            if (partitions != 1) {
                throw new ConfigException("schema.registry.topic", topicName, "the schemas topic must have exactly "
                        + "one partition (it has " + partitions + "); name another topic or recreate this one");
            }
        });
        log.info("Schema registry read topic {}: {} subjects, highest id {}", topicName,
                state.subjects(true).size(), state.maxId());
    }

    public RegistryState state() {
        return state;
    }

    /** Catches up with writes made elsewhere (another registry on the same topic). */
    public void readToEnd() {
        try {
            topic.readToEnd();
        } catch (StoreException e) {
            throw RegistryException.timeout("Could not read the schemas topic: " + e.getMessage(), e);
        }
    }

    /** Makes every write pass gate first (the writer election: only one registry writes to a topic). */
    public void guardWrites(Runnable gate) {
        this.writeGate = gate;
    }

    /** Writes records in order and waits until they are applied; only the topic's one writer may. */
    public void write(RegistryRecord... records) {
        writeGate.run();
        List<Map.Entry<byte[], byte[]>> encoded = new ArrayList<>(records.length);
        for (RegistryRecord record : records) {
            Map.Entry<byte[], byte[]> bytes = RegistryRecordFormat.encode(record);
            int size = bytes.getKey().length + (bytes.getValue() == null ? 0 : bytes.getValue().length);
            if (size > MAX_RECORD_BYTES) {
                // refused before Kafka refuses it: the client's mistake, not a store failure
                throw RegistryException.schemaTooLarge(size, MAX_RECORD_BYTES);
            }
            encoded.add(bytes);
        }
        try {
            topic.writeAndWait(encoded, "write to the schema registry");
        } catch (StoreException e) {
            throw RegistryException.store(e.getMessage(), e);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        RegistryRecord decoded;
        try {
            decoded = RegistryRecordFormat.decode(record.key(), record.value());
        } catch (RuntimeException e) {
            log.warn("Skipping a record at offset {} of {} that is not in the schema registry's format: {}",
                    record.offset(), record.topic(), e.getMessage());
            return;
        }
        state.apply(decoded);
    }

    @Override
    public void close() {
        topic.close();
    }
}
