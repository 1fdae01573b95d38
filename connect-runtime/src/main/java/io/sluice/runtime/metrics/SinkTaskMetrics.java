package io.sluice.runtime.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Apache's sink-task-metrics of one sink task; every writer here is the task's own thread. */
public final class SinkTaskMetrics extends TaskMetrics {
    private final MetricGroup group;
    private final Counter read = new Counter();
    private final Counter sent = new Counter();
    private final Counter commitCompletions = new Counter();
    private final Counter commitSkips = new Counter();
    private final Counter commitSeq = new Counter();
    private final Counter partitions = new Counter();
    private final Rate readRate;
    private final Rate sendRate;
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

    /** Records came back from the consumer (task thread). */
    public void read(int records) {
        read.add(records);
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

    /**
     * The task thread's latest view of its partitions: records behind each partition's end, and
     * records delivered but not committed. Replaces the previous view whole.
     */
    public void position(Map<String, Long> lagByPartition, long uncommitted) {
        this.lag = Collections.unmodifiableMap(new TreeMap<>(lagByPartition));
        this.active = uncommitted;
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
    Rate inRate() {
        return readRate;
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
