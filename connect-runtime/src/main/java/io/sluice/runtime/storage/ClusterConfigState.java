package io.sluice.runtime.storage;

import io.sluice.runtime.model.TargetState;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the config store: connector configs (unresolved, as submitted), their
 * target states, their task configs and the connector config each set of task configs was committed under.
 * offset is the config topic position it reflects.
 */
public record ClusterConfigState(
        long offset,
        Map<String, Map<String, String>> connectorConfigs,
        Map<String, TargetState> targetStates,
        Map<String, List<Map<String, String>>> taskConfigs,
        Map<String, Map<String, String>> taskConfigsCommittedUnder) {

    public static final ClusterConfigState EMPTY = new ClusterConfigState(-1, Map.of(), Map.of(), Map.of(), Map.of());

    public boolean contains(String connector) {
        return connectorConfigs.containsKey(connector);
    }

    public TargetState targetState(String connector) {
        return targetStates.getOrDefault(connector, TargetState.STARTED);
    }

    public List<Map<String, String>> taskConfigs(String connector) {
        return taskConfigs.getOrDefault(connector, List.of());
    }

    /**
     * Whether a connector's run need not write these task configs: they are the stored ones, committed under its
     * current config. A changed connector config writes even equal ones again (Apache's rule since KAFKA-9228), and
     * that one record is what restarts the connector's tasks on every worker. Unknown (the connector config of their
     * commit compacted away) counts as current.
     */
    public boolean taskConfigsCurrent(String connector, List<Map<String, String>> wanted) {
        Map<String, String> committedUnder = taskConfigsCommittedUnder.get(connector);
        return wanted.equals(taskConfigs(connector))
                && (committedUnder == null || committedUnder.equals(connectorConfigs.get(connector)));
    }
}
