package io.sluice.runtime.worker;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.storage.ClusterConfigState;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one task runs with: its id, its connector's config and its own task config, both as stored (placeholders
 * unresolved). A task is started, restarted automatically and compared for "did its config change" by this value,
 * so the two configs always travel together and are never told apart by position.
 */
public record TaskSpec(ConnectorTaskId id, Map<String, String> connectorConfig, Map<String, String> taskConfig) {

    public TaskSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connectorConfig, "connectorConfig");
        Objects.requireNonNull(taskConfig, "taskConfig");
    }

    /** The task's spec in a config snapshot; empty when its connector or its task config is not (or no longer) there. */
    public static Optional<TaskSpec> in(ClusterConfigState snapshot, ConnectorTaskId id) {
        List<Map<String, String>> taskConfigs = snapshot.taskConfigs(id.connector());
        if (!snapshot.contains(id.connector()) || id.task() >= taskConfigs.size()) {
            return Optional.empty();
        }
        return Optional.of(new TaskSpec(id, snapshot.connectorConfigs().get(id.connector()), taskConfigs.get(id.task())));
    }
}
