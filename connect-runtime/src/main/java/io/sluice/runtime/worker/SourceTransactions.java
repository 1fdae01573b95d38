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
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once source (KIP-618) for one task: its records and their offsets go out in one Kafka transaction,
 * committed after each poll, with transaction.boundary=interval once the interval has passed, or with
 * transaction.boundary=connector where the task asks through its {@link TransactionContext}. Offsets never go
 * outside a transaction, so an acknowledged record of an aborted transaction is never counted as delivered.
 * Used on the task's thread, except the context's requests, which a task may make from any thread.
 */
final class SourceTransactions implements SourceCommits {
    private static final Logger log = LoggerFactory.getLogger(SourceTransactions.class);

    /**
     * When a task's transactions end: after every poll (intervalMs 0), once intervalMs has passed, or, when
     * connectorDefined, where the task's TransactionContext says.
     */
    record Boundary(long intervalMs, boolean connectorDefined) {
    }

    /** What the task asked to happen to the open transaction after a record or after the batch. */
    enum Request { COMMIT, ABORT }

    private final Boundary boundary;
    private final Map<Map<String, Object>, Map<String, Object>> pending = new HashMap<>();
    private final Set<SourceRecord> commitAfter = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<SourceRecord> abortAfter = Collections.newSetFromMap(new IdentityHashMap<>());
    private Task task;
    private Producer<byte[], byte[]> producer;
    private boolean open;
    private long openedAtMs;
    private Request batchRequest;

    SourceTransactions(Boundary boundary) {
        this.boundary = boundary;
    }

    /** Initializes the producer's transactions, which fences any earlier instance of this task (a zombie). */
    @Override
    public void start(Task task) {
        task.producer().initTransactions();
        this.task = task;
        this.producer = task.producer();
    }

    /** The connector's transaction boundary, or null when the worker does not enable exactly-once source. */
    static Boundary of(WorkerConfig worker, SourceConnectorConfig connectorConfig) {
        if (!worker.exactlyOnceSource()) {
            return null;
        }
        return switch (connectorConfig.transactionBoundary()) {
            case POLL -> new Boundary(0, false);
            case INTERVAL -> {
                Long interval = connectorConfig.transactionBoundaryInterval();
                yield new Boundary(interval == null ? worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS) : interval,
                        false);
            }
            case CONNECTOR -> new Boundary(Long.MAX_VALUE, true);
        };
    }

    /** The context a task defining its own boundaries uses; null for the other boundaries (as Apache). */
    @Override
    public TransactionContext transactionContext() {
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
    private synchronized Request takeRequestAfter(SourceRecord record) {
        if (abortAfter.remove(record)) {
            commitAfter.remove(record);
            return Request.ABORT;
        }
        return commitAfter.remove(record) ? Request.COMMIT : null;
    }

    /** What the task asked to happen to the open transaction after its batch, if anything; forgets it. */
    private synchronized Request takeBatchRequest() {
        Request request = batchRequest;
        batchRequest = null;
        return request;
    }

    /** Whether an open transaction is committed when the task stops or pauses: not when the task defines them. */
    private boolean commitsOnStop() {
        return !boundary.connectorDefined();
    }

    /**
     * Sends a batch in the open transaction (opening one if needed), ending it right after each record the
     * task asked to commit or abort after, so a transaction holds exactly the records the task meant.
     */
    @Override
    public void send(List<SourceRecord> batch) {
        int from = 0;
        for (int i = 0; i < batch.size() && boundary.connectorDefined(); i++) {
            Request request = takeRequestAfter(batch.get(i));
            if (request != null) {
                sendInTransaction(batch.subList(from, i + 1));
                if (request == Request.ABORT) {
                    abortOnRequest();
                } else {
                    commitTransaction();
                }
                from = i + 1;
            }
        }
        if (from < batch.size()) {
            sendInTransaction(from == 0 ? batch : batch.subList(from, batch.size()));
        }
    }

    /** Ends the open transaction where the task asked to after its batch, or where its time boundary passed. */
    @Override
    public void afterPoll() {
        Request request = takeBatchRequest();
        if (request == Request.ABORT) {
            abortOnRequest();
        } else if (request == Request.COMMIT || due()) {
            commitTransaction();
        }
    }

    /** A paused task's open transaction is committed, unless the task defines its transactions itself. */
    @Override
    public void beforePause() {
        if (commitsOnStop()) {
            commitTransaction();
        }
    }

    /**
     * A stopping task commits what it polled; a failed or cancelled one aborts, so neither its records nor
     * its offsets count. Offsets never go outside a transaction: an acknowledged record of an aborted
     * transaction is not delivered.
     */
    @Override
    public void close(boolean started, boolean clean, boolean cancelled) {
        if (task == null) {
            return; // transactions never initialized: nothing is open
        }
        boolean commit = started && clean && commitsOnStop();
        try {
            if (commit) {
                commitTransaction();
            } else {
                abort();
            }
        } catch (RuntimeException e) {
            log.warn("{} could not {} its open transaction; it is aborted", task.name(), commit ? "commit" : "abort", e);
        }
    }

    @Override
    public String description() {
        return " (exactly once: records and offsets in transactions)";
    }

    private void sendInTransaction(List<SourceRecord> records) {
        begin();
        add(records);
        task.sender().send(records);
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

    /** Whether the open transaction has reached its time boundary (never, when the task defines them). */
    private boolean due() {
        return open && !boundary.connectorDefined() && System.currentTimeMillis() - openedAtMs >= boundary.intervalMs();
    }

    /**
     * Adds the offsets of the transaction's records to it and commits: a consumer reading committed data
     * sees the records exactly when the offsets say they were delivered. Then the task's commit().
     */
    private void commitTransaction() {
        if (!open) {
            return;
        }
        OffsetStore offsets = task.offsets();
        String connector = task.id().connector();
        String topic = offsets.transactionalTopic();
        for (Map.Entry<byte[], byte[]> offset : offsets.records(connector, pending)) {
            producer.send(new ProducerRecord<>(topic, offset.getKey(), offset.getValue()));
        }
        producer.commitTransaction();
        open = false;
        offsets.transactionCommitted(connector, pending);
        pending.clear();
        task.sender().throwIfFailed();
        task.commit().run();
    }

    /**
     * Aborts the open transaction because the task asked to: its records are sent first, so their callbacks
     * see success rather than an abort failing the task; neither they nor their offsets count.
     */
    private void abortOnRequest() {
        if (open) {
            producer.flush();
            abort();
        }
    }

    /** Drops the open transaction: neither its records nor its offsets count. */
    private void abort() {
        if (open) {
            open = false;
            pending.clear();
            producer.abortTransaction();
        }
    }
}
