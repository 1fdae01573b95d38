package io.sluice.runtime.metrics;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Apache's sink-task-metrics of one sink task, plus what the sink acknowledged as written: records whose offsets
 * its preCommit returned (sink-record-written-*), as opposed to records handed to put() (Apache's
 * sink-record-send-*); sink-record-active-count is the records read and not acknowledged yet. Every writer here is
 * the task's own thread.
 */
public final class SinkTaskMetrics extends TaskMetrics {
    private final MetricGroup group;
    private final Counter read = new Counter();
    private final Counter sent = new Counter();
    private final Counter written = new Counter();
    private final SinkAcknowledgements acknowledgements = new SinkAcknowledgements();
    private final Counter commitCompletions = new Counter();
    private final Counter commitSkips = new Counter();
    private final Counter commitSeq = new Counter();
    private final Counter partitions = new Counter();
    private final Rate readRate;
    private final Rate sendRate;
    private final Rate writtenRate;
    private final Stat putTime;
    private volatile Map<String, Long> lag = Map.of();
    private volatile long active;

    SinkTaskMetrics(MetricsRegistry registry, String connector, int task) {
        super(registry, connector, task);
        group = registry.group("sink-task-metrics", "connector", connector, "task", Integer.toString(task));
        readRate = group.rate("sink-record-read-rate", "The average per-second number of records read from Kafka for "
                + "this task belonging to the named sink connector in this worker. This is before transformations are "
                + "applied.", read::get);
        group.counter("sink-record-read-total", "The total number of records read from Kafka by this task belonging to "
                + "the named sink connector in this worker, since the task was last restarted.", read::get);
        sendRate = group.rate("sink-record-send-rate", "The average per-second number of records output from the "
                + "transformations and sent/put to this task belonging to the named sink connector in this worker. "
                + "This is after transformations are applied and excludes any records filtered out by the "
                + "transformations.", sent::get);
        group.counter("sink-record-send-total", "The total number of records output from the transformations and "
                + "sent/put to this task belonging to the named sink connector in this worker, since the task was "
                + "last restarted.", sent::get);
        writtenRate = group.rate("sink-record-written-rate", "Sluice: the average per-second number of records this "
                + "task acknowledged as written: their offsets were returned by the task's preCommit. Records dropped "
                + "by transformations or skipped as tolerated errors count once their offsets are acknowledged.",
                written::get);
        group.counter("sink-record-written-total", "Sluice: the total number of records this task acknowledged as "
                + "written (their offsets were returned by the task's preCommit), since the task was last restarted.",
                written::get);
        group.gauge("sink-record-lag-max", "The maximum lag in terms of number of records that the sink task is behind "
                + "the consumer's position for any topic partitions.", this::maxLag);
        group.gauge("partition-count", "The number of topic partitions assigned to this task belonging to the named "
                + "sink connector in this worker.", () -> (double) partitions.get());
        group.gauge("offset-commit-seq-no", "The current sequence number for offset commits.",
                () -> (double) commitSeq.get());
        group.rate("offset-commit-completion-rate", "The average per-second number of offset commit completions that "
                + "were completed successfully.", commitCompletions::get);
        group.counter("offset-commit-completion-total", "The total number of offset commit completions that were "
                + "completed successfully.", commitCompletions::get);
        group.rate("offset-commit-skip-rate", "The average per-second number of offset commit completions that were "
                + "received too late and skipped/ignored.", commitSkips::get);
        group.counter("offset-commit-skip-total", "The total number of offset commit completions that were received "
                + "too late and skipped/ignored.", commitSkips::get);
        putTime = group.stat("put-batch-avg-time-ms", "The average time taken by this task to put a batch of sinks "
                + "records.", "put-batch-max-time-ms", "The maximum time taken by this task to put a batch of sinks records.");
        group.gaugeStat("sink-record-active-count", "The number of records that have been read from Kafka but not yet "
                + "completely committed/flushed/acknowledged by the sink task.", "sink-record-active-count-avg",
                "The average number of records that have been read from Kafka but not yet completely "
                + "committed/flushed/acknowledged by the sink task.", "sink-record-active-count-max",
                "The maximum number of records that have been read from Kafka but not yet completely "
                + "committed/flushed/acknowledged by the sink task.", () -> active);
    }

    /** Records of one partition came back from the consumer, in offset order (task thread). */
    public void read(TopicPartition tp, List<? extends ConsumerRecord<?, ?>> records) {
        read.add(records.size());
        acknowledgements.read(tp, records);
        active = acknowledgements.pending();
    }

    /** The task's preCommit reported these offsets as done: the records below them are written (task thread). */
    public void acknowledged(Map<TopicPartition, OffsetAndMetadata> offsets) {
        long taken = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getValue() != null) {
                taken += acknowledgements.acknowledged(e.getKey(), e.getValue().offset());
            }
        }
        written.add(taken);
        active = acknowledgements.pending();
    }

    /** The consumer of tp was sought back to offset: what was read from there on will be read again (task thread). */
    public void rewound(TopicPartition tp, long offset) {
        acknowledgements.rewound(tp, offset);
        active = acknowledgements.pending();
    }

    /** Partitions left the task (revoked or lost) with what it held of them unacknowledged (task thread). */
    public void partitionsLeft(Collection<TopicPartition> tps) {
        acknowledgements.forget(tps);
        active = acknowledgements.pending();
    }

    /** put() took a batch (task thread). */
    public void put(int records, long durationNanos) {
        putTime.record(durationNanos / 1_000_000L);
        sent.add(records);
        batch(records);
    }

    /** Offsets were committed to the consumer group (task thread). */
    public void commitCompleted() {
        commitSeq.increment();
        commitCompletions.increment();
    }

    public void partitionCount(int count) {
        partitions.set(count);
    }

    /** The task thread's latest view of how far behind each partition's end it is; replaces the previous view whole. */
    public void lag(Map<String, Long> lagByPartition) {
        this.lag = Collections.unmodifiableMap(new TreeMap<>(lagByPartition));
    }

    private double maxLag() {
        long max = 0;
        for (long l : lag.values()) {
            max = Math.max(max, l);
        }
        return lag.isEmpty() ? Double.NaN : max;
    }

    @Override
    Map<String, Long> lag() {
        return lag;
    }

    @Override
    public long recordsIn() {
        return read.get();
    }

    @Override
    public long recordsOut() {
        return sent.get();
    }

    @Override
    long recordsWritten() {
        return written.get();
    }

    @Override
    long pending() {
        return active;
    }

    @Override
    Rate inRate() {
        return readRate;
    }

    @Override
    Rate writtenRate() {
        return writtenRate;
    }

    @Override
    Rate outRate() {
        return sendRate;
    }

    @Override
    String type() {
        return "sink";
    }

    @Override
    MetricGroup ownGroup() {
        return group;
    }
}
