package io.sluice.runtime.distributed;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.DistributedConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.herder.AbstractHerder;
import io.sluice.runtime.herder.ConnectorOffsets;
import io.sluice.runtime.herder.ConnectorStateInfo;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.herder.InternalRequestSignature;
import io.sluice.runtime.herder.RequestTargetException;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.worker.Worker;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The herder of one worker in a cluster. Kafka's group protocol decides which worker runs which connector
 * and task; only the group leader writes connector configs, target states and task configs; every worker
 * reads the config topic and runs what it is assigned ({@link AssignedWork}). Requests that change
 * something are refused with the leader's URL on the other workers, and the REST layer forwards them.
 */
public final class DistributedHerder extends AbstractHerder {
    private static final Logger log = LoggerFactory.getLogger(DistributedHerder.class);
    /** How long a change waits for this worker to join the cluster before it is refused with a 409. */
    private static final long JOIN_WAIT_MS = 60_000;

    private final URI restUrl;
    private final GroupMember member;
    private final AssignedWork work;
    private final Thread groupThread;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final AtomicReference<String> rejoinReason = new AtomicReference<>();
    private final SessionKeys keys;
    private final AtomicBoolean keyRotationQueued = new AtomicBoolean();
    private volatile boolean running;
    /** The group protocol of the last rebalance: Sluice's, or Apache's when Apache workers are members. */
    private volatile GroupProtocol protocol = GroupProtocol.SLUICE;
    /** When the leader rebalances to hand out the held-back work of departed workers; group thread only. */
    private long scheduledRejoinAtMs;

    /**
     * @param interWorkerSsl the TLS context of this worker's requests to the others (the ssl.* settings of its
     *                       HTTPS listener, as Apache's)
     */
    public DistributedHerder(String workerId, URI restUrl, WorkerConfig config, Map<String, Object> clientConfig,
                             javax.net.ssl.SSLContext interWorkerSsl, Worker worker, ConfigStore configStore,
                             StatusStore statusStore, ConfigProviders configProviders, Plugins plugins) {
        super(workerId, config, worker, configStore, statusStore, configProviders, plugins);
        this.restUrl = restUrl;
        this.keys = new SessionKeys(config);
        WorkerClient client = new WorkerClient(Duration.ofSeconds(30), interWorkerSsl);
        this.work = new AssignedWork(this, worker, configStore, statusStore, client, keys, this::requestRebalance);
        GroupMember.Settings settings = new GroupMember.Settings(config.groupId(),
                config.getInt(DistributedConfig.SESSION_TIMEOUT_MS), config.getInt(DistributedConfig.HEARTBEAT_INTERVAL_MS),
                config.getInt(DistributedConfig.REBALANCE_TIMEOUT_MS),
                config.getInt(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS),
                GroupProtocol.offered(config.getString(DistributedConfig.CONNECT_PROTOCOL)));
        this.member = new GroupMember(settings, clientConfig, "sluice-worker-" + workerId, this::memberMetadata,
                work::assignment, this::latestConfig, new Rebalances());
        this.groupThread = new Thread(this::runGroup, "sluice-group-member");
        groupThread.setDaemon(true);
    }

    @Override
    public void start() {
        holdStoredConnectorsPaused(configStore.snapshot());
        configStore.setListener(work);
        running = true;
        groupThread.start();
        log.info("Worker {} joining Connect cluster as {}", workerId, restUrl);
    }

    /** A connector's own steps for {@link AssignedWork}, which lives beside the herder but not inside it. */
    TargetState targetOf(ClusterConfigState snapshot, String name) {
        return effectiveTarget(snapshot, name);
    }

    void releaseHoldOf(String name) {
        releaseHold(name);
    }

    void submit(Runnable change) {
        control.submit(change);
    }

    /** The group protocol the cluster runs now. */
    GroupProtocol groupProtocol() {
        return protocol;
    }

    // --- requests ---

    /** Catches up with changes made through other workers, without making a read wait for a Kafka that is away. */
    @Override
    protected void beforeRead() {
        configStore.catchUp();
    }

