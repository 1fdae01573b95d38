package io.sluice.runtime.metrics;

import io.sluice.runtime.config.ObservabilityConfig;
import io.sluice.runtime.model.State;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * A worker's Connect metrics under Apache's names: connect-worker-metrics (with a per-connector
 * group of task counts by state), connector-metrics per connector, and per task
 * connector-task-metrics, source-/sink-task-metrics and task-error-metrics. The worker tells it
 * what starts and stops; state changes arrive from the status reporter.
 */
public final class ConnectMetrics implements AutoCloseable {
    private final MetricsRegistry registry;
    private final MetricGroup workerGroup;
    private final Map<String, ConnectorEntry> connectors = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, TaskMetrics>> tasks = new ConcurrentHashMap<>();
    /** The totals of tasks that stopped here, "connector/task", continued when the task starts here again. */
    private final Map<String, TaskTotals> stoppedTotals = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, State>> taskStates = new ConcurrentHashMap<>();
    private final Map<String, MetricGroup> connectorTaskCounts = new ConcurrentHashMap<>();
    private final Set<String> pendingConnectors = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingTasks = ConcurrentHashMap.newKeySet();
    private final LongAdder connectorAttempts = new LongAdder();
    private final LongAdder connectorSuccesses = new LongAdder();
    private final LongAdder connectorFailures = new LongAdder();
    private final LongAdder taskAttempts = new LongAdder();
    private final LongAdder taskSuccesses = new LongAdder();
    private final LongAdder taskFailures = new LongAdder();
    private final ProgressLog progress;

    private static final class ConnectorEntry {
        volatile State state = State.UNASSIGNED;
        volatile String failureCause;
        MetricGroup group;
    }

    /**
     * @param config         the worker's window, JMX and progress log keys
     * @param connectorCount connectors running on this worker
     * @param taskCount      tasks running on this worker
     */
    public ConnectMetrics(ObservabilityConfig config, IntSupplier connectorCount, IntSupplier taskCount) {
        this.registry = new MetricsRegistry(config.metricsWindowMs(), config.jmxEnabled());
        workerGroup = registry.group("connect-worker-metrics")
                .gauge("connector-count", "The number of connectors run in this worker.", () -> connectorCount.getAsInt())
                .gauge("task-count", "The number of tasks run in this worker.", () -> taskCount.getAsInt())
                .counter("connector-startup-attempts-total", "The total number of connector startups that this worker has "
                        + "attempted.", connectorAttempts::sum)
                .counter("connector-startup-success-total", "The total number of connector starts that succeeded.",
                        connectorSuccesses::sum)
                .gauge("connector-startup-success-percentage", "The average percentage of this worker's connectors "
                        + "starts that succeeded.", () -> share(connectorSuccesses, connectorFailures))
                .counter("connector-startup-failure-total", "The total number of connector starts that failed.",
                        connectorFailures::sum)
                .gauge("connector-startup-failure-percentage", "The average percentage of this worker's connectors "
                        + "starts that failed.", () -> share(connectorFailures, connectorSuccesses))
                .counter("task-startup-attempts-total", "The total number of task startups that this worker has "
                        + "attempted.", taskAttempts::sum)
                .counter("task-startup-success-total", "The total number of task starts that succeeded.",
                        taskSuccesses::sum)
                .gauge("task-startup-success-percentage", "The average percentage of this worker's tasks starts that "
                        + "succeeded.", () -> share(taskSuccesses, taskFailures))
                .counter("task-startup-failure-total", "The total number of task starts that failed.", taskFailures::sum)
                .gauge("task-startup-failure-percentage", "The average percentage of this worker's tasks starts that "
                        + "failed.", () -> share(taskFailures, taskSuccesses));
        registry.register(workerGroup);
        this.progress = new ProgressLog(this, config.progressLogIntervalMs());
        registry.onTick(progress::tick);
    }

    public MetricsRegistry registry() {
        return registry;
    }

    /** A connector is being started on this worker: counts the attempt and registers its connector-metrics. */
    public void connectorStarting(String name, String type, String connectorClass, String version) {
        connectorAttempts.increment();
        pendingConnectors.add(name);
        connectorRemoved(name);
        ConnectorEntry entry = new ConnectorEntry();
        entry.group = registry.group("connector-metrics", "connector", name)
                .info("connector-class", "The name of the connector class.", () -> connectorClass)
                .info("connector-type", "The type of the connector. One of 'source' or 'sink'.", () -> type)
                .info("connector-version", "The version of the connector class, as reported by the connector.",
                        () -> version)
                .info("status", "The status of the connector. One of 'unassigned', 'running', 'paused', 'stopped', "
                        + "'failed', or 'restarting'.", () -> entry.state.name().toLowerCase(Locale.ROOT))
                .info(TaskMetrics.FAILURE_CAUSE, TaskMetrics.FAILURE_CAUSE_DOC, () -> entry.failureCause);
        connectors.put(name, entry);
        registry.register(entry.group);
    }

    public void connectorRemoved(String name) {
        ConnectorEntry entry = connectors.remove(name);
        if (entry != null) {
            registry.unregister(entry.group);
        }
    }

    /** A connector's state changed (status reporter). The first outcome after a start counts it as a success or failure. */
    public void connectorState(String name, State state) {
        ConnectorEntry entry = connectors.get(name);
        if (entry != null) {
            entry.state = state;
            if (state != State.FAILED) {
                entry.failureCause = null;
            }
        }
        if (state == State.UNASSIGNED) {
            return;
        }
        if (pendingConnectors.remove(name)) {
            (state == State.FAILED ? connectorFailures : connectorSuccesses).increment();
        }
    }

