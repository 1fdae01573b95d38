package io.sluice.runtime.worker;

import io.sluice.runtime.metrics.SourceTaskMetrics;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import io.sluice.runtime.worker.errors.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one source task: poll, transform, convert, send; offsets become committable once Kafka
 * acknowledged the record and every earlier one of its source partition, and are written every
 * offset.flush.interval.ms (on the worker's committer thread, so pause or a slow poll do not hold them back) and at stop.
 */
final class SourceTaskRunner extends TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(SourceTaskRunner.class);

    /** What a source task runner needs besides its plugin instances. */
    record Setup(OffsetStore offsets, Map<String, Object> producerConfig, Map<String, Object> adminConfig,
                 TopicCreation topicCreation, ScheduledExecutorService committer, long flushIntervalMs, long flushTimeoutMs,
                 PluginMetrics metrics, SourceTaskMetrics taskMetrics, SourceTransactions.Boundary transactions) {
    }

    private final SourceTask task;
    private final Map<String, String> taskConfig;
    private final ConverterSet converters;
    private final TransformationChain<SourceRecord> transforms;
    private final SourceRecordConverter recordConverter;
    private final ErrorHandler errors;
    private final Setup setup;
    private final SubmittedOffsets submitted = new SubmittedOffsets();
    private final Map<Map<String, Object>, Map<String, Object>> unwritten = new HashMap<>();
    private final AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    private final Set<String> usedTopics = ConcurrentHashMap.newKeySet();
    private final boolean overridesCommitRecord;
    private final String scopeContext;
    /** The producer I/O thread already adopted into this task's scope (a send failing at once calls back on the task thread instead: it just adopts again). */
    private volatile Thread scopedIoThread;
    private final Object commitLock = new Object();
    private final SourceTaskMetrics metrics;
    private Producer<byte[], byte[]> producer;
    private SourceTopicCreator topics;
    private ScheduledFuture<?> commitSchedule;
    private boolean reportedPaused;
    /** Exactly-once source: null unless the worker enables it. */
    private SourceTransactions transactions;

    SourceTaskRunner(ConnectorTaskId id, StatusReporter status, TargetState initial, SourceTask task,
                     Map<String, String> taskConfig, ConverterSet converters, TransformationChain<SourceRecord> transforms,
                     ErrorHandler errors, Setup setup) {
        super(id, task.getClass().getClassLoader(), status, initial);
        this.task = task;
        this.taskConfig = taskConfig;
        this.converters = converters;
        this.transforms = transforms;
        this.recordConverter = new SourceRecordConverter(converters, transforms, errors);
        this.errors = errors;
        this.setup = setup;
        this.overridesCommitRecord = declaresCommitRecord(task.getClass());
        this.scopeContext = PluginScope.taskContext(id.connector(), id.task());
        this.metrics = setup.taskMetrics();
        metrics.activeCount(submitted::unackedCount);
    }

    @Override
    protected void initializeAndStart() {
        producer = new KafkaProducer<>(setup.producerConfig());
        if (setup.transactions() != null) {
            transactions = new SourceTransactions(producer, setup.offsets(), id.connector(), setup.transactions());
        }
        if (setup.topicCreation() != null) {
            topics = new SourceTopicCreator(setup.topicCreation(), setup.adminConfig(), setup.flushTimeoutMs());
        }
        OffsetStorageReader reader = new StoreOffsetReader(id.connector(), setup.offsets());
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return taskConfig;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return reader;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return setup.metrics();
            }

            @Override
            public TransactionContext transactionContext() {
                return transactions == null ? null : transactions.context();
            }
        });
        task.start(taskConfig);
        log.info("{} started{}", this, setup.transactions() == null ? "" : " (exactly once: records and offsets in transactions)");
        if (setup.transactions() == null) {
            commitSchedule = setup.committer().scheduleAtFixedRate(this::scheduledCommit,
                    setup.flushIntervalMs(), setup.flushIntervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void execute() {
        while (!isStopping()) {
            if (targetState() == TargetState.PAUSED) {
                if (transactions != null && transactions.commitsOnStop()) {
                    commitTransaction();
                }
                if (!reportedPaused) {
                    reportedPaused = true;
                    status.task(id, State.PAUSED);
                }
                awaitUnpaused(Long.MAX_VALUE);
                continue;
            }
            if (reportedPaused) {
                reportedPaused = false;
                status.task(id, State.RUNNING);
            }
            throwIfSendFailed();
            List<SourceRecord> batch = poll();
            if (transactions == null) {
                if (batch != null && !batch.isEmpty()) {
                    send(batch);
                }
                continue;
            }
            if (batch != null && !batch.isEmpty()) {
                transactions.send(batch, this::send, this::commitTransaction);
            }
            SourceTransactions.Request request = transactions.takeBatchRequest();
            if (request == SourceTransactions.Request.ABORT) {
                transactions.abortOnRequest();
            } else if (request == SourceTransactions.Request.COMMIT || transactions.due()) {
                commitTransaction();
            }
        }
    }

    /**
     * Adds the offsets of the transaction's records to it and commits: a consumer reading committed data
     * sees the records exactly when the offsets say they were delivered. Then the task's commit().
     */
    private void commitTransaction() {
        if (transactions == null || !transactions.open()) {
            return;
        }
        transactions.commit();
        throwIfSendFailed();
        try {
            task.commit();
        } catch (Throwable t) {
            log.error("{} commit() threw", this, t);
        }
    }

    private List<SourceRecord> poll() {
        long start = System.nanoTime();
        try {
            List<SourceRecord> batch = task.poll();
            metrics.poll(batch == null ? 0 : batch.size(), System.nanoTime() - start);
            return batch;
        } catch (RetriableException | org.apache.kafka.common.errors.RetriableException e) {
            log.warn("{} failed to poll records; will retry", this, e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (isStopping()) {
                return null;
            }
            throw new ConnectException("Interrupted while polling", e);
        }
    }

    private void send(List<SourceRecord> batch) {
        List<SubmittedOffsets.Submitted> tracked = new ArrayList<>(batch.size());
        try {
            for (SourceRecord original : batch) {
                SubmittedOffsets.Submitted s = submitted.track(original);
                tracked.add(s);
                ProducerRecord<byte[], byte[]> out = recordConverter.convert(original);
                if (out == null) {
                    dropped(original, s);
                    continue;
                }
                if (topics != null) {
                    topics.ensure(out.topic());
                }
                if (!produce(original, s, out)) {
                    dropped(original, s);
                }
            }
        } finally {
            submitted.enqueue(tracked);
        }
        throwIfSendFailed();
    }

    /** Sends one record; false when the send failed at once and the error policy tolerated it. */
    private boolean produce(SourceRecord original, SubmittedOffsets.Submitted s, ProducerRecord<byte[], byte[]> out) {
        Callback onAck = (metadata, e) -> onSendCompletion(original, s, metadata, e);
        try {
            producer.send(out, onAck);
            return true;
        } catch (RuntimeException e) {
            // not sent: the error policy retries, tolerates or fails it
            return errors.execute(Stage.KAFKA_PRODUCE, producer.getClass().getName(), RecordContext.of(original),
                    () -> producer.send(out, onAck)) != null;
        }
    }

    /** Runs on the producer's I/O thread. */
    private void onSendCompletion(SourceRecord original, SubmittedOffsets.Submitted s, RecordMetadata metadata, Exception e) {
        if (overridesCommitRecord && scopedIoThread != Thread.currentThread()) {
            // the I/O thread serves only this task's producer: enter the scope once, not per record
            scopedIoThread = Thread.currentThread();
            PluginScope.adopt(loader, scopeContext);
        }
        if (e == null) {
            // commitRecord before the ack, so an offset is never written before the task heard of its record
            commitRecord(original, metadata);
            submitted.ack(s);
            metrics.written();
            if (!usedTopics.contains(metadata.topic()) && usedTopics.add(metadata.topic())) {
                status.topicUsed(id, metadata.topic());
            }
        } else if (errors.toleratesAll()) {
            log.error("{} failed to send a record to topic {}; skipping it (errors.tolerance=all)", this, original.topic(), e);
            dropped(original, s);
        } else {
            sendFailure.compareAndSet(null, e);
        }
    }

    private void dropped(SourceRecord original, SubmittedOffsets.Submitted s) {
        commitRecord(original, null);
        submitted.ack(s);
    }

    private void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (!overridesCommitRecord) {
            return;
        }
        try (PluginScope scope = PluginScope.task(loader, scopeContext)) {
            task.commitRecord(record, metadata);
        } catch (Throwable t) {
            log.error("{} commitRecord threw; ignoring", this, t);
        }
    }

    private void throwIfSendFailed() {
        Throwable failure = sendFailure.get();
        if (failure != null) {
            throw new ConnectException("Unrecoverable exception from producer send callback", failure);
        }
    }

    private void scheduledCommit() {
        try (PluginScope scope = PluginScope.task(loader, id.connector(), id.task())) {
            commitOffsets();
        } catch (Throwable t) {
            log.error("{} offset commit failed; will retry at the next interval", this, t);
        }
    }

    /** Writes the offsets of acknowledged records, then calls the task's commit(). */
    void commitOffsets() {
        synchronized (commitLock) {
            unwritten.putAll(submitted.committableOffsets());
            if (!unwritten.isEmpty()) {
                Map<Map<String, Object>, Map<String, Object>> toWrite = new HashMap<>(unwritten);
                long started = System.nanoTime();
                try {
                    setup.offsets().write(id.connector(), toWrite).get(setup.flushTimeoutMs(), TimeUnit.MILLISECONDS);
                    metrics.commit((System.nanoTime() - started) / 1_000_000L, true);
                    toWrite.forEach(unwritten::remove);
                    log.debug("{} committed offsets of {} source partitions", this, toWrite.size());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    log.warn("{} interrupted while writing offsets", this);
                    return;
                } catch (Exception e) {
                    metrics.commit((System.nanoTime() - started) / 1_000_000L, false);
                    log.error("{} failed to write offsets within {} ms; will retry", this, setup.flushTimeoutMs(), e);
                    return;
                }
            }
            try {
                task.commit();
            } catch (Throwable t) {
                log.error("{} commit() threw", this, t);
            }
        }
    }

    @Override
    protected void close(boolean started, boolean failed) {
        if (commitSchedule != null) {
            commitSchedule.cancel(false);
        }
        if (transactions != null) {
            closeTransaction(started && !failed && !isCancelled() && transactions.commitsOnStop());
        }
        try {
            if (started && producer != null && !isCancelled() && setup.transactions() == null) {
                // after a failed send, the failed record is never acked: waiting for it would only delay the stop
                boolean wait = sendFailure.get() == null;
                if (wait && !submitted.awaitAllAcked(setup.flushTimeoutMs(), TimeUnit.MILLISECONDS)) {
                    log.warn("{} stopping with {} records not acknowledged; their offsets are not committed",
                            this, submitted.unackedCount());
                }
                commitOffsets();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (started) {
            try {
                task.stop();
            } catch (Throwable t) {
                log.warn("{} stop() threw", this, t);
            }
        }
        if (producer != null) {
            producer.close(isCancelled() ? Duration.ZERO : Duration.ofMillis(setup.flushTimeoutMs()));
        }
        Utils.closeQuietly(topics, "topic creator");
        Utils.closeQuietly(transforms, "transformation chain");
        Utils.closeQuietly(converters, "converters");
        Utils.closeQuietly(errors, "error handler");
        Utils.closeQuietly(setup.offsets(), "offset store");
        log.info("{} stopped", this);
    }

    /**
     * A stopping task commits what it polled; a failed or cancelled one aborts, so neither its records nor
     * its offsets count. Offsets never go outside a transaction: an acknowledged record of an aborted
     * transaction is not delivered.
     */
    private void closeTransaction(boolean commit) {
        try {
            if (commit) {
                commitTransaction();
            } else {
                transactions.abort();
            }
        } catch (RuntimeException e) {
            log.warn("{} could not {} its open transaction; it is aborted", this, commit ? "commit" : "abort", e);
        }
    }

    @Override
    protected void onTargetStateChange(TargetState state) {
        log.info("{} target state is now {}", this, state);
    }

    private static boolean declaresCommitRecord(Class<?> cls) {
        for (Class<?> c = cls; c != null && c != SourceTask.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.getName().equals("commitRecord")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    protected void onStopRequested() {
        errors.triggerStop(); // a retry loop with errors.retry.timeout=-1 must not outlive the task
    }
}
