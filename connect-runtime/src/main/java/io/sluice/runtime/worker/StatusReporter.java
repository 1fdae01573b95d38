package io.sluice.runtime.worker;

import io.sluice.runtime.config.SecretValues;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.State;
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
 * reports (Apache 4.x's status "version"); a store failure is logged, never thrown.
 */
final class StatusReporter {
    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);

    private final String workerId;
    private final StatusStore store;
    private final IntSupplier generation;
    private final boolean trackTopics;
    private volatile java.util.function.BiConsumer<ConnectorTaskId, String> onTaskFailure = (id, trace) -> { };
    private volatile ConnectMetrics metrics;
    private final Map<String, String> connectorVersions = new ConcurrentHashMap<>();
    private final Map<ConnectorTaskId, String> taskVersions = new ConcurrentHashMap<>();
    private final Map<String, SecretValues> secrets = new ConcurrentHashMap<>();

    StatusReporter(String workerId, StatusStore store, IntSupplier generation) {
        this(workerId, store, generation, true);
    }

    StatusReporter(String workerId, StatusStore store, IntSupplier generation, boolean trackTopics) {
        this.workerId = workerId;
        this.store = store;
        this.generation = generation;
        this.trackTopics = trackTopics;
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
        secrets.merge(connector, values, SecretValues::and);
    }

    void connectorFailed(String connector, Throwable error) {
        String trace = secretsOf(connector).trace(error);
        log.error("{}Connector {} failed\n{}", PluginScope.connectorContext(connector), connector, trace);
        connector(connector, State.FAILED, trace);
    }

    void task(ConnectorTaskId id, State state) {
        task(id, state, null);
    }

    void taskFailed(ConnectorTaskId id, Throwable error) {
        String trace = secretsOf(id.connector()).trace(error);
        log.error("{}Task {} failed; it will not recover until restarted\n{}",
                PluginScope.taskContext(id.connector(), id.task()), id, trace);
        task(id, State.FAILED, trace);
        onTaskFailure.accept(id, trace);
    }

    /** Rewrites a failed task's status with a note (e.g. when it restarts) before its trace. */
    void taskFailedNote(ConnectorTaskId id, String noteAndTrace) {
        task(id, State.FAILED, noteAndTrace);
    }

    /** Who hears of each task failure, after its FAILED status is written. */
    void onTaskFailure(java.util.function.BiConsumer<ConnectorTaskId, String> listener) {
        this.onTaskFailure = listener;
    }

    /**
     * A task stopped here: UNASSIGNED, unless a newer generation's worker already reported the task (Apache's
     * safe write), so a worker that lost the task late can't hide that it runs elsewhere.
     */
    void taskStopped(ConnectorTaskId id) {
        TaskStatus current = currentOrNull(() -> store.get(id));
        if (current == null || mayOverwrite(current.workerId(), current.generation())) {
            task(id, State.UNASSIGNED, null);
        } else if (metrics != null) {
            metrics.taskState(id.connector(), id.task(), State.UNASSIGNED); // it no longer runs here all the same
        }
        taskVersions.remove(id);
    }

    /** A connector stopped here: UNASSIGNED, with the same care as {@link #taskStopped}. */
    void connectorStopped(String connector) {
        ConnectorStatus current = currentOrNull(() -> store.get(connector));
        if (current == null || mayOverwrite(current.workerId(), current.generation())) {
            connector(connector, State.UNASSIGNED, null);
        } else if (metrics != null) {
            metrics.connectorState(connector, State.UNASSIGNED);
        }
        connectorVersions.remove(connector);
    }

    /** The task's status as the store has it now, or null. */
    TaskStatus current(ConnectorTaskId id) {
        return currentOrNull(() -> store.get(id));
    }

    private boolean mayOverwrite(String writer, int writerGeneration) {
        return workerId.equals(writer) || writerGeneration <= generation.getAsInt();
    }

    private static <T> T currentOrNull(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void connector(String connector, State state, String trace) {
        ConnectMetrics m = metrics;
        if (m != null) {
            m.connectorState(connector, state);
        }
        try {
            store.put(new ConnectorStatus(connector, state, secretsOf(connector).redact(trace), workerId, generation.getAsInt(),
                    connectorVersions.get(connector)));
        } catch (RuntimeException e) {
            log.warn("Could not write status {} of connector {}", state, connector, e);
        }
    }

    private void task(ConnectorTaskId id, State state, String trace) {
        ConnectMetrics m = metrics;
        if (m != null) {
            m.taskState(id.connector(), id.task(), state);
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