    /** The root cause of a connector's failure, told just before its FAILED state (JMX and GET /metrics show it). */
    public void connectorFailure(String name, String rootCause) {
        ConnectorEntry entry = connectors.get(name);
        if (entry != null) {
            entry.failureCause = rootCause;
        }
    }

    /** The root cause of a task's failure, told just before its FAILED state. */
    public void taskFailure(String connector, int task, String rootCause) {
        TaskMetrics metrics = task(connector, task);
        if (metrics != null) {
            metrics.failure(rootCause);
        }
    }

    public SourceTaskMetrics sourceTask(String connector, int task) {
        return add(new SourceTaskMetrics(registry, connector, task));
    }

    public SinkTaskMetrics sinkTask(String connector, int task) {
        return add(new SinkTaskMetrics(registry, connector, task));
    }

    private <T extends TaskMetrics> T add(T metrics) {
        String connector = metrics.connector();
        taskAttempts.increment();
        pendingTasks.add(connector + "/" + metrics.task());
        Map<Integer, TaskMetrics> byTask = tasks.computeIfAbsent(connector, c -> new ConcurrentHashMap<>());
        TaskMetrics previous = byTask.get(metrics.task());
        TaskTotals earlier = stoppedTotals.remove(connector + "/" + metrics.task());
        metrics.continueFrom(previous != null ? previous.totals() : earlier);
        byTask.put(metrics.task(), metrics);
        if (previous != null) {
            previous.close();
        }
        taskStates.computeIfAbsent(connector, c -> new ConcurrentHashMap<>()).put(metrics.task(), State.UNASSIGNED);
        connectorTaskCounts.computeIfAbsent(connector, this::taskCountGroup);
        metrics.register();
        return metrics;
    }

    /** A task could not even be built: counts a failed start attempt. */
    public void taskStartFailed() {
        taskAttempts.increment();
        taskFailures.increment();
    }

    /** A task left this worker: its groups go, and the connector's task-count group with its last task. */
    public void taskRemoved(String connector, int task) {
        pendingTasks.remove(connector + "/" + task);
        Map<Integer, TaskMetrics> byTask = tasks.get(connector);
        if (byTask != null) {
            TaskMetrics metrics = byTask.remove(task);
            if (metrics != null) {
                stoppedTotals.put(connector + "/" + task, metrics.totals());
                metrics.close();
            }
        }
        Map<Integer, State> states = taskStates.get(connector);
        if (states != null) {
            states.remove(task);
            if (states.isEmpty()) {
                taskStates.remove(connector);
                MetricGroup group = connectorTaskCounts.remove(connector);
                registry.unregister(group);
            }
        }
        if (byTask != null && byTask.isEmpty()) {
            tasks.remove(connector, byTask);
        }
    }

    /** A task's state changed (status reporter). */
    public void taskState(String connector, int task, State state) {
        TaskMetrics metrics = task(connector, task);
        if (metrics != null) {
            metrics.state(state);
        }
        Map<Integer, State> states = taskStates.get(connector);
        if (states != null && states.containsKey(task)) {
            states.put(task, state);
        }
        if (state == State.UNASSIGNED) {
            return;
        }
        if (pendingTasks.remove(connector + "/" + task)) {
            (state == State.FAILED ? taskFailures : taskSuccesses).increment();
        }
    }

    /** The metrics of a task running on this worker, or null. */
    public TaskMetrics task(String connector, int task) {
        Map<Integer, TaskMetrics> byTask = tasks.get(connector);
        return byTask == null ? null : byTask.get(task);
    }

    /** The tasks of a connector on this worker. */
    public Collection<TaskMetrics> tasks(String connector) {
        Map<Integer, TaskMetrics> byTask = tasks.get(connector);
        return byTask == null ? List.of() : new ArrayList<>(byTask.values());
    }

    /** Connectors that have tasks on this worker. */
    public Set<String> connectorsWithTasks() {
        return Set.copyOf(tasks.keySet());
    }

    /** The worker-level rebalance group, for a distributed herder to feed (standalone workers have none). */
    public RebalanceMetrics rebalanceMetrics() {
        synchronized (this) {
            if (rebalance == null) {
                rebalance = new RebalanceMetrics(registry);
            }
            return rebalance;
        }
    }

    private RebalanceMetrics rebalance;

    private MetricGroup taskCountGroup(String connector) {
        MetricGroup group = registry.group("connect-worker-metrics", "connector", connector)
                .gauge("connector-total-task-count", "The number of tasks of the connector on the worker.",
                        () -> count(connector, null));
        Map<String, State> byName = new java.util.LinkedHashMap<>();
        byName.put("connector-running-task-count", State.RUNNING);
        byName.put("connector-paused-task-count", State.PAUSED);
        byName.put("connector-failed-task-count", State.FAILED);
        byName.put("connector-unassigned-task-count", State.UNASSIGNED);
        byName.put("connector-destroyed-task-count", State.DESTROYED);
        byName.put("connector-restarting-task-count", State.RESTARTING);
        byName.forEach((name, state) -> group.gauge(name, "The number of " + state.name().toLowerCase(Locale.ROOT)
                + " tasks of the connector on the worker.", () -> count(connector, state)));
        registry.register(group);
        return group;
    }

    private double count(String connector, State state) {
        Map<Integer, State> states = taskStates.get(connector);
        if (states == null) {
            return 0;
        }
        if (state == null) {
            return states.size();
        }
        Map<State, Integer> counts = new EnumMap<>(State.class);
        states.values().forEach(s -> counts.merge(s, 1, Integer::sum));
        return counts.getOrDefault(state, 0);
    }

    private static double share(LongAdder part, LongAdder other) {
        long p = part.sum();
        long all = p + other.sum();
        return all == 0 ? 0.0 : p / (double) all;
    }

    @Override
    public void close() {
        registry.close();
    }
}
