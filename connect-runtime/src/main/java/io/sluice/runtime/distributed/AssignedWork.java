package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.SessionKey;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.worker.ConnectorEvents;
import io.sluice.runtime.worker.TaskSpec;
import io.sluice.runtime.worker.Worker;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors and tasks assigned to this worker, kept running as the config topic changes: starts and
 * stops them on new assignments, restarts them on config, target state and restart records, and sends the
 * task configs of its connectors to the leader. Every change runs on the herder's control thread and only asks
 * the worker, which starts and stops in the background; a started connector's task configs come back through
 * {@link #onTaskConfigs}.
 */
final class AssignedWork implements ConfigStore.Listener, ConnectorEvents {
    private static final Logger log = LoggerFactory.getLogger(AssignedWork.class);

    private final DistributedHerder herder;
    private final Worker worker;
    private final ConfigStore configStore;
    private final StatusStore statusStore;
    private final WorkerClient workerClient;
    private final SessionKeys keys;
    private final Consumer<String> rebalance;
    /** Task configs of connectors running here that the leader has not stored yet, by connector. */
    private final Map<String, List<Map<String, String>>> pendingTaskConfigs = new ConcurrentHashMap<>();
    /** The target state each local connector was last started or moved into; control thread only. */
    private final Map<String, TargetState> appliedTargets = new HashMap<>();
    /**
     * The connectors this worker has seen in the config topic; control thread only. A config for one not
     * seen before is a new connector, which needs a rebalance to get an owner (Apache's rule).
     */
    private final Set<String> known = new java.util.HashSet<>();
    /** The spec each local task was started with; control thread only. */
    private final Map<ConnectorTaskId, TaskSpec> startedWith = new HashMap<>();
    private volatile Assignment assignment;
    private volatile String memberId;

    AssignedWork(DistributedHerder herder, Worker worker, ConfigStore configStore, StatusStore statusStore,
                 WorkerClient workerClient, SessionKeys keys, Consumer<String> rebalance) {
        this.herder = herder;
        this.worker = worker;
        this.configStore = configStore;
        this.statusStore = statusStore;
        this.workerClient = workerClient;
        this.keys = keys;
        this.rebalance = rebalance;
    }

    /** The latest assignment, or null before this worker first joined. */
    Assignment assignment() {
        return assignment;
    }

    boolean isLeader() {
        Assignment current = assignment;
        return current != null && current.leaderId().equals(memberId);
    }

    /**
     * Runs exactly what the assignment names. Completes, once what it stopped has stopped, with why another
     * rebalance is due, or null: when this worker stopped something (the leader can hand it out once it knows),
     * or when the config changed after the leader assigned (a request to rejoin made during the rebalance is
     * lost with it).
     */
    CompletableFuture<String> apply(Assignment next, String member, int generation) {
        this.memberId = member;
        this.assignment = next;
        worker.setGeneration(generation);
        if (configStore.snapshot().offset() < next.configOffset()) {
            configStore.readToEnd();
        }
        ClusterConfigState snapshot = configStore.snapshot();
        known.addAll(snapshot.connectorConfigs().keySet());
        List<ConnectorTaskId> revokedTasks = worker.taskIds().stream().filter(t -> !next.tasks().contains(t)).toList();
        List<String> revokedConnectors = worker.connectorNames().stream()
                .filter(c -> !next.connectors().contains(c)).toList();
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        stopping.add(stopTasks(revokedTasks));
        revokedConnectors.forEach(c -> stopping.add(stopConnector(c)));
        for (String connector : new TreeSet<>(next.connectors())) {
            if (!worker.connectorNames().contains(connector) && snapshot.contains(connector)) {
                startConnector(snapshot, connector);
            }
        }
        Set<ConnectorTaskId> running = worker.taskIds();
        for (ConnectorTaskId task : new TreeSet<>(next.tasks())) {
            if (!running.contains(task)) {
                startTask(snapshot, task);
            }
        }
        log.info("Generation {} ({}): this worker runs connectors {} and tasks {}; stops {} and {}", generation,
                isLeader() ? "leader" : "leader " + next.leaderUrl(), next.connectors(), next.tasks(),
                revokedConnectors, revokedTasks);
        String rejoin = null;
        if (!revokedTasks.isEmpty() || !revokedConnectors.isEmpty()) {
            rejoin = "stopped revoked connectors and tasks";
        } else if (configStore.snapshot().offset() > next.configOffset()) {
            rejoin = "the config topic moved on after the leader assigned at offset " + next.configOffset();
        }
        String reason = rejoin;
        return CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).thenApply(stopped -> reason);
    }

    void restartTask(ConnectorTaskId id) {
        statusStore.put(new TaskStatus(id, State.RESTARTING, null, herder.workerId(), 0));
        stopTasks(List.of(id));
        startTask(configStore.snapshot(), id);
    }

    /** Stops everything this worker runs: it is leaving, or no longer counted as a member. Completes when done. */
    CompletableFuture<Void> stopAll() {
        assignment = null;
        pendingTaskConfigs.clear();
        startedWith.clear();
        appliedTargets.clear();
        return worker.stopAll();
    }

    /** From the group thread: tries again to send the task configs the leader did not take. */
    void retryPending() {
        if (!pendingTaskConfigs.isEmpty()) {
            herder.submit(() -> new ArrayList<>(pendingTaskConfigs.entrySet())
                    .forEach(pending -> storeTaskConfigs(pending.getKey(), pending.getValue())));
        }
    }

    // --- config topic changes (on the config reader thread; handled on the control thread) ---

    @Override
    public void onConnectorConfigUpdate(String connector) {
        herder.submit(() -> {
            Assignment current = assignment;
            boolean created = known.add(connector);
            if (worker.connectorNames().contains(connector)) {
                // a new config reaches the connector and this worker's tasks by restarting them
                stopConnector(connector);
                ClusterConfigState snapshot = configStore.snapshot();
                startConnector(snapshot, connector);
                restartLocalTasks(connector, snapshot);
            } else if (current == null || created) {
                rebalance.accept("connector " + connector + " was created");
            } else {
                restartLocalTasks(connector, configStore.snapshot());
            }
        });
    }

    @Override
    public void onConnectorConfigRemove(String connector) {
        herder.submit(() -> {
            known.remove(connector);
            herder.releaseHoldOf(connector);
            // quietly: the leader removes the deleted connector's status, which no late stop may write again
            worker.taskIds(connector).forEach(startedWith::remove);
            appliedTargets.remove(connector);
            pendingTaskConfigs.remove(connector);
            worker.removeConnector(connector, Map.of()); // deleted: its tasks here still know their config
            rebalance.accept("connector " + connector + " was deleted");
        });
    }

    @Override
    public void onTargetStateChange(String connector) {
        herder.submit(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            if (snapshot.targetState(connector) == TargetState.STARTED) {
                herder.releaseHoldOf(connector); // a resume, written again, also ends the safe start's hold
            }
            TargetState target = herder.targetOf(snapshot, connector);
            if (!worker.connectorNames().contains(connector)) {
                worker.setTargetState(connector, target); // this worker's tasks of a connector running elsewhere
                return;
            }
            TargetState previous = appliedTargets.get(connector);
            if (previous == target) {
                return;
            }
            if (target == TargetState.STOPPED || previous == TargetState.STOPPED) {
                // a stopped connector is registered but not running: it starts (or stops) as a fresh run
                stopTasks(worker.taskIds(connector));
                stopConnector(connector);
                startConnector(snapshot, connector);
            } else {
                // a resumed connector makes its task configs again; they come back through onTaskConfigs
                worker.setTargetState(connector, target);
                appliedTargets.put(connector, target);
            }
        });
    }

    @Override
    public void onTaskConfigUpdate(String connector) {
        herder.submit(() -> {
            restartLocalTasks(connector, configStore.snapshot());
            rebalance.accept("task configs of connector " + connector + " changed");
        });
    }

    @Override
    public void onRestartRequest(ConfigStore.RestartRequest request) {
        herder.submit(() -> restart(request));
    }

    /** From a connector's thread: the task configs a run of a connector running here made. */
    @Override
    public void onTaskConfigs(String connector, long run, List<Map<String, String>> taskConfigs) {
        herder.submit(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            if (worker.isCurrentRun(connector, run) && snapshot.contains(connector)
                    && herder.targetOf(snapshot, connector) == TargetState.STARTED) {
                storeTaskConfigs(connector, taskConfigs);
            }
        });
    }

    @Override
    public void onLoggerLevelUpdate(String namespace, String level) {
        herder.loggers().set(namespace, org.apache.logging.log4j.Level.toLevel(level));
        log.info("Log level of {} set to {} for the whole cluster", namespace, level);
    }

    // --- on the control thread ---

    private void startConnector(ClusterConfigState snapshot, String connector) {
        TargetState target = herder.targetOf(snapshot, connector);
        worker.startConnector(connector, snapshot.connectorConfigs().get(connector), target, this);
        appliedTargets.put(connector, target);
        if (target == TargetState.STOPPED) {
            storeTaskConfigs(connector, List.of()); // a stopped connector has no tasks (Apache's semantics)
        }
    }

    private CompletableFuture<Void> stopConnector(String connector) {
        appliedTargets.remove(connector);
        pendingTaskConfigs.remove(connector);
        return worker.stopConnector(connector);
    }

    /**
     * Restarts those of this worker's tasks of the connector whose connector or task config changed, and
     * stops those that are gone; the others keep running undisturbed.
     */
    private void restartLocalTasks(String connector, ClusterConfigState snapshot) {
        Assignment current = assignment;
        for (ConnectorTaskId task : worker.taskIds(connector)) {
            boolean assigned = current != null && current.tasks().contains(task);
            Optional<TaskSpec> spec = TaskSpec.in(snapshot, task);
            if (spec.isEmpty()) {
                startedWith.remove(task);
                // the task no longer exists: its sink member leaves its group
                worker.retireTasks(snapshot.contains(connector) ? snapshot.connectorConfigs().get(connector) : Map.of(),
                        List.of(task));
            } else if (!assigned) {
                stopTasks(List.of(task));
            } else if (!spec.get().equals(startedWith.get(task))) {
                stopTasks(List.of(task));
                startTask(snapshot, task);
            }
        }
    }

    private void startTask(ClusterConfigState snapshot, ConnectorTaskId task) {
        TaskSpec.in(snapshot, task).ifPresent(spec -> {
            startedWith.put(task, spec);
            herder.startTaskOf(snapshot, task);
        });
    }

    private CompletableFuture<Void> stopTasks(java.util.Collection<ConnectorTaskId> tasks) {
        tasks.forEach(startedWith::remove);
        return worker.stopTasks(tasks);
    }

    /**
     * Makes the stored task configs of a connector running here what it wants: the leader stores them itself,
     * another worker sends them to the leader (in the background; a failed send is retried from the group thread).
     */
    private void storeTaskConfigs(String connector, List<Map<String, String>> wanted) {
        ClusterConfigState snapshot = configStore.snapshot();
        if (!worker.connectorNames().contains(connector) || !snapshot.contains(connector)
                || wanted.equals(snapshot.taskConfigs(connector))) {
            pendingTaskConfigs.remove(connector);
            return;
        }
        pendingTaskConfigs.remove(connector); // pending again only if this attempt fails: no second send meanwhile
        if (isLeader()) {
            try {
                worker.fenceRemovedTasks(connector, snapshot.connectorConfigs().get(connector),
                        snapshot.taskConfigs(connector).size(), wanted.size());
                configStore.putTaskConfigs(connector, wanted);
                log.info("Stored {} task config(s) of connector {}", wanted.size(), connector);
            } catch (RuntimeException e) {
                pendingTaskConfigs.put(connector, wanted);
                log.warn("Could not store the task configs of connector {}; retrying: {}", connector, e.getMessage());
            }
            return;
        }
        sendToLeader(connector, wanted).whenComplete((sent, error) -> {
            if (error != null) {
                pendingTaskConfigs.putIfAbsent(connector, wanted);
                log.warn("Could not send the task configs of connector {} to the leader; retrying: {}", connector,
                        error.getMessage());
            } else {
                log.info("Sent {} task config(s) of connector {} to the leader", wanted.size(), connector);
            }
        });
    }

    /**
     * Apache's internal request, signed with the cluster's session key so the leader can tell it is a worker's
     * (unsigned under Apache's 'compatible' protocol, whose leaders neither write keys nor check signatures).
     */
    private CompletableFuture<Void> sendToLeader(String connector, List<Map<String, String>> taskConfigs) {
        SessionKey key = configStore.sessionKey();
        boolean signed = herder.groupProtocol().signsRequests();
        Assignment current = assignment;
        if ((key == null && signed) || current == null || current.leaderUrl() == null) {
            return CompletableFuture.failedFuture(new ConnectException(current == null || current.leaderUrl() == null
                    ? "the cluster has no leader right now" : "the leader has not written a session key yet"));
        }
        byte[] body = WorkerClient.json(taskConfigs);
        return workerClient.post(URI.create(current.leaderUrl()), "/connectors/" + connector + "/tasks", body,
                key == null ? Map.of() : keys.signatureHeaders(key, body));
    }

    private void restart(ConfigStore.RestartRequest request) {
        String connector = request.connector();
        ClusterConfigState snapshot = configStore.snapshot();
        if (!snapshot.contains(connector)) {
            return;
        }
        if (worker.connectorNames().contains(connector)
                && (!request.onlyFailed() || failed(statusStore.get(connector)))) {
            statusStore.put(new ConnectorStatus(connector, State.RESTARTING, null, herder.workerId(), 0));
            stopConnector(connector);
            startConnector(snapshot, connector);
        }
        if (request.includeTasks()) {
            for (ConnectorTaskId task : worker.taskIds(connector)) {
                TaskStatus status = statusStore.get(task);
                if (!request.onlyFailed() || status == null || status.state() == State.FAILED) {
                    restartTask(task);
                }
            }
        }
    }

    private static boolean failed(ConnectorStatus status) {
        return status == null || status.state() == State.FAILED;
    }
}
