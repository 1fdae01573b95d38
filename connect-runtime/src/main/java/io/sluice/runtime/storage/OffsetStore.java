package io.sluice.runtime.storage;

import java.util.List;
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

    /** The topic a producer writes offsets to in its own transaction (exactly-once source); null when none. */
    default String transactionalTopic() {
        return null;
    }

    /** The records {@link #write} would produce for these offsets, for a producer's transaction. */
    default List<Map.Entry<byte[], byte[]>> records(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        throw new UnsupportedOperationException("This offset store cannot take offsets in a producer's transaction");
    }

    /**
     * Applies every offset committed before the call, by this worker or another writer (a task's producer
     * transaction is read back by the store's own reader, a moment later): what a task about to start reads must
     * not be older than its last commit, or it re-sends records already delivered. As Apache's store does before a get.
     */
    default void readToEnd() {
    }

    /** Offsets a producer's transaction just committed to {@link #transactionalTopic}, for a store that keeps a copy elsewhere. */
    default void transactionCommitted(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
    }

    @Override
    void close();
}
