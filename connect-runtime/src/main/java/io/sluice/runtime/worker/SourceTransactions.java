package io.sluice.runtime.worker;

import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.storage.OffsetStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Exactly-once source (KIP-618) for one task: its records and their offsets go out in one Kafka transaction,
 * committed after each poll or, with transaction.boundary=interval, once the interval has passed. Offsets
 * never go outside a transaction, so an acknowledged record of an aborted transaction is never counted as
 * delivered. Used on the task's thread only.
 */
final class SourceTransactions {

    /** When a task's transactions end: after every poll (intervalMs 0) or once intervalMs has passed. */
    record Boundary(long intervalMs) {
    }

    private final Producer<byte[], byte[]> producer;
    private final OffsetStore offsets;
    private final String connector;
    private final Boundary boundary;
    private final Map<Map<String, Object>, Map<String, Object>> pending = new HashMap<>();
    private boolean open;
    private long openedAtMs;

    /** Initializes the producer's transactions, which fences any earlier instance of this task (a zombie). */
    SourceTransactions(Producer<byte[], byte[]> producer, OffsetStore offsets, String connector, Boundary boundary) {
        this.producer = producer;
        this.offsets = offsets;
        this.connector = connector;
        this.boundary = boundary;
        producer.initTransactions();
    }

    /** The connector's transaction boundary, or null when the worker does not enable exactly-once source. */
    static Boundary of(WorkerConfig worker, Map<String, String> connectorConfig) {
        if (!worker.exactlyOnceSource()) {
            return null;
        }
        String boundary = connectorConfig.getOrDefault(SourceConnectorConfig.TRANSACTION_BOUNDARY, "poll").trim();
        if (boundary.equalsIgnoreCase("poll")) {
            return new Boundary(0);
        }
        if (boundary.equalsIgnoreCase("interval")) {
            String interval = connectorConfig.get(SourceConnectorConfig.TRANSACTION_BOUNDARY_INTERVAL_MS);
            return new Boundary(interval == null ? worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS)
                    : Long.parseLong(interval.trim()));
        }
        throw new ConnectException("transaction.boundary=" + boundary + " is not supported by Sluice yet; use poll "
                + "or interval");
    }

    /** Opens a transaction before a batch is sent, unless one is open. */
    void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAtMs = System.currentTimeMillis();
        }
    }

    /** Remembers the batch's offsets: the last of each source partition goes into the transaction. */
    @SuppressWarnings("unchecked")
    void add(List<SourceRecord> batch) {
        for (SourceRecord record : batch) {
            if (record.sourcePartition() != null && record.sourceOffset() != null) {
                pending.put((Map<String, Object>) record.sourcePartition(), (Map<String, Object>) record.sourceOffset());
            }
        }
    }

    boolean open() {
        return open;
    }

    /** Whether the open transaction has reached its boundary. */
    boolean due() {
        return open && System.currentTimeMillis() - openedAtMs >= boundary.intervalMs();
    }

    /** Adds the offsets to the open transaction and commits it; a read_committed consumer then sees both. */
    void commit() {
        if (!open) {
            return;
        }
        String topic = offsets.transactionalTopic();
        for (Map.Entry<byte[], byte[]> offset : offsets.records(connector, pending)) {
            producer.send(new ProducerRecord<>(topic, offset.getKey(), offset.getValue()));
        }
        producer.commitTransaction();
        open = false;
        pending.clear();
    }

    /** Drops the open transaction: neither its records nor its offsets count. */
    void abort() {
        if (open) {
            open = false;
            pending.clear();
            producer.abortTransaction();
        }
    }
}
