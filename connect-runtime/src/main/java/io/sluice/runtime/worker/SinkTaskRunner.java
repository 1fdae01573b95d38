package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.metrics.SinkTaskMetrics;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.worker.errors.ErrorHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
 * are committed after preCommit every offset.flush.interval.ms, on request, on revocation and at stop.
 */
final class SinkTaskRunner extends TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskRunner.class);

    /** What a sink task runner needs besides its plugin instances. */
    record Setup(Map<String, Object> consumerConfig, long flushIntervalMs, long flushTimeoutMs, PluginMetrics metrics,
                 SinkTaskMetrics taskMetrics) {
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
    private final Map<TopicPartition, OffsetAndMetadata> currentOffsets = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> lastCommitted = new HashMap<>();
    private final List<SinkRecord> batch = new ArrayList<>();
    private final Map<TopicPartition, OffsetAndMetadata> batchOffsets = new HashMap<>();
    private final Set<String> usedTopics = new HashSet<>();
    private final SinkPartitionControl partitions;
    private KafkaConsumer<byte[], byte[]> consumer;
    private boolean consumerPaused;
    private long retryTimeoutMs = -1;
    private long nextCommit;
    private volatile boolean commitRequested;
    private RuntimeException rebalanceFailure;
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
        this.context = new WorkerSinkTaskContext(this, taskConfig, errors, converters, setup.metrics());
        this.recordConverter = new SinkRecordConverter(converters, transforms, errors);
        this.metrics = setup.taskMetrics();
        this.partitions = new SinkPartitionControl(() -> consumer, () -> targetState() == TargetState.PAUSED);
    }

    @Override
    protected void initializeAndStart() {
        consumer = new KafkaConsumer<>(setup.consumerConfig());
        String topics = taskConfig.getOrDefault(ConnectorConfig.TOPICS, "").trim();
        String regex = taskConfig.getOrDefault(ConnectorConfig.TOPICS_REGEX, "").trim();
        Listener listener = new Listener();
        if (!topics.isEmpty()) {
            List<String> list = Arrays.stream(topics.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            consumer.subscribe(list, listener);
        } else if (!regex.isEmpty()) {
            consumer.subscribe(Pattern.compile(regex), listener);
        } else {
            throw new ConnectException("Sink task " + id + " has neither topics nor topics.regex; set one of them");
        }
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
            commitOffsets(null);
            nextCommit = now + setup.flushIntervalMs();
        }
        partitions.applySeeks((tp, offset) -> {
            currentOffsets.put(tp, new OffsetAndMetadata(offset));
            log.debug("{} rewound {} to offset {}", this, tp, offset);
        });
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
        }
        if (rebalanceFailure != null) {
            throw rebalanceFailure;
        }
        int count = records.count();
        if (count > 0) {
            metrics.read(count);
            positionsUnsettled = true;
        }
        applyTargetState();
        if (targetState() == TargetState.PAUSED) {
            return;
        }
        // per partition, so the next offset to commit is recorded once per partition, not once per record
        for (TopicPartition tp : records.partitions()) {
            if (usedTopics.add(tp.topic())) {
                status.topicUsed(id, tp.topic());
            }
            List<ConsumerRecord<byte[], byte[]>> consumed = records.records(tp);
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
     * Publishes, per assigned partition, how far the records delivered to put() are behind the partition's end.
     * A partition whose end the consumer does not know yet keeps the sample unsettled, so it is taken again
     * within a second even when no record arrives.
     */
    private void samplePositions() {
        boolean settled = true;
        Map<String, Long> lag = new HashMap<>();
        long uncommitted = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OffsetAndMetadata delivered = currentOffsets.get(tp);
            if (delivered == null) {
                continue;
            }
            OffsetAndMetadata committed = lastCommitted.get(tp);
            if (committed != null) {
                uncommitted += Math.max(0, delivered.offset() - committed.offset());
            }
            java.util.OptionalLong behindPosition = consumer.currentLag(tp);
            if (behindPosition.isEmpty()) {
                settled = false;
                continue;
            }
            try {
                long end = consumer.position(tp, Duration.ZERO) + behindPosition.getAsLong();
                long behind = Math.max(0, end - delivered.offset());
                lag.put(tp.topic() + "-" + tp.partition(), behind);
                settled &= behind == 0;
            } catch (RuntimeException positionUnknown) {
                settled = false; // no position yet: the partition shows up at the next sample
            }
        }
        positionsUnsettled = !settled;
        metrics.position(lag, uncommitted);
    }

    private void deliver() {
        long start = System.nanoTime();
        try {
            task.put(new ArrayList<>(batch));
            if (!batch.isEmpty()) {
                metrics.put(batch.size(), System.nanoTime() - start);
            }
            currentOffsets.putAll(batchOffsets);
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

    /** Asks preCommit which offsets are safe, then commits them; scope null means every assigned partition. */
    private void commitOffsets(Collection<TopicPartition> scope) {
        context.awaitErrantReports();
        errors.flush(); // records sent to the dead letter queue must be durable before their offsets are

        Map<TopicPartition, OffsetAndMetadata> offered = new HashMap<>(currentOffsets);
        if (scope != null) {
            offered.keySet().retainAll(scope);
        }
        if (offered.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit;
        try {
            toCommit = task.preCommit(offered);
        } catch (Throwable t) {
            log.error("{} preCommit/flush threw; rewinding to the last committed offsets", this, t);
            for (TopicPartition tp : offered.keySet()) {
                OffsetAndMetadata last = lastCommitted.get(tp);
                if (last != null) {
                    consumer.seek(tp, last.offset());
                    currentOffsets.put(tp, last);
                }
            }
            return;
        }
        if (toCommit == null || toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> filtered = new HashMap<>();
        Set<TopicPartition> assigned = consumer.assignment();
        toCommit.forEach((tp, o) -> {
            if (o != null && assigned.contains(tp) && !o.equals(lastCommitted.get(tp))) {
                filtered.put(tp, o);
            }
        });
        if (filtered.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try {
            try {
                consumer.commitSync(filtered, Duration.ofMillis(setup.flushTimeoutMs()));
            } catch (WakeupException e) {
                consumer.commitSync(filtered, Duration.ofMillis(setup.flushTimeoutMs()));
            }
            lastCommitted.putAll(filtered);
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
        if (consumer != null) {
            if (started && !isCancelled()) {
                try {
                    Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
                    commitOffsets(null);
                    task.close(assigned);
                } catch (Throwable t) {
                    log.warn("{} failed to commit or close partitions at stop", this, t);
                }
            }
            if (started) {
                try {
                    task.stop();
                } catch (Throwable t) {
                    log.warn("{} stop() threw", this, t);
                }
            }
            try {
                consumer.close(isCancelled() ? Duration.ZERO : Duration.ofMillis(setup.flushTimeoutMs()));
            } catch (RuntimeException e) {
                log.warn("{} failed to close its consumer", this, e);
            }
        }
        Utils.closeQuietly(transforms, "transformation chain");
        Utils.closeQuietly(converters, "converters");
        Utils.closeQuietly(errors, "error handler");
        log.info("{} stopped", this);
    }

    @Override
    protected void onTargetStateChange(TargetState state) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    protected void onStopRequested() {
        errors.triggerStop();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    // SinkTaskContext requests; the task calls them from its own thread (put, open, preCommit).

    void requestSeek(Map<TopicPartition, Long> offsets) {
        partitions.requestSeek(offsets);
    }

    void retryTimeout(long timeoutMs) {
        retryTimeoutMs = timeoutMs;
    }

    Set<TopicPartition> assignment() {
        return consumer == null ? Set.of() : Set.copyOf(consumer.assignment());
    }

    void pausePartitions(Set<TopicPartition> paused) {
        partitions.pause(paused);
    }

    void resumePartitions(Set<TopicPartition> resumed) {
        partitions.resume(resumed);
    }

    void requestCommit() {
        commitRequested = true;
    }

    /** Opens assigned partitions in the task, commits and closes revoked ones. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata position = new OffsetAndMetadata(consumer.position(tp));
                currentOffsets.put(tp, position);
                lastCommitted.put(tp, position);
            }
            SinkTaskRunner.this.partitions.onAssigned(partitions);
            metrics.partitionCount(currentOffsets.size());
            try {
                task.open(partitions);
            } catch (RuntimeException e) {
                rebalanceFailure = new ConnectException("open() of sink task " + id + " failed", e);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || rebalanceFailure != null) {
                return;
            }
            batch.removeIf(r -> partitions.contains(new TopicPartition(r.originalTopic(), r.originalKafkaPartition())));
            batchOffsets.keySet().removeAll(partitions);
            try {
                commitOffsets(partitions);
                task.close(partitions);
            } catch (RuntimeException e) {
                rebalanceFailure = new ConnectException("Closing revoked partitions of sink task " + id + " failed", e);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                task.close(partitions);
            } catch (RuntimeException e) {
                log.warn("{} close() of lost partitions threw", SinkTaskRunner.this, e);
            }
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            currentOffsets.keySet().removeAll(partitions);
            lastCommitted.keySet().removeAll(partitions);
            SinkTaskRunner.this.partitions.forget(partitions);
            metrics.partitionCount(currentOffsets.size());
        }
    }
}
