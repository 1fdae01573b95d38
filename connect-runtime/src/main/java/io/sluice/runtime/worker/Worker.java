package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TargetState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs connectors and tasks on this worker: instantiates them through their plugin loader,
 * resolves config placeholders at start, drives source and sink task loops, and reports every
 * state change to the status store.
 *
 * <p>SKELETON: the worker room replaces this.
 */
public final class Worker implements AutoCloseable {

    public Worker(String workerId, WorkerConfig config, String bootstrapServers, Plugins plugins,
                  ConfigProviders configProviders, OffsetStore offsets, StatusStore statuses) {
    }

    public void start() {
    }

    /**
     * Starts (or, when the target is STOPPED, only registers) a connector. Failures become a
     * FAILED status with the trace; this method does not throw for plugin failures.
     */
    public void startConnector(String name, Map<String, String> config, TargetState target, ConnectorEvents events) {
        throw new UnsupportedOperationException();
    }

    /** Asks a running connector for at most maxTasks task configs (tasks.max enforced as Apache does). */
    public List<Map<String, String>> connectorTaskConfigs(String name, int maxTasks) {
        throw new UnsupportedOperationException();
    }

    /** Starts a task; failures become a FAILED task status. */
    public void startTask(ConnectorTaskId id, Map<String, String> connectorConfig, Map<String, String> taskConfig,
                          TargetState target) {
        throw new UnsupportedOperationException();
    }

    /** Pauses or resumes a connector and its running tasks. */
    public void setTargetState(String connector, TargetState state) {
        throw new UnsupportedOperationException();
    }

    /** Stops a connector and waits for it, at most task.shutdown.graceful.timeout.ms. */
    public void stopConnector(String name) {
        throw new UnsupportedOperationException();
    }

    /** Stops tasks and waits for them, at most task.shutdown.graceful.timeout.ms in all. */
    public void stopTasks(Collection<ConnectorTaskId> ids) {
        throw new UnsupportedOperationException();
    }

    public Set<String> connectorNames() {
        return Set.of();
    }

    public Set<ConnectorTaskId> taskIds(String connector) {
        return Set.of();
    }

    /** "source" or "sink" for a connector config's connector.class; "unknown" if it can't be loaded. */
    public String connectorType(Map<String, String> connectorConfig) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
