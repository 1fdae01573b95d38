package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.herder.Reconciler;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.SessionKey;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.worker.Worker;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors and tasks assigned to this worker, kept running as the config topic changes: a new assignment,
 * and every config, target state, task config and restart record, is handed to the {@link Reconciler} both herders
 * share, for which this worker owns what the assignment names; a change of what it should own asks for a rebalance.
 * Task configs of its connectors go to the leader, which stores them. Every change runs on the herder's control
 * thread.
 */
final class AssignedWork implements ConfigStore.Listener, Reconciler.Host {
    private static final Logger log = LoggerFactory.getLogger(AssignedWork.class);

    private final DistributedHerder herder;
    private final Worker worker;
    private final ConfigStore configStore;
    private final WorkerClient workerClient;
    private final SessionKeys keys;
    private final Consumer<String> rebalance;
    private final Reconciler reconciler;
    private final StatusStore statusStore;
    /** Task configs of connectors running here that the leader has not stored yet, by connector. */
    private final Map<String, List<Map<String, String>>> pendingTaskConfigs = new ConcurrentHashMap<>();
    private volatile Assignment assignment;
    private volatile String memberId;

    AssignedWork(DistributedHerder herder, Worker worker, ConfigStore configStore, StatusStore statusStore,
                 WorkerClient workerClient, SessionKeys keys, Consumer<String> rebalance) {
        this.herder = herder;
        this.worker = worker;
        this.configStore = configStore;
        this.workerClient = workerClient;
        this.keys = keys;
        this.rebalance = rebalance;
        this.statusStore = statusStore;
        this.reconciler = new Reconciler(herder.workerId(), worker, configStore, statusStore, this);
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
        Reconciler.Revoked revoked = reconciler.reconcile(configStore.snapshot());
        log.info("Generation {} ({}): this worker runs connectors {} and tasks {}; stops {} and {}", generation,
                isLeader() ? "leader" : "leader " + next.leaderUrl(), next.connectors(), next.tasks(),
                revoked.connectors(), revoked.tasks());
        String rejoin = null;
        if (revoked.any()) {
            rejoin = "stopped revoked connectors and tasks";
        } else if (configStore.snapshot().offset() > next.configOffset()) {
            rejoin = "the config topic moved on after the leader assigned at offset " + next.configOffset();
        }
        String reason = rejoin;
        return revoked.stopped().thenApply(stopped -> {
            if (isLeader()) {
                forgetUnconfigured();
            }
            return reason;
        });
    }

    /**
     * As Apache's leader after each rebalance: deletes the statuses of connectors and tasks no longer configured.
     * Apache's workers list every task status stored, so a stopped connector's task (or a task past a lowered
     * tasks.max) showed RUNNING there for good (tryout23). Once this worker's stops are done, so its own UNASSIGNED
     * reports are written first; a report another worker sends later can still bring one back, as with Apache.
     */
    private void forgetUnconfigured() {
        ClusterConfigState snapshot = configStore.snapshot();
        Map<String, Integer> taskCounts = new java.util.HashMap<>();
        snapshot.connectorConfigs().keySet().forEach(connector -> taskCounts.put(connector,
                snapshot.taskConfigs(connector).size()));
        try {
            statusStore.removeUnconfigured(taskCounts);
        } catch (RuntimeException e) {
            log.warn("Could not delete the statuses of removed connectors and tasks: {}", e.getMessage());
        }
    }

    void restartTask(ConnectorTaskId id) {
        reconciler.restartTask(id);
    }

    /** On the leader: writes task configs another worker sent, fencing the removed tasks' producers first. */
    void writeTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
        try {
            reconciler.writeTaskConfigs(connector, taskConfigs).join(); // the sender hears whether they are stored
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Stops everything this worker runs: it is leaving, or no longer counted as a member. Completes when done. */
    CompletableFuture<Void> stopAll() {
        assignment = null;
        pendingTaskConfigs.clear();
        return reconciler.stopAll();
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
            if (assignment == null) {
                rebalance.accept("connector " + connector + " was created");
            } else {
                reconciler.connectorConfigChanged(connector);
            }
        });
    }

    @Override
    public void onConnectorConfigRemove(String connector) {
        herder.submit(() -> {
            // quietly: the leader removes the deleted connector's status, which no late stop may write again
            reconciler.connectorRemoved(connector, Map.of()); // deleted: its tasks here still know their config
            rebalance.accept("connector " + connector + " was deleted");
        });
    }

    @Override
    public void onTargetStateChange(String connector) {
        herder.submit(() -> reconciler.targetStateChanged(connector));
    }

    @Override
    public void onTaskConfigUpdate(String connector) {
        herder.submit(() -> reconciler.taskConfigsChanged(connector));
    }

    @Override
    public void onRestartRequest(ConfigStore.RestartRequest request) {
        herder.submit(() -> reconciler.restart(request));
    }

    @Override
    public void onLoggerLevelUpdate(String namespace, String level) {
        herder.loggers().set(namespace, org.apache.logging.log4j.Level.toLevel(level));
        log.info("Log level of {} set to {} for the whole cluster", namespace, level);
    }

    // --- what the reconciler asks of a worker of a cluster (on the control thread) ---

    @Override
    public Set<String> ownedConnectors(ClusterConfigState snapshot) {
        Assignment current = assignment;
        return current == null ? Set.of() : Set.copyOf(current.connectors());
    }

    @Override
    public Set<ConnectorTaskId> ownedTasks(ClusterConfigState snapshot) {
        Assignment current = assignment;
        return current == null ? Set.of() : Set.copyOf(current.tasks());
    }

    @Override
    public TargetState target(ClusterConfigState snapshot, String connector) {
        return herder.targetOf(snapshot, connector);
    }

    @Override
    public void releaseHold(String connector) {
        herder.releaseHoldOf(connector);
    }

    @Override
    public void ownershipChanged(String reason) {
        rebalance.accept(reason);
    }

    @Override
    public void submit(Runnable change) {
        herder.submit(change);
    }

    @Override
    public void connectorStopping(String connector) {
        pendingTaskConfigs.remove(connector);
    }

    /**
     * Makes the stored task configs of a connector running here what it wants: the leader stores them itself,
     * another worker sends them to the leader (in the background; a failed send is retried from the group thread).
     */
    @Override
    public void storeTaskConfigs(String connector, List<Map<String, String>> wanted) {
        ClusterConfigState snapshot = configStore.snapshot();
        if (!worker.connectorNames().contains(connector) || !snapshot.contains(connector)
                || snapshot.taskConfigsCurrent(connector, wanted)) {
            pendingTaskConfigs.remove(connector);
            return;
        }
        pendingTaskConfigs.remove(connector); // pending again only if this attempt fails: no second send meanwhile
        if (isLeader()) {
            // the control thread goes on meanwhile; this worker runs them when the config topic brings them back
            reconciler.writeTaskConfigs(connector, wanted).whenComplete((stored, error) -> {
                if (error != null) {
                    pendingTaskConfigs.putIfAbsent(connector, wanted);
                    log.warn("Could not store the task configs of connector {}; retrying: {}", connector,
                            error.getMessage());
                }
            });
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
}
