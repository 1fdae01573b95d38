package io.sluice.runtime.storage;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Durable source offsets, keyed by connector and source partition, in Apache Kafka Connect's format
 * (key: JSON ["connector", {partition}], value: JSON {offset}), so offset topics are interchangeable.
 */
public interface OffsetStore extends AutoCloseable {

    /** Reads the store to its end. */
    void start();

    /** The last committed offset of each partition asked for; partitions never committed are absent. */
    Map<Map<String, Object>, Map<String, Object>> offsets(String connector, Set<Map<String, Object>> partitions);

    /** Every partition of the connector with its last committed offset. */
    Map<Map<String, Object>, Map<String, Object>> offsets(String connector);

    /**
     * Writes offsets (a null offset deletes the partition's offset); the future completes when
     * Kafka acknowledged every write, or completes exceptionally.
     */
    CompletableFuture<Void> write(String connector, Map<Map<String, Object>, Map<String, Object>> offsets);

    @Override
    void close();
}
