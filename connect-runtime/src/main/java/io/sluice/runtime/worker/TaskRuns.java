package io.sluice.runtime.worker;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.storage.TaskStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task lifecycle of a {@link Worker}: each task run on its own thread ({@link TaskSlot}) once its previous run here
 * ended, restarted automatically with the spec it ran with when it fails (task.restart.*), stopped in the background,
 * and, when retired, its sink member taken out of its consumer group.
 */
final class TaskRuns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskRuns.class);

    /** What running tasks needs from the worker. */
    record Context(String workerId, TaskFactory factory, StatusReporter status, ConnectMetrics connectMetrics,
                   PluginMetricGroups pluginMetrics, StartGate startGate, TaskClientConfigs clients, Executor threads,
                   long gracefulTimeoutMs, BiConsumer<String, Map<String, String>> hideSecrets,
                   Function<Map<String, String>, String> connectorType) {
    }

    private final Context context;
    private final Map<ConnectorTaskId, TaskSlot> tasks = new ConcurrentHashMap<>();
    /** Runs that were asked to stop and have not ended yet: the next run of the same task waits for them. */
    private final RunEndings<ConnectorTaskId> ending;
    private final TaskRestarts restarts;
    private volatile boolean closed;

    TaskRuns(WorkerConfig config, Context context, RunEndings<ConnectorTaskId> ending) {
        this.context = context;
        this.ending = ending;
        this.restarts = new TaskRestarts(config, context.status(), this::restartFailed);
        context.status().onTaskFailure(restarts::failed);
    }

    /** Starts a task in the background; see {@link Worker#startTask}. */
    void start(TaskSpec spec, TargetState target) {
        ConnectorTaskId id = spec.id();
        if (tasks.containsKey(id)) {
            throw new ConnectException("Task " + id + " is already running on this worker");
        }
        context.hideSecrets().accept(id.connector(), spec.connectorConfig());
        context.hideSecrets().accept(id.connector(), spec.taskConfig());
        StatusReporter runStatus = context.status().forRun();
        TaskSlot[] self = new TaskSlot[1];
        TaskSlot slot = new TaskSlot(spec, target, runStatus, context.startGate(), earlierRuns(id.connector()),
                context.gracefulTimeoutMs(), () -> build(spec, target, runStatus), () -> ended(self[0]));
        self[0] = slot;
        if (tasks.putIfAbsent(id, slot) != null) {
            throw new ConnectException("Task " + id + " is already running on this worker");
        }
        log.info("Starting task {} in target state {}", id, target);
        slot.start();
    }

    private TaskRunner build(TaskSpec spec, TargetState target, StatusReporter runStatus) {
        ConnectorTaskId id = spec.id();
        try {
            TaskRunner runner = context.factory().create(spec, target, runStatus,
                    context.pluginMetrics().open(PluginMetricGroups.task(id.connector(), id.task())));
            runner.startGate(context.startGate());
            return runner;
        } catch (RuntimeException | Error e) {
            if (context.connectMetrics().task(id.connector(), id.task()) == null) {
                context.connectMetrics().taskStartFailed();
            }
            throw e;
        }
    }

    /**
     * A task's thread ended, or it was stopped: its metrics go, unless it still stands (it failed by itself: its
     * FAILED metrics stay until it is stopped) or a newer run of the task already has its own.
     */
    private void ended(TaskSlot slot) {
        TaskSlot current = tasks.get(slot.id());
        if (current == slot) {
            return; // it ended by itself (failed): its FAILED metrics stay until it is stopped
        }
        if (current == null || !current.built()) {
            context.connectMetrics().taskRemoved(slot.id().connector(), slot.id().task());
            context.pluginMetrics().drop(PluginMetricGroups.task(slot.id().connector(), slot.id().task()));
        }
    }

    /**
     * An automatic restart: starts the task again with the spec it had, unless it was stopped or
     * replaced meanwhile (then whoever did that decided what runs) or it is not FAILED here any more.
     */
    private void restartFailed(ConnectorTaskId id) {
        TaskSlot failed = tasks.get(id);
        TaskStatus current = context.status().current(id);
        if (closed || failed == null || current == null || current.state() != State.FAILED
                || !context.workerId().equals(current.workerId()) || !tasks.remove(id, failed)) {
            return;
        }
        stop(failed, false);
        log.info("Restarting failed task {} automatically", id);
        try {
            start(failed.spec(), failed.targetState());
        } catch (ConnectException alreadyStarted) {
            log.debug("Task {} was started meanwhile; leaving it", id, alreadyStarted);
        }
    }

    /** Pauses or resumes the connector's tasks here. */
    void transitionTo(String connector, TargetState state) {
        for (TaskSlot slot : tasks.values()) {
            if (slot.id().connector().equals(connector)) {
                slot.transitionTo(state);
            }
        }
    }

    /**
     * Stops tasks in the background, all at once, quietly (they report nothing more) when their connector is being
     * deleted; retiring is null, or the config of their connector when they no longer exist, so that sink tasks'
     * static members leave their group once stopped (a task running here says its own config).
     */
    CompletableFuture<Void> stop(Collection<ConnectorTaskId> ids, boolean quietly, Map<String, String> retiring) {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        List<Map<String, Object>> leaving = new ArrayList<>();
        for (ConnectorTaskId id : ids) {
            TaskSlot slot = tasks.remove(id);
            Map<String, String> connectorConfig = slot != null ? slot.spec().connectorConfig() : retiring;
            if (slot != null) {
                stopping.add(stop(slot, quietly));
            } else if (ending.previous(id) != null) {
                stopping.add(ending.previous(id)); // stopped a moment ago: its consumer may still be closing
            }
            if (retiring != null && connectorConfig != null
                    && "sink".equals(context.connectorType().apply(connectorConfig))) {
                leaving.add(context.clients().consumer(id, connectorConfig));
            }
        }
        CompletableFuture<Void> stopped = CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
        if (!leaving.isEmpty()) {
            stopped.thenRunAsync(() -> StaticMembers.leave(leaving, context.gracefulTimeoutMs()), context.threads());
        }
        return stopped;
    }

    private CompletableFuture<Void> stop(TaskSlot slot, boolean quietly) {
        log.info("Stopping task {}", slot.id());
        CompletableFuture<Void> stopped = ending.stopping(slot.id(), slot.stop(quietly), slot::cancel);
        stopped.thenRun(() -> ended(slot)); // a task that had failed ended long ago: its metrics go now
        return stopped;
    }

    /**
     * What a new task of connector waits for: every run of the connector's tasks still stopping here, not only its
     * own id's. A reconfiguration may give a source partition of one task to another: S3SourceRoundTripIT's task 1
     * started 400 ms before task 0, which had the partition, stopped, and the partition was read twice.
     */
    private CompletableFuture<Void> earlierRuns(String connector) {
        List<CompletableFuture<Void>> stopping = ending(connector);
        return stopping.isEmpty() ? null : CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
    }

    /** The stops of the connector's tasks still under way. */
    List<CompletableFuture<Void>> ending(String connector) {
        return ending.stopping(id -> id.connector().equals(connector));
    }

    /** The stops of every task still under way here. */
    List<CompletableFuture<Void>> ending() {
        return ending.stopping(id -> true);
    }

    Set<ConnectorTaskId> ids() {
        return new TreeSet<>(tasks.keySet());
    }

    Set<ConnectorTaskId> ids(String connector) {
        return tasks.keySet().stream().filter(id -> id.connector().equals(connector))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    int size() {
        return tasks.size();
    }

    /** No more automatic restarts; the tasks themselves are stopped by {@link #stop}. */
    @Override
    public void close() {
        closed = true;
        restarts.close();
    }
}
