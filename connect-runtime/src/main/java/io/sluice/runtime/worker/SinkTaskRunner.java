package io.sluice.runtime.worker;

import io.sluice.runtime.metrics.SinkTaskMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.worker.errors.ErrorHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one sink task: consume, convert, transform, put; consumer offsets (the next offset to read)
 * are committed after preCommit every offset.flush.interval.ms, on request, on revocation and at a clean
 * stop. A task that failed commits nothing more: only what a successful preCommit returned is ever committed,
 * so a sink whose put, flush or preCommit broke resumes from its last good position after a restart. The group's
 * rebalances reach this loop through {@link SinkGroupMembership}: it opens and closes partitions, the loop gives up
 * their pending records and commits them ({@link #release}).
 */
final class SinkTaskRunner extends TaskRunner implements SinkGroupMembership.Loop {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskRunner.class);

    /**
     * What a sink task runner needs besides its plugin instances; {@code consumers} makes the task's consumer from
     * its config (Kafka's own, or a MockConsumer where a unit test drives the loop).
     */
    record Setup(Map<String, Object> consumerConfig, long flushIntervalMs, long flushTimeoutMs, PluginMetrics metrics,
                 SinkTaskMetrics taskMetrics, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        Setup(Map<String, Object> consumerConfig, long flushIntervalMs, long flushTimeoutMs, PluginMetrics metrics,
              SinkTaskMetrics taskMetrics) {
            this(consumerConfig, flushIntervalMs, flushTimeoutMs, metrics, taskMetrics, KafkaConsumer::new);
        }
    }

    /** How often the task thread refreshes its lag figures (a read of the consumer's fetch state, no request). */
    private static final long POSITION_SAMPLE_MS = 1_000L;

    private final SinkTask task;
    private final Map<String, String> taskConfig;
    private final ConverterSet converters;
    private final TransformationChain<SinkRecord> transforms;
    private final ErrorHandler errors;
    private final Setup setup;
    private final WorkerSinkTaskContext context;
    private final SinkRecordConverter recordConverter;
    private final SinkTaskPositions offsets = new SinkTaskPositions(this);
    private final List<SinkRecord> batch = new ArrayList<>();
    private final Map<TopicPartition, OffsetAndMetadata> batchOffsets = new HashMap<>();
    private final Set<String> usedTopics = new HashSet<>();
    private final SinkPartitionControl partitions;
    private final SinkGroupMembership membership;
    /** Read by the threads that wake it up; replaced by the task thread when another member fenced it. */
    private volatile Consumer<byte[], byte[]> consumer;
    private boolean consumerPaused;
    private long retryTimeoutMs = -1;
    private long nextCommit;
    private volatile boolean commitRequested;
    private final SinkTaskMetrics metrics;
    private long nextPositionSample;
    /** True while the last lag sample may be stale: records arrived since, or a partition was behind or unknown. */
    private boolean positionsUnsettled = true;

    SinkTaskRunner(ConnectorTaskId id, StatusReporter status, TargetState initial, SinkTask task,
                   Map<String, String> taskConfig, ConverterSet converters, TransformationChain<SinkRecord> transforms,
                   ErrorHandler errors, Setup setup) {
        super(id, task.getClass().getClassLoader(), status, initial);
        this.task = task;
        this.taskConfig = taskConfig;
        this.converters = converters;
        this.transforms = transforms;
        this.errors = errors;
        this.setup = setup;
        this.partitions = new SinkPartitionControl(() -> consumer, () -> targetState() == TargetState.PAUSED);
        this.context = new WorkerSinkTaskContext(this, partitions, taskConfig, errors, converters, setup.metrics());
        this.recordConverter = new SinkRecordConverter(converters, transforms, errors);
        this.metrics = setup.taskMetrics();
        boolean staticMember = setup.consumerConfig().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) != null;
        this.membership = new SinkGroupMembership(id, task, offsets, partitions, metrics, staticMember, this);
    }

    @Override
    protected void initializeAndStart() {
        consumer = setup.consumers().apply(setup.consumerConfig());
        membership.subscribe(consumer, taskConfig);
        task.initialize(context);
        task.start(taskConfig);
        log.info("{} started", this);
    }

    @Override
    protected void execute() {
        nextCommit = System.currentTimeMillis() + setup.flushIntervalMs();
        while (!isStopping()) {
            iteration();
        }
    }

    private void iteration() {
        long now = System.currentTimeMillis();
        if (commitRequested || now >= nextCommit) {
            commitRequested = false;
            commitOffsets(null, false);
            nextCommit = now + setup.flushIntervalMs();
        }
        partitions.applySeeks(this::rewound);
        applyTargetState();
        long timeout = Math.max(0, nextCommit - now);
        if (retryTimeoutMs > 0) {
            timeout = Math.min(timeout, retryTimeoutMs);
            retryTimeoutMs = -1;
        }
        if (positionsUnsettled) {
            // an idle task would otherwise keep a stale or partial lag figure until the next commit
            timeout = Math.min(timeout, Math.max(0, nextPositionSample - now));
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(timeout));
        } catch (WakeupException e) {
            return; // a stop or target state change; the loop re-checks both
        } catch (FencedInstanceIdException e) {
            rejoinAfterFence(e);
            return;
        }
        membership.afterPoll();
        if (!records.isEmpty()) {
            positionsUnsettled = true;
        }
        applyTargetState();
        if (targetState() == TargetState.PAUSED) {
            // paused while this poll ran: its records are handed back to the consumer, not dropped (the consumer's
            // position is already past them, so dropping them would skip them for good after the resume)
            for (TopicPartition tp : records.partitions()) {
                consumer.seek(tp, records.records(tp).get(0).offset());
            }
            return;
        }
        // per partition, so the next offset to commit is recorded once per partition, not once per record
        for (TopicPartition tp : records.partitions()) {
            if (usedTopics.add(tp.topic())) {
                status.topicUsed(id, tp.topic());
            }
            List<ConsumerRecord<byte[], byte[]>> consumed = records.records(tp);
            metrics.read(tp, consumed);
            for (ConsumerRecord<byte[], byte[]> record : consumed) {
                SinkRecord converted = recordConverter.convert(record);
                if (converted != null) {
                    batch.add(converted);
                }
            }
            batchOffsets.put(tp, new OffsetAndMetadata(consumed.get(consumed.size() - 1).offset() + 1));
        }
        deliver();
        if (now >= nextPositionSample) {
            nextPositionSample = now + POSITION_SAMPLE_MS;
            samplePositions();
        }
    }

    /**
     * Another member fenced this task's consumer ({@link SinkGroupMembership#fenced}): unless the task is stopping
     * (then this copy is the one to go), waits the pause the membership asks for and rejoins with a new consumer.
     */
    private void rejoinAfterFence(FencedInstanceIdException e) {
        if (isStopping()) {
            return;
        }
        long backoffMs = membership.fenced(e);
        for (long waited = 0; waited < backoffMs && !isStopping(); waited += 100) {
            try {
                Thread.sleep(100); // stop() wakes no sleep: checked each tenth of a second
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        consumer = setup.consumers().apply(setup.consumerConfig());
        consumerPaused = false;
        membership.subscribe(consumer, taskConfig);
    }

    /**
     * Publishes, per assigned partition, how far the records delivered to put() are behind the partition's end.
     * A partition whose end the consumer does not know yet keeps the sample unsettled, so it is taken again
     * within a second even when no record arrives.
     */
    private void samplePositions() {
        SinkTaskPositions.Lag lag = offsets.lag(consumer);
        positionsUnsettled = !lag.settled();
        metrics.lag(lag.behind());
    }

    private void deliver() {
        long start = System.nanoTime();
        try {
            task.put(new ArrayList<>(batch));
            if (!batch.isEmpty()) {
                metrics.put(batch.size(), System.nanoTime() - start);
            }
            offsets.put(batchOffsets);
            batch.clear();
            batchOffsets.clear();
            partitions.endRedelivery();
        } catch (RetriableException e) {
            log.warn("{} put() asked for a retry; redelivering the same {} records", this, batch.size(), e);
            partitions.pauseForRedelivery();
        } catch (RuntimeException e) {
            throw new ConnectException("Exiting sink task " + id + " due to unrecoverable exception in put()", e);
        }
    }

    /**
     * The consumer was sought to offset for tp (the task asked, or a failed preCommit rewound it): records of tp
     * waiting for redelivery are dropped, never put, since the consumer reads them again from offset.
     */
    @Override
    public void rewound(TopicPartition tp, long offset) {
        offsets.resetTo(tp, offset);
        metrics.rewound(tp, offset);
        dropPending(List.of(tp));
        log.debug("{} rewound {} to offset {}", this, tp, offset);
    }

    /** Forgets the converted records of partitions that will be read again (rewound) or are no longer ours. */
    private void dropPending(Collection<TopicPartition> tps) {
        if (batchOffsets.keySet().removeAll(tps)) {
            batch.removeIf(r -> tps.contains(new TopicPartition(r.originalTopic(), r.originalKafkaPartition())));
        }
    }

    private void applyTargetState() {
        boolean paused = targetState() == TargetState.PAUSED;
        if (paused != consumerPaused || (paused && !consumer.paused().containsAll(consumer.assignment()))) {
            partitions.apply(paused || partitions.pausedForRedelivery());
            if (paused != consumerPaused) {
                consumerPaused = paused;
                status.task(id, paused ? State.PAUSED : State.RUNNING);
            }
        }
    }

    /**
     * Asks preCommit which offsets are safe, then commits those (of offered partitions, no further than what was
     * put); scope null means every assigned partition. atClose: the partitions are being closed, so a preCommit
     * failure commits nothing and rewinds nothing.
     */
    private void commitOffsets(Collection<TopicPartition> scope, boolean atClose) {
        context.awaitErrantReports();
        errors.flush(); // records sent to the dead letter queue must be durable before their offsets are

        Map<TopicPartition, OffsetAndMetadata> offered = offsets.offered(scope);
        if (offered.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit;
        try {
            toCommit = task.preCommit(offered);
        } catch (Throwable t) {
            if (atClose) {
                log.warn("{} preCommit/flush threw while closing {}; committing nothing for them", this, offered.keySet(), t);
                return;
            }
            log.error("{} preCommit/flush threw; rewinding to the last committed offsets", this, t);
            for (TopicPartition tp : offered.keySet()) {
                OffsetAndMetadata last = offsets.committed(tp);
                if (last != null) {
                    consumer.seek(tp, last.offset());
                    rewound(tp, last.offset());
                }
            }
            return;
        }
        if (toCommit == null || toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> filtered = offsets.committable(toCommit, offered);
        if (filtered.isEmpty()) {
            return;
        }
        metrics.acknowledged(filtered);
        long started = System.nanoTime();
        try {
            try {
                consumer.commitSync(filtered, Duration.ofMillis(setup.flushTimeoutMs()));
            } catch (WakeupException e) {
                consumer.commitSync(filtered, Duration.ofMillis(setup.flushTimeoutMs()));
            }
            offsets.committed(filtered);
            metrics.commit((System.nanoTime() - started) / 1_000_000L, true);
            metrics.commitCompleted();
            log.debug("{} committed offsets {}", this, filtered);
        } catch (RuntimeException e) {
            metrics.commit((System.nanoTime() - started) / 1_000_000L, false);
            log.warn("{} could not commit offsets; will retry at the next commit", this, e);
        }
    }

    @Override
    protected void close(boolean started, boolean failed) {
        membership.closing();
        if (consumer != null) {
            if (started && !isCancelled()) {
                if (failed) {
                    // what put, flush or preCommit left behind is not known to be stored: resume from the last commit
                    log.info("{} failed: committing no further offsets; its partitions stay at their last commit {}",
                            this, offsets);
                }
                try {
                    closePartitions(new HashSet<>(consumer.assignment()), !failed);
                } catch (Throwable t) {
                    closingThrew("failed to commit or close partitions at stop", t);
                }
            }
            if (started) {
                try {
                    task.stop();
                } catch (Throwable t) {
                    closingThrew("stop() threw", t);
                }
            }
            try {
                consumer.close(isCancelled() ? Duration.ZERO : Duration.ofMillis(setup.flushTimeoutMs()));
            } catch (RuntimeException e) {
                closingThrew("failed to close its consumer", e);
            }
        }
        Utils.closeQuietly(transforms, "transformation chain");
        Utils.closeQuietly(converters, "converters");
        Utils.closeQuietly(errors, "error handler");
        log.info("{} stopped", this);
    }

    @Override
    protected void onTargetStateChange(TargetState state) {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    protected void onStopRequested() {
        errors.triggerStop();
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    // SinkTaskContext requests the partition control does not take itself; the task calls them from its thread.

    void retryTimeout(long timeoutMs) {
        retryTimeoutMs = timeoutMs;
    }

    void requestCommit() {
        commitRequested = true;
    }

    @Override
    public void release(Collection<TopicPartition> tps, boolean commit) {
        dropPending(tps);
        closePartitions(tps, commit);
    }

    /** Commits the partitions' offsets (when commit) and closes them in the task, even if the commit threw. */
    private void closePartitions(Collection<TopicPartition> tps, boolean commit) {
        try {
            if (commit) {
                commitOffsets(tps, true);
            }
        } finally {
            task.close(tps);
        }
    }
}
