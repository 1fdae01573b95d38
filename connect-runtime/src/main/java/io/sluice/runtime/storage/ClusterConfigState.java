package io.sluice.runtime.storage;

import io.sluice.runtime.model.TargetState;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the config store: connector configs (unresolved, as submitted), their
 * target states and their task configs. offset is the config topic position it reflects.
 */
public record ClusterConfigState(
        long offset,
        Map<String, Map<String, String>> connectorConfigs,
        Map<String, TargetState> targetStates,
        Map<String, List<Map<String, String>>> taskConfigs) {

    public static final ClusterConfigState EMPTY = new ClusterConfigState(-1, Map.of(), Map.of(), Map.of());

    public boolean contains(String connector) {
        return connectorConfigs.containsKey(connector);
    }

    public TargetState targetState(String connector) {
        return targetStates.getOrDefault(connector, TargetState.STARTED);
    }

    public List<Map<String, String>> taskConfigs(String connector) {
        return taskConfigs.getOrDefault(connector, List.of());
    }
}
