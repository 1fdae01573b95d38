package io.sluice.runtime.worker;

import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.storage.OffsetStore;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

/**
 * Exactly-once source (KIP-618) for one task: its records and their offsets go out in one Kafka transaction,
 * committed after each poll, with transaction.boundary=interval once the interval has passed, or with
 * transaction.boundary=connector where the task asks through its {@link TransactionContext}. Offsets never go
 * outside a transaction, so an acknowledged record of an aborted transaction is never counted as delivered.
 * Used on the task's thread, except the context's requests, which a task may make from any thread.
 */
final class SourceTransactions {

    /**
     * When a task's transactions end: after every poll (intervalMs 0), once intervalMs has passed, or, when
     * connectorDefined, where the task's TransactionContext says.
     */
    record Boundary(long intervalMs, boolean connectorDefined) {
    }

    /** What the task asked to happen to the open transaction after a record or after the batch. */
    enum Request { COMMIT, ABORT }

    private final Producer<byte[], byte[]> producer;
    private final OffsetStore offsets;
    private final String connector;
    private final Boundary boundary;
    private final Map<Map<String, Object>, Map<String, Object>> pending = new HashMap<>();
    private boolean open;
    private long openedAtMs;
    private final Set<SourceRecord> commitAfter = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<SourceRecord> abortAfter = Collections.newSetFromMap(new IdentityHashMap<>());
    private Request batchRequest;

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
            return new Boundary(0, false);
        }
        if (boundary.equalsIgnoreCase("interval")) {
            String interval = connectorConfig.get(SourceConnectorConfig.TRANSACTION_BOUNDARY_INTERVAL_MS);
            return new Boundary(interval == null ? worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS)
                    : Long.parseLong(interval.trim()), false);
        }
        if (boundary.equalsIgnoreCase("connector")) {
            return new Boundary(Long.MAX_VALUE, true);
        }
        throw new ConnectException("transaction.boundary=" + boundary + " is not one of poll, interval, connector");
    }

    /** The context a task defining its own boundaries uses; null for the other boundaries (as Apache). */
    TransactionContext context() {
        if (!boundary.connectorDefined()) {
            return null;
        }
        return new TransactionContext() {
            @Override
            public void commitTransaction() {
                request(Request.COMMIT);
            }

            @Override
            public void commitTransaction(SourceRecord record) {
                synchronized (SourceTransactions.this) {
                    commitAfter.add(record);
                }
            }

            @Override
            public void abortTransaction() {
                request(Request.ABORT);
            }

            @Override
            public void abortTransaction(SourceRecord record) {
                synchronized (SourceTransactions.this) {
                    abortAfter.add(record);
                }
            }
        };
    }

    private synchronized void request(Request request) {
        // an abort asked for wins over a commit asked for in the same batch, as Apache resolves it
        if (batchRequest != Request.ABORT) {
            batchRequest = request;
        }
    }

    /** What the task asked to happen right after this record, if anything; forgets the request. */
    synchronized Request takeRequestAfter(SourceRecord record) {
        if (abortAfter.remove(record)) {
            commitAfter.remove(record);
            return Request.ABORT;
        }
        return commitAfter.remove(record) ? Request.COMMIT : null;
    }

    /** What the task asked to happen to the open transaction after its batch, if anything; forgets it. */
    synchronized Request takeBatchRequest() {
        Request request = batchRequest;
        batchRequest = null;
        return request;
    }

    /** Whether an open transaction is committed when the task stops or pauses: not when the task defines them. */
    boolean commitsOnStop() {
        return !boundary.connectorDefined();
    }

    /**
     * Sends a batch in the open transaction (opening one if needed), ending it right after each record the
     * task asked to commit or abort after, so a transaction holds exactly the records the task meant.
     */
    void send(List<SourceRecord> batch, Consumer<List<SourceRecord>> sender, Runnable commit) {
        int from = 0;
        for (int i = 0; i < batch.size() && boundary.connectorDefined(); i++) {
            Request request = takeRequestAfter(batch.get(i));
            if (request != null) {
                sendInTransaction(batch.subList(from, i + 1), sender);
                if (request == Request.ABORT) {
                    abortOnRequest();
                } else {
                    commit.run();
                }
                from = i + 1;
            }
        }
        if (from < batch.size()) {
            sendInTransaction(from == 0 ? batch : batch.subList(from, batch.size()), sender);
        }
    }

    private void sendInTransaction(List<SourceRecord> records, Consumer<List<SourceRecord>> sender) {
        begin();
        add(records);
        sender.accept(records);
    }

    /** Opens a transaction before a batch is sent, unless one is open. */
    private void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAtMs = System.currentTimeMillis();
        }
    }

    /** Remembers the batch's offsets: the last of each source partition goes into the transaction. */
    @SuppressWarnings("unchecked")
    private void add(List<SourceRecord> batch) {
        for (SourceRecord record : batch) {
            if (record.sourcePartition() != null && record.sourceOffset() != null) {
                pending.put((Map<String, Object>) record.sourcePartition(), (Map<String, Object>) record.sourceOffset());
            }
        }
    }

    boolean open() {
        return open;
    }

    /** Whether the open transaction has reached its time boundary (never, when the task defines them). */
    boolean due() {
        return open && !boundary.connectorDefined() && System.currentTimeMillis() - openedAtMs >= boundary.intervalMs();
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
        offsets.transactionCommitted(connector, pending);
        pending.clear();
    }

    /**
     * Aborts the open transaction because the task asked to: its records are sent first, so their callbacks
     * see success rather than an abort failing the task; neither they nor their offsets count.
     */
    void abortOnRequest() {
        if (open) {
            producer.flush();
            abort();
        }
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
