package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigInfos;
import io.sluice.runtime.config.ConfigInfos.ConfigKeyInfo;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.PluginDesc;
import io.sluice.runtime.plugins.PluginType;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The control plane: creates, updates, deletes and steers connectors, and answers what exists and
 * how it is doing. Refusals are {@link HerderException}s carrying their HTTP status.
 */
public interface Herder extends AutoCloseable {

    /** Starts every stored connector in its stored target state. */
    void start();

    /** The URL other workers and clients reach this worker at (its id). */
    String workerId();

    Collection<String> connectors();

    ConnectorInfo connectorInfo(String name);

    /** The config as submitted, placeholders unresolved. */
    Map<String, String> connectorConfig(String name);

    /** Outcome of a create-or-update: whether it created the connector, and the connector. */
    record Created(boolean created, ConnectorInfo info) {
    }

    /**
     * Creates or (when allowed) replaces a connector's config after validating it.
     *
     * @param initialState the target state of a new connector (KIP-980); ignored on update
     */
    Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace, TargetState initialState);

    /**
     * A connector config from a file named at start-up (bin/connect WORKER_CONFIG CONNECTOR_CONFIG...). One unchanged
     * from the stored config is left as it is (null), not validated again: its systems may be down. Another is
     * created or updated; when only the connector's live checks refuse it (its system unreachable) it is put all the
     * same, so that it runs and shows FAILED with the cause, as Apache's standalone worker would run it. A config
     * wrong in itself (a required key missing, a bad value) is refused with the validation errors.
     */
    Created putStartupConnectorConfig(String name, Map<String, String> config);

    void deleteConnector(String name);

    ConnectorStateInfo connectorStatus(String name);

    ConnectorStateInfo.TaskState taskStatus(ConnectorTaskId id);

    List<TaskInfo> taskConfigs(String name);

    void setTargetState(String name, TargetState state);

    /** Restarts the connector and, when asked, its tasks (only the failed ones when onlyFailed). */
    ConnectorStateInfo restartConnector(String name, boolean includeTasks, boolean onlyFailed);

    void restartTask(ConnectorTaskId id);

    /** Validates a connector config without storing it (PUT /connector-plugins/{type}/config/validate). */
    ConfigInfos validateConnectorConfig(Map<String, String> config);

    /** The installed plugins of the given kinds, as GET /connector-plugins lists them. */
    List<PluginDesc> plugins(Collection<PluginType> types);

    /**
     * Merges a patch into a connector's config (a null value removes the key), validates and stores it
     * (PATCH /connectors/{name}/config).
     */
    ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch);

    /** Every task's config keyed by task id (the removed-in-4.0 GET /connectors/{name}/tasks-config). */
    Map<ConnectorTaskId, Map<String, String>> tasksConfig(String name);

    /** A plugin's own config keys, found by class name, simple name or alias. */
    List<ConfigKeyInfo> connectorPluginConfig(String pluginName);

    /** The connector's committed offsets (KIP-875). */
    ConnectorOffsets connectorOffsets(String name);

    /** Alters a STOPPED connector's offsets; returns Apache's message. */
    String alterConnectorOffsets(String name, ConnectorOffsets offsets);

    /** Resets a STOPPED connector's offsets; returns Apache's message. */
    String resetConnectorOffsets(String name);

    /** The topics the connector used since they were last reset (KIP-558). */
    Collection<String> connectorActiveTopics(String name);

    /** Forgets the topics the connector used (KIP-558). */
    void resetConnectorActiveTopics(String name);

    /**
     * Stores task configs a connector produced on another worker of the cluster (Apache's internal
     * POST /connectors/{name}/tasks), signed by that worker (null when the request carried no signature);
     * a single worker makes its own and refuses this.
     */
    default void putTaskConfigs(String name, List<Map<String, String>> taskConfigs, InternalRequestSignature signature) {
        throw new HerderException.BadRequest("This worker is not part of a distributed cluster; its connectors write their "
                + "own task configs");
    }

    /** Whether the herder finished starting and its control thread answers within the timeout (KIP-1017). */
    boolean healthy(long timeoutMs);

    /** Whether the herder finished starting (and, in a cluster, joined it): before that, health is "starting". */
    boolean ready();

    /** This worker's log levels (KIP-495). */
    LoggerLevels loggers();

    /**
     * Sets the level of a logger namespace on every worker of the cluster (KIP-976 scope=cluster), through
     * the config topic in distributed mode; a standalone worker is the whole cluster.
     */
    void setClusterLoggerLevel(String namespace, String level);

    @Override
    void close();
}