    @Override
    public Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
                                      TargetState initialState) {
        leaderOnly("create or update connectors");
        return putValid(name, validated(name, config), allowReplace, initialState);
    }

    @Override
    protected Created putValid(String name, Map<String, String> valid, boolean allowReplace, TargetState initialState) {
        return onLeader("create or update connectors", () -> {
            ClusterConfigState snapshot = configStore.snapshot();
            boolean exists = snapshot.contains(name);
            if (exists && !allowReplace) {
                throw HerderException.alreadyExists(name);
            }
            // an update keeps the stored target state: writing it again would be a spurious change
            configStore.putConnectorConfig(name, valid, exists ? null : targetFor(snapshot, name, initialState));
            log.info("{} connector {}", exists ? "Updated" : "Created", name);
            return new Created(!exists, info(configStore.snapshot(), name));
        });
    }

    @Override
    public void deleteConnector(String name) {
        onLeader("delete connectors", () -> {
            existing(name);
            removeConnector(name);
            return null;
        });
    }

    @Override
    public void setTargetState(String name, TargetState state) {
        onLeader("change target states", () -> {
            ClusterConfigState snapshot = existing(name);
            if (state == TargetState.STOPPED && !snapshot.taskConfigs(name).isEmpty()) {
                // as Apache's leader: no tasks first, then the state. An Apache worker running the connector only
                // stops it and leaves the task configs to the leader; its tasks ran on, shown RUNNING (tryout23)
                work.writeTaskConfigs(name, List.of());
            }
            // written even when unchanged (as Apache does): a resume must reach workers holding it paused (start.paused)
            configStore.putTargetState(name, state);
            log.info("Connector {} target state -> {}", name, state);
            return null;
        });
        if (state == TargetState.STOPPED) {
            awaitStopApplied(name);
        }
    }

    @Override
    public ConnectorStateInfo restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
        return onLeader("restart connectors", () -> {
            existing(name);
            ConnectorStateInfo plan = restartPlan(name, includeTasks, onlyFailed);
            // every worker reads the request and restarts what it runs of the connector
            configStore.putRestartRequest(new ConfigStore.RestartRequest(name, includeTasks, onlyFailed));
            return plan;
        });
    }

    @Override
    public void restartTask(ConnectorTaskId id) {
        beforeRead();
        ClusterConfigState snapshot = existing(id.connector());
        if (id.task() < 0 || id.task() >= snapshot.taskConfigs(id.connector()).size()) {
            throw HerderException.taskNotFound(id.connector(), id.task());
        }
        Assignment assignment = work.assignment();
        // under Apache's protocols a member knows its own share only: a task it runs is not in the cluster's shares,
        // and asking the leader sent the leader's second hop back to it as a 409 (tryout23, a mixed cluster)
        boolean runsHere = assignment != null && assignment.tasks().contains(id);
        String owner = runsHere ? restUrl.toString() : assignment == null ? null : assignment.ownerUrl(id);
        if (owner == null && assignment != null && !work.isLeader() && assignment.leaderUrl() != null) {
            // under Apache's protocols only the leader knows who runs what; it sends the request on
            throw new RequestTargetException(URI.create(assignment.leaderUrl()), "The leader knows which worker runs task " + id);
        }
        if (owner == null) {
            throw new HerderException.Conflict("Task " + id + " is not assigned to any worker right now (a rebalance is "
                    + "in progress); try again shortly");
        }
        if (!URI.create(owner).equals(restUrl)) {
            throw new RequestTargetException(URI.create(owner), "Task " + id + " runs on worker " + owner);
        }
        control.call(() -> {
            work.restartTask(id);
            return null;
        });
    }

    @Override
    public String alterConnectorOffsets(String name, ConnectorOffsets offsets) {
        return onLeader("change offsets", () -> alterOffsets(name, stoppedConnectorConfig(name), offsets));
    }

    @Override
    public String resetConnectorOffsets(String name) {
        return onLeader("change offsets", () -> resetOffsets(name, stoppedConnectorConfig(name)));
    }

    @Override
    public void putTaskConfigs(String name, List<Map<String, String>> taskConfigs, InternalRequestSignature signature) {
        onLeader("write task configs", () -> {
            if (protocol.signsRequests()) {
                keys.verify(signature, configStore.sessionKey()); // Apache's 'compatible' protocol signs nothing
            }
            existing(name);
            ClusterConfigState snapshot = configStore.snapshot();
            if (snapshot.taskConfigsCurrent(name, taskConfigs)) {
                return null; // sent again after a retry: writing it again would restart the tasks for nothing
            }
            work.writeTaskConfigs(name, taskConfigs);
            return null;
        });
    }

    @Override
    public boolean ready() {
        return work.assignment() != null;
    }

    /** Any worker may write it, as in Apache; each one, this one too, applies it when it reads it back. */
    @Override
    public void setClusterLoggerLevel(String namespace, String level) {
        configStore.putLoggerLevel(namespace, level);
    }

    @Override
    public void close() {
        running = false;
        member.wakeup();
        try {
            groupThread.join(control.requestTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // stop the work before leaving the group, so no other worker starts it while it still runs here
        control.close(() -> awaitStopped(work.stopAll(), gracefulTimeoutMs + 5_000));
        member.close();
    }

    /** A {@link #storeChange}, on the leader only; other workers refuse it with the leader's URL. */
    private <T> T onLeader(String what, java.util.concurrent.Callable<T> change) {
        leaderOnly(what);
        return storeChange(() -> {
            leaderOnly(what);
            return change.call();
        });
    }

    private void leaderOnly(String what) {
        try {
            if (!joined.await(JOIN_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new HerderException.Conflict("This worker has not joined the cluster yet; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HerderException.Unavailable("Interrupted while waiting to join the cluster");
        }
        Assignment assignment = work.assignment();
        if (!work.isLeader()) {
            if (assignment == null || assignment.leaderUrl() == null) {
                throw new HerderException.Conflict("The cluster has no leader right now (a rebalance is in progress, "
                        + "or this worker cannot reach Kafka); try again shortly");
            }
            throw new RequestTargetException(URI.create(assignment.leaderUrl()), "Only the leader can " + what);
        }
    }

    // --- group membership ---

    private MemberMetadata memberMetadata() {
        return new MemberMetadata(restUrl.toString(), configStore.snapshot().offset(), worker.connectorNames(),
                worker.taskIds());
    }

    private ClusterConfigState latestConfig() {
        configStore.readToEnd();
        return configStore.snapshot();
    }

    /** Asks for a rebalance from any thread: the group thread rejoins at its next turn. */
    private void requestRebalance(String reason) {
        rejoinReason.set(reason);
        member.wakeup();
    }

    private void runGroup() {
        while (running) {
            try {
                String reason = rejoinReason.getAndSet(null);
                if (reason != null) {
                    member.requestRejoin(reason);
                }
                if (scheduledRejoinAtMs > 0 && System.currentTimeMillis() >= scheduledRejoinAtMs) {
                    scheduledRejoinAtMs = 0;
                    member.requestRejoin("the work of departed workers waited scheduled.rebalance.max.delay.ms");
                }
                member.poll(500);
                work.retryPending();
                rotateSessionKeyWhenDue();
            } catch (WakeupException e) {
                // a change asked for a rebalance, or the herder is closing: the loop looks at both
            } catch (RuntimeException e) {
                if (running) {
                    log.error("Group membership failed; retrying", e);
                    pause(1_000);
                }
            }
        }
    }

    /** The leader writes the first session key, and a new one each inter.worker.key.ttl.ms. */
    private void rotateSessionKeyWhenDue() {
        if (!work.isLeader() || !keys.due(configStore.sessionKey(), System.currentTimeMillis())
                || !keyRotationQueued.compareAndSet(false, true)) {
            return;
        }
        control.submit(() -> {
            try {
                long now = System.currentTimeMillis();
                if (work.isLeader() && keys.due(configStore.sessionKey(), now)) {
                    configStore.putSessionKey(keys.generate(now));
                    log.info("Wrote a new session key for signing requests between workers");
                }
            } finally {
                keyRotationQueued.set(false);
            }
        });
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // back off before retrying a failing broker, not to wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The outcomes of rebalances, from the group thread, applied on the control thread. */
    private final class Rebalances implements WorkerCoordinator.RebalanceListener {
        @Override
        public void onRebalanceStarted() {
            worker.metrics().rebalanceMetrics().rebalanceStarted();
            awaitStoppingTasks();
        }

        @Override
        public void onAssigned(Assignment assignment, String memberId, int generation, GroupProtocol selected) {
            if (selected != protocol) {
                log.info("The Connect group now runs the {} protocol{}", selected.protocolName(), selected.apache()
                        ? " (Apache Kafka Connect workers are members)" : " (every member is a Sluice worker)");
                protocol = selected;
            }
            java.util.concurrent.CompletableFuture<String> applied =
                    control.call(() -> work.apply(assignment, memberId, generation));
            // what this worker gave up must have stopped before it rejoins: the leader hands it out then
            String rejoin = awaitApplied(applied);
            worker.metrics().rebalanceMetrics().rebalanceCompleted(generation, assignment.leaderUrl(),
                    selected.protocolName());
            joined.countDown();
            if (rejoin != null) {
                requestRebalance(rejoin);
            }
            // Sluice's leader alone rebalances for held-back work; under Apache's protocols every member does
            boolean leader = assignment.leaderId().equals(memberId);
            scheduledRejoinAtMs = (leader || selected.apache()) && assignment.delayMs() > 0
                    ? System.currentTimeMillis() + assignment.delayMs() : 0;
        }

        @Override
        public void onAssignmentFailed(long configOffset) {
            log.warn("The leader could not assign work from the config topic (a member had read to offset {}); "
                    + "reading on and rejoining", configOffset);
            configStore.readToEnd();
        }

        @Override
        public void onMembershipLost() {
            // back from a pause the group outlived (tryout21: SIGSTOP for 15 s): another worker runs these tasks
            // now and wrote so; read that first, or this worker's stops overwrite it with UNASSIGNED for good
            statusStore.catchUp();
            awaitStopped(control.call(work::stopAll), gracefulTimeoutMs + 5_000);
        }

        /**
         * Apache's barrier (its tick thread stops reconfigured tasks before it rejoins): the changes queued on the
         * control thread are applied, and the task runs they stop here end, before this worker joins. A source
         * partition the leader now hands to a task on another worker is let go of here first, not read twice.
         */
        private void awaitStoppingTasks() {
            long boundMs = gracefulTimeoutMs + 5_000;
            try {
                awaitStopped(control.call(worker::tasksEnded, boundMs), boundMs);
            } catch (RuntimeException e) { // the control thread is busy past the bound, or closing: join anyway
                log.warn("Rejoining the group without knowing that this worker's stopping tasks ended: {}",
                        e.getMessage());
            }
        }

        private String awaitApplied(java.util.concurrent.CompletableFuture<String> applied) {
            try {
                return applied.get(gracefulTimeoutMs + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return "stopped revoked connectors and tasks";
            }
        }
    }
}
