package io.sluice.runtime.worker;

import io.sluice.runtime.config.SecretValues;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.storage.TopicStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this worker's connector and task state changes to the StatusStore, each with the version its instance
 * reports (Apache 4.x's status "version"); a store failure is logged, never thrown. Each run of a connector or
 * task reports through its own {@link #forRun() view}, which the worker silences when it gives up on that run
 * (deleted, replaced, or past its stop timeout): whatever the run does later, it can no longer overwrite the
 * status of the connector's next run, or resurrect a deleted one.
 */
final class StatusReporter {
    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);

    private final String workerId;
    private final StatusStore store;
    private final IntSupplier generation;
    private final boolean trackTopics;
    private final StatusReporter shared;
    private volatile java.util.function.BiConsumer<ConnectorTaskId, String> onTaskFailure = (id, trace) -> { };
    private volatile ConnectMetrics metrics;
    private volatile boolean silenced;
    /** The versions of the instances running here, shared by every run's view. */
    private final Map<String, String> connectorVersions;
    private final Map<ConnectorTaskId, String> taskVersions;
    /** The secrets of each connector's config, hidden in every trace and failure log of it; shared by every run's view. */
    private final Map<String, SecretValues> secrets;

    StatusReporter(String workerId, StatusStore store, IntSupplier generation) {
        this(workerId, store, generation, true);
    }

    StatusReporter(String workerId, StatusStore store, IntSupplier generation, boolean trackTopics) {
        this.workerId = workerId;
        this.store = store;
        this.generation = generation;
        this.trackTopics = trackTopics;
        this.shared = null;
        this.connectorVersions = new ConcurrentHashMap<>();
        this.taskVersions = new ConcurrentHashMap<>();
        this.secrets = new ConcurrentHashMap<>();
    }

    private StatusReporter(StatusReporter shared) {
        this.workerId = shared.workerId;
        this.store = shared.store;
        this.generation = shared.generation;
        this.trackTopics = shared.trackTopics;
        this.shared = shared;
        this.connectorVersions = shared.connectorVersions;
        this.taskVersions = shared.taskVersions;
        this.secrets = shared.secrets;
    }

    /** A view for one run of a connector or task, silenced on its own. */
    StatusReporter forRun() {
        return new StatusReporter(this);
    }

    /** From now on this run reports nothing: its status belongs to whoever runs the connector or task next. */
    void silence() {
        silenced = true;
    }

    /** The version of the connector instance starting here, written with its statuses from now on. */
    void connectorVersion(String connector, String version) {
        putOrRemove(connectorVersions, connector, version);
    }

    /** The version of the task instance starting here, written with its statuses from now on. */
    void taskVersion(ConnectorTaskId id, String version) {
        putOrRemove(taskVersions, id, version);
    }

    private static <K> void putOrRemove(Map<K, String> versions, K key, String version) {
        if (version == null) {
            versions.remove(key);
        } else {
            versions.put(key, version);
        }
    }

    /** The metrics told of every connector and task state change (status and task counts by state). */
    void metrics(ConnectMetrics metrics) {
        this.metrics = metrics;
    }

    private ConnectMetrics metrics() {
        return shared == null ? metrics : shared.metrics;
    }

    /**
     * Records that a task used a topic (KIP-558, topic.tracking.enable). Callers report each topic once
     * per task run; the write is asynchronous, so this is safe on a producer's I/O thread.
     */
    void topicUsed(ConnectorTaskId id, String topic) {
        if (!trackTopics) {
            return;
        }
        try {
            store.put(new TopicStatus(topic, id.connector(), id.task(), System.currentTimeMillis()));
        } catch (RuntimeException e) {
            log.warn("Could not record that task {} uses topic {}", id, topic, e);
        }
    }

    void connector(String connector, State state) {
        connector(connector, state, null);
    }

    /** The secrets of a connector's config, hidden in every trace and failure log of it from now on. */
    void connectorSecrets(String connector, SecretValues values) {
        secrets.merge(connector, values.hideInLogs(), SecretValues::and);
    }

    void connectorFailed(String connector, Throwable error) {
        if (silenced) {
            log.warn("{}Connector {} failed after it was stopped\n{}", PluginScope.connectorContext(connector), connector,
                    secretsOf(connector).redact(FailureTrace.of(error)));
            return;
        }
        String trace = secretsOf(connector).redact(FailureTrace.of(error));
        log.error("{}Connector {} failed\n{}", PluginScope.connectorContext(connector), connector, trace);
        connectMetricsFailure(connector, error);
        connector(connector, State.FAILED, trace);
    }

    /** A connector still in start() after start.timeout.ms: FAILED with where it is stuck, while it goes on. */
    void connectorStuck(String connector, Throwable stuck) {
        log.warn("{}{}", PluginScope.connectorContext(connector), secretsOf(connector).redact(stuck.getMessage()));
        connectMetricsFailure(connector, stuck);
        connector(connector, State.FAILED, secretsOf(connector).redact(FailureTrace.of(stuck)));
    }

    private void connectMetricsFailure(String connector, Throwable error) {
        ConnectMetrics m = metrics();
        if (m != null && !silenced) {
            m.connectorFailure(connector, secretsOf(connector).redact(FailureTrace.rootCause(error)));
        }
    }

    void task(ConnectorTaskId id, State state) {
        task(id, state, null);
    }

    void taskFailed(ConnectorTaskId id, Throwable error) {
        if (silenced) {
            log.warn("{}Task {} failed after it was stopped\n{}", PluginScope.taskContext(id.connector(), id.task()), id,
                    secretsOf(id.connector()).redact(FailureTrace.of(error)));
            return;
        }
        String trace = secretsOf(id.connector()).redact(FailureTrace.of(error));
        log.error("{}Task {} failed; it will not recover until restarted\n{}",
                PluginScope.taskContext(id.connector(), id.task()), id, trace);
        taskMetricsFailure(id, error);
        task(id, State.FAILED, trace);
        (shared == null ? onTaskFailure : shared.onTaskFailure).accept(id, trace);
    }

    /** A task still in start() after start.timeout.ms: FAILED with where it is stuck, while it goes on. */
    void taskStuck(ConnectorTaskId id, Throwable stuck) {
        log.warn("{}{}", PluginScope.taskContext(id.connector(), id.task()), stuck.getMessage());
        taskMetricsFailure(id, stuck);
        task(id, State.FAILED, secretsOf(id.connector()).redact(FailureTrace.of(stuck)));
    }

    private void taskMetricsFailure(ConnectorTaskId id, Throwable error) {
        ConnectMetrics m = metrics();
        if (m != null && !silenced) {
            m.taskFailure(id.connector(), id.task(), secretsOf(id.connector()).redact(FailureTrace.rootCause(error)));
        }
    }

    /** Rewrites a failed task's status with a note (e.g. when it restarts) before its trace. */
    void taskFailedNote(ConnectorTaskId id, String noteAndTrace) {
        task(id, State.FAILED, noteAndTrace);
    }

    /** Who hears of each task failure, after its FAILED status is written. */
    void onTaskFailure(java.util.function.BiConsumer<ConnectorTaskId, String> listener) {
        this.onTaskFailure = listener;
    }

    /** A task stopped here: UNASSIGNED, a safe write (see {@link #mayOverwrite}). */
    void taskStopped(ConnectorTaskId id) {
        task(id, State.UNASSIGNED, null);
        taskVersions.remove(id);
    }

    /** A connector stopped here: UNASSIGNED. */
    void connectorStopped(String connector) {
        connector(connector, State.UNASSIGNED, null);
        connectorVersions.remove(connector);
    }

    /** The task's status as the store has it now, or null. */
    TaskStatus current(ConnectorTaskId id) {
        return currentOrNull(() -> store.get(id));
    }

    /**
     * Apache's safe write, for UNASSIGNED and FAILED as in Apache (RUNNING, PAUSED and the others are written as they
     * are: a generation counted anew, e.g. after a takeover, must not silence a worker that runs the task): not over
     * a status a newer generation's worker wrote, so a worker that lost a connector or task late (back from a pause:
     * tryout21, SIGSTOP for 15 s) can't hide, with the UNASSIGNED or FAILED of its stale copy, that it runs
     * elsewhere; its own metrics still say what happened here.
     */
    private boolean mayOverwrite(State state, Object current, String writer, int writerGeneration) {
        return (state != State.UNASSIGNED && state != State.FAILED) || current == null || workerId.equals(writer)
                || writerGeneration <= generation.getAsInt();
    }

    private static <T> T currentOrNull(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void connector(String connector, State state, String trace) {
        if (silenced) {
            return;
        }
        ConnectMetrics m = metrics();
        if (m != null) {
            m.connectorState(connector, state);
        }
        ConnectorStatus current = currentOrNull(() -> store.get(connector));
        if (!mayOverwrite(state, current, current == null ? null : current.workerId(),
                current == null ? 0 : current.generation())) {
            log.debug("Connector {} is {} here; not written over the status of worker {} of a newer generation",
                    connector, state, current.workerId());
            return;
        }
        try {
            store.put(new ConnectorStatus(connector, state, secretsOf(connector).redact(trace), workerId, generation.getAsInt(),
                    connectorVersions.get(connector)));
        } catch (RuntimeException e) {
            log.warn("Could not write status {} of connector {}", state, connector, e);
        }
    }

    private void task(ConnectorTaskId id, State state, String trace) {
        if (silenced) {
            return;
        }
        ConnectMetrics m = metrics();
        if (m != null) {
            m.taskState(id.connector(), id.task(), state);
        }
        TaskStatus current = currentOrNull(() -> store.get(id));
        if (!mayOverwrite(state, current, current == null ? null : current.workerId(),
                current == null ? 0 : current.generation())) {
            log.debug("Task {} is {} here; not written over the status of worker {} of a newer generation", id, state,
                    current.workerId());
            return;
        }
        try {
            store.put(new TaskStatus(id, state, secretsOf(id.connector()).redact(trace), workerId, generation.getAsInt(), taskVersions.get(id)));
        } catch (RuntimeException e) {
            log.warn("Could not write status {} of task {}", state, id, e);
        }
    }

    /** A trace leaves the worker in statuses (REST, console, JMX, the status topic) and logs: never a secret. */
    private SecretValues secretsOf(String connector) {
        return secrets.getOrDefault(connector, SecretValues.NONE);
    }
}
