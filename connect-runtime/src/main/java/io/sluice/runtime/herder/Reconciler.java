package io.sluice.runtime.herder;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.LogContext;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.worker.ConnectorEvents;
import io.sluice.runtime.worker.TaskSpec;
import io.sluice.runtime.worker.Worker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this worker run what the stored configs say for the connectors and tasks it owns, by one set of rules for
 * both herders: a standalone worker owns everything stored, a worker of a cluster what its assignment names. A
 * stopped connector has no tasks and stops (or starts again) as a fresh run; a paused one runs its stored tasks
 * paused; stored task configs restart the tasks whose connector or task config they change; a restart of failed
 * ones restarts only those; fewer task configs fence the removed tasks' producers before they are written. Every method but
 * {@link #onTaskConfigs} runs on the herder's control thread and only asks the worker, which starts and stops in the
 * background.
 */
public final class Reconciler implements ConnectorEvents {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    /** What differs between the herders: what this worker owns, where task configs go, what a change of them means. */
    public interface Host {
        /** The connectors this worker runs. */
        Set<String> ownedConnectors(ClusterConfigState snapshot);

        /** The tasks this worker runs. */
        Set<ConnectorTaskId> ownedTasks(ClusterConfigState snapshot);

        /** The state a connector runs in here: its stored target state, unless the safe start holds it paused. */
        TargetState target(ClusterConfigState snapshot, String connector);

        /** Ends the safe start's hold of a connector, resumed. */
        void releaseHold(String connector);

        /** Makes the stored task configs of a connector running here these (through {@link #writeTaskConfigs}). */
        void storeTaskConfigs(String connector, List<Map<String, String>> taskConfigs);

        /** What this worker owns may have changed (a connector created or deleted, task configs changed). */
        void ownershipChanged(String reason);

        /** Runs a change on the control thread. */
        void submit(Runnable change);

        /** A connector stops here: task configs it made and that were not stored yet are void. */
        default void connectorStopping(String connector) {
        }
    }

    /** The connectors and tasks a reconcile stopped because this worker no longer owns them, and when they have. */
    public record Revoked(List<String> connectors, List<ConnectorTaskId> tasks, CompletableFuture<Void> stopped) {
        public boolean any() {
            return !connectors.isEmpty() || !tasks.isEmpty();
        }
    }

    private final String workerId;
    private final Worker worker;
    private final ConfigStore configStore;
    private final StatusStore statusStore;
    private final Host host;
    /** The target state each local connector was last started or moved into. */
    private final Map<String, TargetState> appliedTargets = new HashMap<>();
    /** The connectors seen in the config store: a config of one not seen before is a new connector. */
    private final Set<String> known = new HashSet<>();
    /** The connector and task config each local task was started with. */
    private final Map<ConnectorTaskId, TaskSpec> startedWith = new HashMap<>();
    /** The task config writes still under way, by connector (completed ones leave from Kafka's callback thread). */
    private final Map<String, TaskConfigWrite> taskConfigWrites = new ConcurrentHashMap<>();

    /** A connector's task configs on their way to the config topic. */
    private record TaskConfigWrite(List<Map<String, String>> taskConfigs, CompletableFuture<Void> stored) {
    }

    public Reconciler(String workerId, Worker worker, ConfigStore configStore, StatusStore statusStore, Host host) {
        this.workerId = workerId;
        this.worker = worker;
        this.configStore = configStore;
        this.statusStore = statusStore;
        this.host = host;
    }

    /** Stops what this worker runs but no longer owns and starts what it owns but does not run. */
    public Revoked reconcile(ClusterConfigState snapshot) {
        known.addAll(snapshot.connectorConfigs().keySet());
        Set<String> connectors = host.ownedConnectors(snapshot);
        Set<ConnectorTaskId> tasks = host.ownedTasks(snapshot);
        List<ConnectorTaskId> revokedTasks = worker.taskIds().stream().filter(t -> !tasks.contains(t)).toList();
        List<String> revokedConnectors = worker.connectorNames().stream().filter(c -> !connectors.contains(c)).toList();
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        stopping.add(stopTasks(revokedTasks));
        revokedConnectors.forEach(c -> stopping.add(stopConnector(c)));
        // the worker's names taken once, not per connector: a copy per connector made each reconcile quadratic, and
        // creating a thousand connectors (a reconcile each) took minutes
        Set<String> runningConnectors = worker.connectorNames();
        for (String connector : new TreeSet<>(connectors)) {
            if (!runningConnectors.contains(connector) && snapshot.contains(connector)) {
                startConnector(snapshot, connector);
            }
        }
        Set<ConnectorTaskId> running = worker.taskIds();
        for (ConnectorTaskId task : new TreeSet<>(tasks)) {
            if (!running.contains(task)) {
                startTask(snapshot, task);
            }
        }
        return new Revoked(revokedConnectors, revokedTasks,
                CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)));
    }

    /**
     * A connector's config was written: it restarts here with it. Its tasks, here and elsewhere, restart once, when
     * its new run's task configs are stored: a changed connector config writes them even when they are equal (see
     * {@link ClusterConfigState#taskConfigsCurrent}), so that record is the one trigger on every worker. Restarting
     * a task at this record as well started it twice, the second time a moment later for its new task config.
     */
    public void connectorConfigChanged(String connector) {
        boolean created = known.add(connector);
        if (worker.connectorNames().contains(connector)) {
            stopConnector(connector);
            startConnector(configStore.snapshot(), connector);
        } else if (created) {
            host.ownershipChanged("connector " + connector + " was created");
        }
    }

    /**
     * A connector is deleted: it and its tasks here stop quietly (the deleted connector's status, once removed, stays
     * removed), its sink tasks leave their group.
     *
     * @param connectorConfig its config, or an empty map when it is gone already (its tasks here still know it)
     */
    public void connectorRemoved(String connector, Map<String, String> connectorConfig) {
        known.remove(connector);
        host.releaseHold(connector);
        worker.taskIds(connector).forEach(startedWith::remove);
        appliedTargets.remove(connector);
        host.connectorStopping(connector);
        worker.removeConnector(connector, connectorConfig);
    }

    /** A connector's target state was written: it pauses, resumes, or stops or starts as a fresh run. */
    public void targetStateChanged(String connector) {
        ClusterConfigState snapshot = configStore.snapshot();
        if (snapshot.targetState(connector) == TargetState.STARTED) {
            host.releaseHold(connector); // a resume, written again, also ends the safe start's hold
        }
        TargetState target = host.target(snapshot, connector);
        if (!worker.connectorNames().contains(connector)) {
            worker.setTargetState(connector, target); // this worker's tasks of a connector running elsewhere
            return;
        }
        TargetState previous = appliedTargets.get(connector);
        if (previous == target) {
            return;
        }
        log.info("Connector {} target state {} -> {}", connector, previous, target);
        if (target == TargetState.STOPPED || previous == TargetState.STOPPED) {
            // a stopped connector is registered but not running: it stops (or starts) as a fresh run, so a
            // connector stuck in start() is given up after the graceful timeout rather than waited for
            stopTasks(worker.taskIds(connector));
            stopConnector(connector);
            startConnector(snapshot, connector);
        } else {
            // a resumed connector makes its task configs again; they come back through onTaskConfigs
            worker.setTargetState(connector, target);
            appliedTargets.put(connector, target);
        }
    }

    /**
     * A connector's task configs were written: this worker's tasks of it whose config changed stop, and start with
     * it at the reconcile this asks for (standalone: at once; a cluster: once every worker has rejoined, each having
     * stopped its changed tasks first, so a source partition that moved between tasks is never read by two).
     */
    public void taskConfigsChanged(String connector) {
        stopChangedTasks(connector, configStore.snapshot());
        host.ownershipChanged("task configs of connector " + connector + " changed");
    }

    /** Restarts what this worker runs of the connector: all of it, or (onlyFailed) what failed. */
    public void restart(ConfigStore.RestartRequest request) {
        String connector = request.connector();
        ClusterConfigState snapshot = configStore.snapshot();
        if (!snapshot.contains(connector)) {
            return;
        }
        ConnectorStatus status = statusStore.get(connector);
        if (worker.connectorNames().contains(connector) && (!request.onlyFailed() || failed(status))) {
            statusStore.put(new ConnectorStatus(connector, State.RESTARTING, null, workerId, 0,
                    status == null ? null : status.version()));
            stopConnector(connector);
            startConnector(snapshot, connector);
        }
        if (request.includeTasks()) {
            for (ConnectorTaskId task : worker.taskIds(connector)) {
                TaskStatus taskStatus = statusStore.get(task);
                if (!request.onlyFailed() || taskStatus == null || taskStatus.state() == State.FAILED) {
                    restartTask(task, taskStatus);
                }
            }
        }
    }

    public void restartTask(ConnectorTaskId id) {
        restartTask(id, statusStore.get(id));
    }

    /**
     * Writes a connector's task configs, first fencing the producers of the tasks it no longer has (exactly-once
     * source): a zombie of a removed task can then write neither records nor offsets. Does not wait for Kafka: the
     * control thread goes on with other changes (a create right after is not queued behind this round trip) and the
     * future completes once they are stored and read back. A connector's earlier write still under way is waited for
     * first, so the fencing counts the tasks it stored.
     */
    public CompletableFuture<Void> writeTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
        TaskConfigWrite earlier = taskConfigWrites.get(connector);
        if (earlier != null) {
            if (earlier.taskConfigs().equals(taskConfigs)) {
                return earlier.stored(); // the same configs again (a reconfiguration while they are written)
            }
            earlier.stored().exceptionally(failed -> null).join(); // bounded: a store write fails after its timeout
        }
        ClusterConfigState snapshot = configStore.snapshot();
        worker.fenceRemovedTasks(connector, snapshot.connectorConfigs().get(connector),
                snapshot.taskConfigs(connector).size(), taskConfigs.size());
        CompletableFuture<Void> written = configStore.putTaskConfigs(connector, taskConfigs);
        TaskConfigWrite write = new TaskConfigWrite(new ArrayList<>(taskConfigs), written);
        taskConfigWrites.put(connector, write);
        written.whenComplete((done, error) -> {
            taskConfigWrites.remove(connector, write);
            if (error == null) {
                try (LogContext context = LogContext.connector(connector)) { // on the store's callback thread
                    log.info("Stored {} task config(s) of connector {}", taskConfigs.size(), connector);
                }
            }
        });
        return written;
    }

    /** From a connector's thread: the task configs a run of a connector running here made. */
    @Override
    public void onTaskConfigs(String connector, long run, List<Map<String, String>> taskConfigs) {
        host.submit(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            if (worker.isCurrentRun(connector, run) && snapshot.contains(connector)
                    && host.target(snapshot, connector) == TargetState.STARTED) {
                host.storeTaskConfigs(connector, taskConfigs);
            }
            // else superseded: deleted, paused, stopped or restarted since it made them
        });
    }

    /** Stops everything this worker runs. Completes when done. */
    public CompletableFuture<Void> stopAll() {
        startedWith.clear();
        appliedTargets.clear();
        return worker.stopAll();
    }

    private void startConnector(ClusterConfigState snapshot, String connector) {
        TargetState target = host.target(snapshot, connector);
        worker.startConnector(connector, snapshot.connectorConfigs().get(connector), target, this);
        appliedTargets.put(connector, target);
        if (target == TargetState.STOPPED) {
            // a stopped connector has no tasks (Apache's semantics). A cluster's leader stored them empty with the
            // stop (nothing to do then); standalone, and a stop stored without them, get them here
            host.storeTaskConfigs(connector, List.of());
        }
    }

    private CompletableFuture<Void> stopConnector(String connector) {
        appliedTargets.remove(connector);
        host.connectorStopping(connector);
        return worker.stopConnector(connector);
    }

    /**
     * Stops those of this worker's tasks of the connector whose connector or task config changed or that it no
     * longer owns, and retires those that are gone; the others keep running undisturbed.
     */
    private void stopChangedTasks(String connector, ClusterConfigState snapshot) {
        Set<ConnectorTaskId> owned = host.ownedTasks(snapshot);
        for (ConnectorTaskId task : worker.taskIds(connector)) {
            Optional<TaskSpec> spec = TaskSpec.in(snapshot, task);
            if (spec.isEmpty()) {
                startedWith.remove(task);
                // the task no longer exists: its sink member leaves its group
                worker.retireTasks(snapshot.contains(connector) ? snapshot.connectorConfigs().get(connector) : Map.of(),
                        List.of(task));
            } else if (!owned.contains(task) || !spec.get().equals(startedWith.get(task))) {
                // a changed task starts again at the reconcile that follows (taskConfigsChanged asks for it): in a
                // cluster after the rebalance, as Apache's tasks "restarted after rebalance if still assigned", so
                // the task configs' other tasks on other workers have stopped before this one reads on
                stopTasks(List.of(task));
            }
        }
    }

    private void restartTask(ConnectorTaskId id, TaskStatus status) {
        statusStore.put(new TaskStatus(id, State.RESTARTING, null, workerId, 0, status == null ? null : status.version()));
        stopTasks(List.of(id));
        startTask(configStore.snapshot(), id);
    }

    /** Starts a task with its stored configs, in its connector's state; a stopped connector's tasks do not run. */
    private void startTask(ClusterConfigState snapshot, ConnectorTaskId task) {
        Optional<TaskSpec> spec = TaskSpec.in(snapshot, task);
        TargetState target = spec.isEmpty() ? null : host.target(snapshot, task.connector());
        if (target == null || target == TargetState.STOPPED) {
            return;
        }
        startedWith.put(task, spec.get());
        worker.startTask(spec.get(), target);
    }

    private CompletableFuture<Void> stopTasks(Collection<ConnectorTaskId> tasks) {
        tasks.forEach(startedWith::remove);
        return worker.stopTasks(tasks);
    }

    private static boolean failed(ConnectorStatus status) {
        return status == null || status.state() == State.FAILED;
    }
}
