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
import io.sluice.runtime.worker.Worker;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors and tasks assigned to this worker, kept running as the config topic changes: starts and
 * stops them on new assignments, restarts them on config, target state and restart records, and sends the
 * task configs of its connectors to the leader. Every change runs on the herder's control thread.
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
    /** Connectors whose task configs could not be sent to the leader yet. */
    private final Set<String> pendingTaskConfigs = ConcurrentHashMap.newKeySet();
    /** The target state each local connector was last started or moved into; control thread only. */
    private final Map<String, TargetState> appliedTargets = new HashMap<>();
    /**
     * The connectors this worker has seen in the config topic; control thread only. A config for one not
     * seen before is a new connector, which needs a rebalance to get an owner (Apache's rule).
     */
    private final Set<String> known = new java.util.HashSet<>();
    /** The connector and task config each local task was started with; control thread only. */
    private final Map<ConnectorTaskId, List<Map<String, String>>> startedWith = new HashMap<>();
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
     * Runs exactly what the assignment names. Returns why another rebalance is due, or null: when this
     * worker stopped something (the leader can hand it out once it knows), or when the config changed
     * after the leader assigned (a request to rejoin made during the rebalance is lost with it).
     */
    String apply(Assignment next, String member, int generation) {
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
        stopTasks(revokedTasks);
        revokedConnectors.forEach(this::stopConnector);
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
        log.info("Generation {} ({}): this worker runs connectors {} and tasks {}; stopped {} and {}", generation,
                isLeader() ? "leader" : "leader " + next.leaderUrl(), next.connectors(), next.tasks(),
                revokedConnectors, revokedTasks);
        if (!revokedTasks.isEmpty() || !revokedConnectors.isEmpty()) {
            return "stopped revoked connectors and tasks";
        }
        if (configStore.snapshot().offset() > next.configOffset()) {
            return "the config topic moved on after the leader assigned at offset " + next.configOffset();
        }
        return null;
    }

    void restartTask(ConnectorTaskId id) {
        statusStore.put(new TaskStatus(id, State.RESTARTING, null, herder.workerId(), 0));
        stopTasks(List.of(id));
        startTask(configStore.snapshot(), id);
    }

    /** Stops everything this worker runs: it is leaving, or no longer counted as a member. */
    void stopAll() {
        stopTasks(worker.taskIds());
        new ArrayList<>(worker.connectorNames()).forEach(this::stopConnector);
        assignment = null;
    }

    /** From the group thread: tries again to send the task configs the leader did not take. */
    void retryPending() {
        if (!pendingTaskConfigs.isEmpty()) {
            herder.submit(() -> new ArrayList<>(pendingTaskConfigs).forEach(this::syncTaskConfigs));
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
            stopTasks(worker.taskIds(connector));
            stopConnector(connector);
            rebalance.accept("connector " + connector + " was deleted");
        });
    }

    @Override
    public void onTargetStateChange(String connector) {
        herder.submit(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            TargetState target = snapshot.targetState(connector);
            if (!worker.connectorNames().contains(connector)) {
                worker.setTargetState(connector, target); // this worker's tasks of a connector running elsewhere
                return;
            }
            TargetState previous = appliedTargets.get(connector);
            if (previous == target) {
                return;
            }
            if (target == TargetState.STOPPED || previous == TargetState.STOPPED) {
                // a stopped connector is registered but not running: it starts (or stops) afresh
                stopTasks(worker.taskIds(connector));
                stopConnector(connector);
                startConnector(snapshot, connector);
            } else {
                worker.setTargetState(connector, target);
                appliedTargets.put(connector, target);
                if (target == TargetState.STARTED) {
                    syncTaskConfigs(connector); // one created paused has not made task configs yet
                }
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

    @Override
    public void onLoggerLevelUpdate(String namespace, String level) {
        herder.loggers().set(namespace, org.apache.logging.log4j.Level.toLevel(level));
        log.info("Log level of {} set to {} for the whole cluster", namespace, level);
    }

    @Override
    public void onTaskReconfigurationRequest(String connector) {
        herder.submit(() -> syncTaskConfigs(connector));
    }

    // --- on the control thread ---

    private void startConnector(ClusterConfigState snapshot, String connector) {
        TargetState target = snapshot.targetState(connector);
        worker.startConnector(connector, snapshot.connectorConfigs().get(connector), target, this);
        appliedTargets.put(connector, target);
        syncTaskConfigs(connector);
    }

    private void stopConnector(String connector) {
        worker.stopConnector(connector);
        appliedTargets.remove(connector);
    }

    /**
     * Restarts those of this worker's tasks of the connector whose connector or task config changed, and
     * stops those that are gone; the others keep running undisturbed.
     */
    private void restartLocalTasks(String connector, ClusterConfigState snapshot) {
        Assignment current = assignment;
        for (ConnectorTaskId task : worker.taskIds(connector)) {
            boolean assigned = current != null && current.tasks().contains(task);
            List<Map<String, String>> configs = configsOf(snapshot, task);
            if (!assigned || configs == null) {
                stopTasks(List.of(task));
            } else if (!configs.equals(startedWith.get(task))) {
                stopTasks(List.of(task));
                startTask(snapshot, task);
            }
        }
    }

    private void startTask(ClusterConfigState snapshot, ConnectorTaskId task) {
        List<Map<String, String>> configs = configsOf(snapshot, task);
        if (configs != null) {
            startedWith.put(task, configs);
            herder.startTaskOf(snapshot, task);
        }
    }

    private void stopTasks(java.util.Collection<ConnectorTaskId> tasks) {
        worker.stopTasks(tasks);
        tasks.forEach(startedWith::remove);
    }

    /** The connector config and the task's config in the snapshot, or null when the task does not exist. */
    private static List<Map<String, String>> configsOf(ClusterConfigState snapshot, ConnectorTaskId task) {
        List<Map<String, String>> taskConfigs = snapshot.taskConfigs(task.connector());
        if (!snapshot.contains(task.connector()) || task.task() >= taskConfigs.size()) {
            return null;
        }
        return List.of(snapshot.connectorConfigs().get(task.connector()), taskConfigs.get(task.task()));
    }

    /**
     * Makes the stored task configs of a connector running here match what it wants: none when STOPPED,
     * fresh ones from the connector when STARTED; the leader stores them.
     */
    private void syncTaskConfigs(String connector) {
        ClusterConfigState snapshot = configStore.snapshot();
        if (!worker.connectorNames().contains(connector) || !snapshot.contains(connector)) {
            pendingTaskConfigs.remove(connector);
            return;
        }
        TargetState target = snapshot.targetState(connector);
        List<Map<String, String>> wanted;
        if (target == TargetState.STOPPED) {
            wanted = List.of(); // a stopped connector has no tasks (Apache's semantics)
        } else if (target == TargetState.STARTED) {
            wanted = herder.taskConfigsOf(connector, snapshot.connectorConfigs().get(connector));
            if (wanted == null) {
                pendingTaskConfigs.remove(connector);
                return;
            }
        } else {
            pendingTaskConfigs.remove(connector);
            return; // a paused connector can't make task configs; its stored tasks run paused
        }
        if (wanted.equals(snapshot.taskConfigs(connector))) {
            pendingTaskConfigs.remove(connector);
            return;
        }
        try {
            if (isLeader()) {
                worker.fenceRemovedTasks(connector, snapshot.connectorConfigs().get(connector),
                        snapshot.taskConfigs(connector).size(), wanted.size());
                configStore.putTaskConfigs(connector, wanted);
            } else {
                sendToLeader(connector, wanted);
            }
            pendingTaskConfigs.remove(connector);
            log.info("Sent {} task config(s) of connector {} to the leader", wanted.size(), connector);
        } catch (RuntimeException e) {
            log.warn("Could not send the task configs of connector {} to the leader; retrying: {}", connector,
                    e.getMessage());
            pendingTaskConfigs.add(connector);
        }
    }

    /**
     * Apache's internal request, signed with the cluster's session key so the leader can tell it is a worker's
     * (unsigned under Apache's 'compatible' protocol, whose leaders neither write keys nor check signatures).
     */
    private void sendToLeader(String connector, List<Map<String, String>> taskConfigs) {
        SessionKey key = configStore.sessionKey();
        boolean signed = herder.groupProtocol().signsRequests();
        if (key == null && signed) {
            throw new ConnectException("the leader has not written a session key yet");
        }
        byte[] body = WorkerClient.json(taskConfigs);
        workerClient.post(URI.create(assignment.leaderUrl()), "/connectors/" + connector + "/tasks", body,
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
