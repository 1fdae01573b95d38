package io.sluice.runtime.metrics;

import io.sluice.runtime.model.State;
import java.util.List;
import java.util.Locale;

/**
 * The metrics of one task on this worker: Apache's connector-task-metrics and task-error-metrics
 * groups, plus the source- or sink-task-metrics group of a subclass. Counters are written by the
 * threads the methods name and read by JMX, Prometheus and REST; rates are computed on read.
 */
public abstract class TaskMetrics implements AutoCloseable {
    /** Sluice's attribute beside Apache's status: the root cause of a FAILED connector or task, else absent. */
    static final String FAILURE_CAUSE = "failure-cause";
    static final String FAILURE_CAUSE_DOC = "The root cause of the failure, first line of the status trace's cause "
            + "chain; absent unless the status is 'failed'.";
    protected final MetricsRegistry registry;
    private final String connector;
    private final int task;
    private final MetricGroup taskGroup;
    private final MetricGroup errorGroup;
    private final ErrorMetrics errors = new ErrorMetrics();
    private final Stat commitTime;
    private final Counter commitSuccess = new Counter();
    private final Counter commitFailure = new Counter();
    private final Stat batchSize;
    private final long created;
    private State state = State.UNASSIGNED;
    private volatile String failureCause;
    private long stateSince;
    private long runningMs;
    private long pausedMs;
    /** Records written at the last progress line (only the sampler thread touches it). */
    long loggedOut;
    /** What earlier runs of this task on this worker counted. */
    private volatile TaskTotals earlier = TaskTotals.NONE;

    TaskMetrics(MetricsRegistry registry, String connector, int task) {
        this.registry = registry;
        this.connector = connector;
        this.task = task;
        this.created = registry.now();
        this.stateSince = created;
        String id = Integer.toString(task);
        taskGroup = registry.group("connector-task-metrics", "connector", connector, "task", id);
        taskGroup.info("status", "The status of the connector task. One of 'unassigned', 'running', 'paused', 'failed', "
                + "or 'restarting'.", () -> state().name().toLowerCase(Locale.ROOT))
                .info(FAILURE_CAUSE, FAILURE_CAUSE_DOC, () -> failureCause)
                .gauge("running-ratio", "The fraction of time this task has spent in the running state.",
                        () -> ratio(State.RUNNING))
                .gauge("pause-ratio", "The fraction of time this task has spent in the pause state.",
                        () -> ratio(State.PAUSED));
        commitTime = taskGroup.stat("offset-commit-avg-time-ms", "The average time in milliseconds taken by this task to commit offsets.",
                "offset-commit-max-time-ms", "The maximum time in milliseconds taken by this task to commit offsets.");
        batchSize = taskGroup.stat("batch-size-avg", "The average size of the batches processed by the connector.",
                "batch-size-max", "The maximum size of the batches processed by the connector.");
        taskGroup.gauge("offset-commit-success-percentage",
                        "The average percentage of this task's offset commit attempts that succeeded.",
                        () -> percentage(commitSuccess.get(), commitFailure.get()))
                .gauge("offset-commit-failure-percentage",
                        "The average percentage of this task's offset commit attempts that failed.",
                        () -> percentage(commitFailure.get(), commitSuccess.get()));
        errorGroup = registry.group("task-error-metrics", "connector", connector, "task", id);
        errors.addTo(errorGroup);
    }

    public final String connector() {
        return connector;
    }

    public final int task() {
        return task;
    }

    public final ErrorMetrics errors() {
        return errors;
    }

    /** An offset commit finished (on the committing thread, one at a time). */
    public final void commit(long durationMs, boolean success) {
        commitTime.record(durationMs);
        (success ? commitSuccess : commitFailure).increment();
    }

    /** A batch of records was polled (source) or put (sink); on the task thread. */
    protected final void batch(int size) {
        batchSize.record(size);
    }

    /** Records in since this run started: polled from the source system, or read from Kafka by a sink. */
    public abstract long recordsIn();

    /** Records out since this run started: written to Kafka by a source, or handed to a sink's put(). */
    public abstract long recordsOut();

    /** Records written since this run started: acknowledged by Kafka (sources) or by the sink's preCommit. */
    abstract long recordsWritten();

    /** Records not done yet: a sink's read and not acknowledged, a source's sent and not acknowledged by Kafka. */
    abstract long pending();

    abstract Rate inRate();

    abstract Rate outRate();

    /** The rate of records written, for sinks; null for sources (theirs is the out rate). */
    Rate writtenRate() {
        return null;
    }

    abstract String type();

    /** Lag per partition for sinks, null for sources. */
    java.util.Map<String, Long> lag() {
        return null;
    }

    /** This run's counts added to those of earlier runs of the task on this worker. */
    final TaskTotals totals() {
        return earlier.plus(new TaskTotals(recordsIn(), recordsOut(), recordsWritten()));
    }

    /** Continues the totals of an earlier run of this task (set before the task counts anything). */
    final void continueFrom(TaskTotals totals) {
        earlier = totals == null ? TaskTotals.NONE : totals;
    }

    /** The figures shown in the REST status and the console: rates over the last minute and the last seconds. */
    public final TaskLive live() {
        long now = registry.now();
        TaskTotals totals = totals();
        Rate written = writtenRate();
        return new TaskLive(type(), (int) (MetricsRegistry.LIVE_WINDOW_MS / 1000),
                (int) (MetricsRegistry.RECENT_WINDOW_MS / 1000), flow(inRate(), totals.in(), now),
                flow(outRate(), totals.out(), now), written == null ? null : flow(written, totals.written(), now),
                pending(), errors.errors(), errors.lastErrorTime(), lag());
    }

    private static TaskLive.Flow flow(Rate rate, long total, long now) {
        return new TaskLive.Flow(round(rate.perSecond(now, MetricsRegistry.LIVE_WINDOW_MS)),
                round(rate.perSecond(now, MetricsRegistry.RECENT_WINDOW_MS)), total);
    }

    /** The root cause of a failure, reported just before the FAILED state. */
    void failure(String rootCause) {
        failureCause = rootCause;
    }

    synchronized void state(State next) {
        long now = registry.now();
        account(now);
        state = next;
        if (next != State.FAILED) {
            failureCause = null;
        }
        if (next == State.FAILED) {
            errors.errorTime(now);
        }
    }

    private synchronized State state() {
        return state;
    }

    private void account(long now) {
        long spent = now - stateSince;
        if (state == State.RUNNING) {
            runningMs += spent;
        } else if (state == State.PAUSED) {
            pausedMs += spent;
        }
        stateSince = now;
    }

    private synchronized double ratio(State which) {
        long now = registry.now();
        account(now);
        long total = now - created;
        if (total <= 0) {
            return 0.0;
        }
        return (which == State.RUNNING ? runningMs : pausedMs) / (double) total;
    }

    private static double percentage(long part, long other) {
        long all = part + other;
        return all == 0 ? 0.0 : part / (double) all;
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /** The groups to register: connector-task-metrics, the subclass' own, task-error-metrics. */
    List<MetricGroup> groups() {
        return List.of(taskGroup, ownGroup(), errorGroup);
    }

    abstract MetricGroup ownGroup();

    void register() {
        groups().forEach(registry::register);
    }

    @Override
    public void close() {
        groups().forEach(registry::unregister);
    }
}
