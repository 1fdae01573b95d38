package io.sluice.runtime.worker;

import io.sluice.runtime.metrics.SourceTaskMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import io.sluice.runtime.worker.errors.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one source task: poll, transform, convert, send; how offsets become durable (flushed periodically
 * once acknowledged, or in transactions with the records) is the {@link SourceCommits} the task was built with.
 */
final class SourceTaskRunner extends TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(SourceTaskRunner.class);

    /** What a source task runner needs besides its plugin instances. */
    record Setup(OffsetStore offsets, Supplier<Producer<byte[], byte[]>> producer, Map<String, Object> adminConfig,
                 TopicCreation topicCreation, boolean workerCreatesTopics, long flushTimeoutMs, PluginMetrics metrics,
                 SourceTaskMetrics taskMetrics, SourceCommits commits, BlockedSends blockedSends) {
    }

    private final SourceTask task;
    private final Map<String, String> taskConfig;
    private final ConverterSet converters;
    private final TransformationChain<SourceRecord> transforms;
    private final SourceRecordConverter recordConverter;
    /** Converts ahead of the sends on a helper thread; null with SMTs (they and their error policy stay here). */
    private final ConvertAhead ahead;
    private final ErrorHandler errors;
    private final Setup setup;
    private final SubmittedOffsets submitted = new SubmittedOffsets();
    private final AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    private final Set<String> usedTopics = ConcurrentHashMap.newKeySet();
    private final boolean overridesCommitRecord;
    private final String scopeContext;
    /** The producer I/O thread already adopted into this task's scope (a send failing at once calls back on the task thread instead: it just adopts again). */
    private volatile Thread scopedIoThread;
    private final SourceTaskMetrics metrics;
    private Producer<byte[], byte[]> producer;
    private final SourceCommits commits;
    private SourceTopicCreator topics;
    private boolean reportedPaused;
    /** The record the task thread is sending, for {@link BlockedSends} (release/acquire: no fence per record). */
    private final AtomicReference<ProducerRecord<?, ?>> sending = new AtomicReference<>();
    private final BlockedSends.Sender sendWatch = new BlockedSends.Sender() {
        @Override
        public ProducerRecord<?, ?> sending() {
            return sending.getAcquire();
        }

        @Override
        public int partitionCount(String topic) {
            SourceTopicCreator creator = topics;
            return creator == null ? -1 : creator.partitionCount(topic, 5_000);
        }

        @Override
        public String toString() {
            return SourceTaskRunner.this.toString();
        }
    };

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
        this.ahead = transforms.isEmpty() ? new ConvertAhead(recordConverter, loader, scopeContext,
                "sluice-convert-" + id.connector() + "-" + id.task()) : null;
        this.metrics = setup.taskMetrics();
        this.commits = setup.commits();
        metrics.activeCount(submitted::unackedCount);
    }

    @Override
    protected void initializeAndStart() {
        producer = setup.producer().get();
        commits.start(new SourceCommits.Task(toString(), id, loader, producer, setup.offsets(), submitted, metrics,
                new SourceCommits.Sender() {
                    @Override
                    public void send(List<SourceRecord> batch) {
                        SourceTaskRunner.this.send(batch);
                    }

                    @Override
                    public void throwIfFailed() {
                        throwIfSendFailed();
                    }

                    @Override
                    public boolean failed() {
                        return sendFailure.get() != null;
                    }
                }, this::commitTask, this::isCancelled));
        topics = new SourceTopicCreator(setup.topicCreation(), setup.workerCreatesTopics(), setup.adminConfig(),
                setup.flushTimeoutMs());
        setup.blockedSends().watch(sendWatch);
        try {
            // a restart right after a commit (a transaction's offsets are read back a moment later) must not
            // resume from the one before it
            setup.offsets().readToEnd();
        } catch (RuntimeException e) {
            log.warn("{} could not read its offsets topic to the end; it starts from the offsets read so far: {}",
                    this, e.getMessage());
        }
        OffsetStorageReader reader = new StoreOffsetReader(id.connector(), setup.offsets());
        task.initialize(new WorkerSourceTaskContext(taskConfig, reader, setup.metrics(), commits::transactionContext,
                topics));
        task.start(taskConfig);
        log.info("{} started{}", this, commits.description());
    }

    @Override
    protected void execute() {
        while (!isStopping()) {
            if (targetState() == TargetState.PAUSED) {
                commits.beforePause();
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
            if (batch != null && !batch.isEmpty()) {
                commits.send(batch);
            }
            commits.afterPoll();
        }
    }

    /** The task's commit(), after its offsets are durable; a throw is the task's problem, not the commit's. */
    private void commitTask() {
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
        boolean split = ahead != null && ConvertAhead.worthIt(batch.size());
        try {
            int chunk = split ? ConvertAhead.CHUNK : batch.size();
            if (split) {
                ahead.start(batch, 0, chunk);
            }
            for (int from = 0; from < batch.size(); from += chunk) {
                int to = Math.min(from + chunk, batch.size());
                ProducerRecord<byte[], byte[]>[] converted = split ? ahead.take() : null;
                if (split && to < batch.size()) {
                    ahead.start(batch, to, Math.min(to + chunk, batch.size()));
                }
                for (int i = from; i < to; i++) {
                    sendOne(batch.get(i), converted == null ? null : converted[i - from], tracked);
                }
            }
        } finally {
            if (split) {
                ahead.discard();
            }
            submitted.enqueue(tracked);
        }
        throwIfSendFailed();
    }

    /** Tracks and sends one record, converting it here unless the helper did (converted not null). */
    private void sendOne(SourceRecord original, ProducerRecord<byte[], byte[]> converted,
                         List<SubmittedOffsets.Submitted> tracked) {
        // before each record, as Apache does: a send that failed (e.g. after max.block.ms without the topic's
        // metadata, Kafka away) fails the task now, not after every other send of the batch waited max.block.ms
        // too (tryout15: a task kept RUNNING through a minute's outage)
        throwIfSendFailed();
        SubmittedOffsets.Submitted s = submitted.track(original);
        tracked.add(s);
        ProducerRecord<byte[], byte[]> out = converted;
        if (out == null) {
            if (ahead != null) {
                ahead.quiesce(); // the converters are the helper's while it converts the next chunk
            }
            out = recordConverter.convert(original);
        }
        if (out == null) {
            dropped(original, s);
            return;
        }
        topics.ensure(out.topic());
        if (!produce(original, s, out)) {
            dropped(original, s);
        }
    }

    /** Sends one record; false when the send failed at once and the error policy tolerated it. */
    private boolean produce(SourceRecord original, SubmittedOffsets.Submitted s, ProducerRecord<byte[], byte[]> out) {
        // The callback lives as long as the record waits in the producer's buffer (seconds when the broker is the
        // bottleneck, long enough to be promoted to the old generation): it holds the source record, with its
        // key, value and headers, only for a task whose commitRecord needs it.
        String topic = out.topic();
        Callback onAck = overridesCommitRecord
                ? (metadata, e) -> onSendCompletion(original, topic, s, metadata, e)
                : (metadata, e) -> onSendCompletion(null, topic, s, metadata, e);
        sending.setRelease(out);
        try {
            producer.send(out, onAck);
            return true;
        } catch (RuntimeException e) {
            // not sent: the error policy retries, tolerates or fails it
            return errors.execute(Stage.KAFKA_PRODUCE, producer.getClass().getName(), RecordContext.of(original),
                    () -> producer.send(out, onAck)) != null;
        } finally {
            sending.setRelease(null);
        }
    }

    /** Runs on the producer's I/O thread; original is null unless the task overrides commitRecord. */
    private void onSendCompletion(SourceRecord original, String topic, SubmittedOffsets.Submitted s,
                                  RecordMetadata metadata, Exception e) {
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
            log.error("{} failed to send a record to topic {}; skipping it (errors.tolerance=all)", this, topic, e);
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
        if (Thread.currentThread() == scopedIoThread) {
            // this thread adopted the task's scope for good: entering it again per record only cost a scope, a log
            // context and an MDC copy on every ack (a few percent of a fast source's CPU)
            commitRecordInScope(record, metadata);
            return;
        }
        try (PluginScope scope = PluginScope.task(loader, scopeContext)) {
            commitRecordInScope(record, metadata);
        }
    }

    private void commitRecordInScope(SourceRecord record, RecordMetadata metadata) {
        try {
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

    @Override
    protected void close(boolean started, boolean failed) {
        setup.blockedSends().forget(sendWatch);
        commits.close(started, !failed && !isCancelled(), isCancelled());
        if (started) {
            try {
                task.stop();
            } catch (Throwable t) {
                closingThrew("stop() threw", t);
            }
        }
        if (producer != null) {
            try {
                producer.close(isCancelled() ? Duration.ZERO : Duration.ofMillis(setup.flushTimeoutMs()));
            } catch (RuntimeException e) {
                closingThrew("failed to close its producer", e); // the rest is closed all the same
            }
        }
        Utils.closeQuietly(ahead, "converting helper");
        Utils.closeQuietly(topics, "topic creator");
        Utils.closeQuietly(transforms, "transformation chain");
        Utils.closeQuietly(converters, "converters");
        Utils.closeQuietly(errors, "error handler");
        Utils.closeQuietly(setup.offsets(), "offset store");
        log.info("{} stopped", this);
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
