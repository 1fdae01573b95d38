package io.sluice.runtime.herder;

import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.SessionKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A ConfigStore in memory for herder tests: every write is in the next snapshot at once, as the Kafka store's own
 * writes are once they return; a test can look at the store as each task config write arrives.
 */
final class MemoryConfigStore implements ConfigStore {
    private volatile ClusterConfigState state = ClusterConfigState.EMPTY;
    private volatile BiConsumer<String, List<Map<String, String>>> beforeTaskConfigs = (connector, configs) -> { };

    /** Task config writes reach snapshot() only once this completes, as Kafka's acknowledgement and read-back do. */
    private volatile CompletableFuture<Void> taskConfigsStored = CompletableFuture.completedFuture(null);

    /** Holds task config writes back until {@code stored} completes (a slow Kafka round trip). */
    void holdTaskConfigs(CompletableFuture<Void> stored) {
        this.taskConfigsStored = stored;
    }

    /** Runs before each task config write is applied (on the writing thread). */
    void beforeTaskConfigs(BiConsumer<String, List<Map<String, String>>> check) {
        this.beforeTaskConfigs = check;
    }

    @Override
    public void start() {
    }

    @Override
    public void setListener(Listener listener) {
    }

    @Override
    public ClusterConfigState snapshot() {
        return state;
    }

    @Override
    public SessionKey sessionKey() {
        return null;
    }

    @Override
    public void putSessionKey(SessionKey key) {
    }

    @Override
    public void readToEnd() {
    }

    @Override
    public synchronized void putConnectorConfig(String connector, Map<String, String> config, TargetState targetState) {
        Map<String, Map<String, String>> configs = new HashMap<>(state.connectorConfigs());
        configs.put(connector, Map.copyOf(config));
        Map<String, TargetState> targets = new HashMap<>(state.targetStates());
        if (targetState != null) {
            targets.put(connector, targetState);
        }
        state = new ClusterConfigState(state.offset() + 1, configs, targets, state.taskConfigs(),
                state.taskConfigsCommittedUnder());
    }

    @Override
    public synchronized void removeConnectorConfig(String connector) {
        Map<String, Map<String, String>> configs = new HashMap<>(state.connectorConfigs());
        configs.remove(connector);
        Map<String, TargetState> targets = new HashMap<>(state.targetStates());
        targets.remove(connector);
        Map<String, List<Map<String, String>>> tasks = new HashMap<>(state.taskConfigs());
        tasks.remove(connector);
        Map<String, Map<String, String>> under = new HashMap<>(state.taskConfigsCommittedUnder());
        under.remove(connector);
        state = new ClusterConfigState(state.offset() + 1, configs, targets, tasks, under);
    }

    @Override
    public synchronized void putTargetState(String connector, TargetState targetState) {
        Map<String, TargetState> targets = new HashMap<>(state.targetStates());
        targets.put(connector, targetState);
        state = new ClusterConfigState(state.offset() + 1, state.connectorConfigs(), targets, state.taskConfigs(),
                state.taskConfigsCommittedUnder());
    }

    @Override
    public CompletableFuture<Void> putTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
        beforeTaskConfigs.accept(connector, taskConfigs);
        return taskConfigsStored.thenRun(() -> applyTaskConfigs(connector, taskConfigs));
    }

    private synchronized void applyTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
        Map<String, List<Map<String, String>>> tasks = new HashMap<>(state.taskConfigs());
        tasks.put(connector, List.copyOf(taskConfigs));
        Map<String, Map<String, String>> under = new HashMap<>(state.taskConfigsCommittedUnder());
        Map<String, String> current = state.connectorConfigs().get(connector);
        if (current != null) {
            under.put(connector, current);
        }
        state = new ClusterConfigState(state.offset() + 1, state.connectorConfigs(), state.targetStates(), tasks, under);
    }

    @Override
    public void putRestartRequest(RestartRequest request) {
    }

    @Override
    public void putLoggerLevel(String namespace, String level) {
    }

    @Override
    public void close() {
    }
}
