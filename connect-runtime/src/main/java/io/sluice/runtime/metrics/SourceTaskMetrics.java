package io.sluice.runtime.metrics;

import java.util.function.LongSupplier;

/** Apache's source-task-metrics of one source task. */
public final class SourceTaskMetrics extends TaskMetrics {
    private final MetricGroup group;
    private final Counter polled = new Counter();
    private final Counter written = new Counter();
    private final Rate pollRate;
    private final Rate writeRate;
    private final Stat pollTime;
    private volatile LongSupplier active = () -> 0;

    SourceTaskMetrics(MetricsRegistry registry, String connector, int task) {
        super(registry, connector, task);
        group = registry.group("source-task-metrics", "connector", connector, "task", Integer.toString(task));
        pollRate = group.rate("source-record-poll-rate", "The average per-second number of records produced/polled "
                + "(before transformation) by this task belonging to the named source connector in this worker.", polled::get);
        group.counter("source-record-poll-total", "The total number of records produced/polled (before transformation) "
                + "by this task belonging to the named source connector in this worker.", polled::get);
        writeRate = group.rate("source-record-write-rate", "The average per-second number of records output from the "
                + "transformations and written to Kafka for this task belonging to the named source connector in this "
                + "worker. This is after transformations are applied and excludes any records filtered out by the "
                + "transformations.", written::get);
        group.counter("source-record-write-total", "The number of records output from the transformations and written "
                + "to Kafka for this task belonging to the named source connector in this worker, since the task was "
                + "last restarted.", written::get);
        pollTime = group.stat("poll-batch-avg-time-ms", "The average time in milliseconds taken by this task to poll "
                + "for a batch of source records.", "poll-batch-max-time-ms", "The maximum time in milliseconds taken "
                + "by this task to poll for a batch of source records.");
        group.gaugeStat("source-record-active-count", "The number of records that have been produced by this task but "
                + "not yet completely written to Kafka.", "source-record-active-count-avg", "The average number of "
                + "records that have been produced by this task but not yet completely written to Kafka.",
                "source-record-active-count-max", "The maximum number of records that have been produced by this "
                + "task but not yet completely written to Kafka.", () -> active.getAsLong());
    }

    /** A poll returned (task thread): its record count (0 for null) and how long it took. */
    public void poll(int records, long durationNanos) {
        pollTime.record(durationNanos / 1_000_000L);
        if (records > 0) {
            polled.add(records);
            batch(records);
        }
    }

    /** Kafka acknowledged one record (the producer's I/O thread). */
    public void written() {
        written.increment();
    }

    /** Where the number of records sent but not yet acknowledged comes from. */
    public void activeCount(LongSupplier supplier) {
        this.active = supplier;
    }

    @Override
    public long recordsIn() {
        return polled.get();
    }

    @Override
    public long recordsOut() {
        return written.get();
    }

    /** A source's records out are acknowledged by Kafka: they are its written ones. */
    @Override
    long recordsWritten() {
        return written.get();
    }

    @Override
    long pending() {
        return active.getAsLong();
    }

    @Override
    Rate inRate() {
        return pollRate;
    }

    @Override
    Rate outRate() {
        return writeRate;
    }

    @Override
    String type() {
        return "source";
    }

    @Override
    MetricGroup ownGroup() {
        return group;
    }
}
