package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConfigInfos;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.plugins.PluginDesc;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.worker.ConnectorEvents;
import io.sluice.runtime.worker.Worker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The herder of a cluster of one worker: every change is written to the config store first, then
 * applied to the local worker. Changes run one at a time on the control thread.
 */
public final class StandaloneHerder implements Herder, ConnectorEvents {
    private static final Logger log = LoggerFactory.getLogger(StandaloneHerder.class);

    private final String workerId;
    private final Worker worker;
    private final ConfigStore configStore;
    private final StatusStore statusStore;
    private final ConfigProviders configProviders;
    private final ConnectorValidation validation;
    private final Plugins plugins;
    private final ControlThread control = new ControlThread("sluice-herder");
    private final ConnectorOffsetsService offsets;
    private final PluginConfigs pluginConfigs;
    private final ConnectorReads reads;
    private volatile boolean started;

    public StandaloneHerder(String workerId, Worker worker, ConfigStore configStore, StatusStore statusStore,
                            ConfigProviders configProviders, Plugins plugins) {
        this.workerId = workerId;
        this.worker = worker;
        this.configStore = configStore;
        this.statusStore = statusStore;
        this.configProviders = configProviders;
        this.plugins = plugins;
        this.validation = new ConnectorValidation(plugins, configProviders);
        this.offsets = new ConnectorOffsetsService(worker, plugins, configProviders);
        this.pluginConfigs = new PluginConfigs(plugins);
        this.reads = new ConnectorReads(workerId, worker, configStore, statusStore);
    }

    @Override
    public void start() {
        control.call(() -> {
            for (String name : new TreeSet<>(configStore.snapshot().connectorConfigs().keySet())) {
                startConnectorAndTasks(name);
            }
            return null;
        });
        started = true;
        log.info("Herder started with {} connector(s)", configStore.snapshot().connectorConfigs().size());
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public Collection<String> connectors() {
        return reads.connectors();
    }

    @Override
    public ConnectorInfo connectorInfo(String name) {
        return reads.info(reads.existing(name), name);
    }

    @Override
    public Map<String, String> connectorConfig(String name) {
        return reads.connectorConfig(name);
    }

    @Override
    public Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
                                      TargetState initialState) {
        Map<String, String> withName = new HashMap<>(config);
        withName.values().removeIf(java.util.Objects::isNull);
        withName.put(ConnectorConfig.NAME, name);
        validation.validateOrThrow(withName);
        return control.call(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            boolean exists = snapshot.contains(name);
            if (exists && !allowReplace) {
                throw HerderException.alreadyExists(name);
            }
            TargetState target = exists ? snapshot.targetState(name)
                    : initialState == null ? TargetState.STARTED : initialState;
            if (exists) {
                stopConnectorAndTasks(name);
            }
            configStore.putConnectorConfig(name, Map.copyOf(withName), target);
            log.info("{} connector {}", exists ? "Updated" : "Created", name);
            startConnectorAndTasks(name);
            return new Created(!exists, reads.info(configStore.snapshot(), name));
        });
    }

    @Override
    public void deleteConnector(String name) {
        control.call(() -> {
            reads.existing(name);
            stopConnectorAndTasks(name);
            configStore.removeConnectorConfig(name);
            statusStore.remove(name);
            log.info("Deleted connector {}", name);
            return null;
        });
    }

    @Override
    public ConnectorStateInfo connectorStatus(String name) {
        return reads.connectorStatus(name);
    }

    @Override
    public ConnectorStateInfo.TaskState taskStatus(ConnectorTaskId id) {
        return reads.taskStatus(id);
    }


    @Override
    public List<TaskInfo> taskConfigs(String name) {
        return reads.taskConfigs(name);
    }

    @Override
    public void setTargetState(String name, TargetState state) {
        control.call(() -> {
            ClusterConfigState snapshot = reads.existing(name);
            TargetState previous = snapshot.targetState(name);
            if (previous == state) {
                return null;
            }
            configStore.putTargetState(name, state);
            log.info("Connector {} target state {} -> {}", name, previous, state);
            if (state == TargetState.STOPPED) {
                stopConnectorAndTasks(name);
                startConnectorAndTasks(name);
            } else if (previous == TargetState.STOPPED) {
                // a stopped connector is registered with the worker but not running: start it afresh
                stopConnectorAndTasks(name);
                startConnectorAndTasks(name);
            } else {
                worker.setTargetState(name, state);
                if (state == TargetState.STARTED) {
                    reconfigureTasks(name); // a connector created paused has had no chance to make task configs
                }
            }
            return null;
        });
    }

    @Override
    public ConnectorStateInfo restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
        control.call(() -> {
            ClusterConfigState snapshot = reads.existing(name);
            ConnectorStatus status = statusStore.get(name);
            boolean restartConnector = !onlyFailed || status == null || status.state() == State.FAILED;
            List<ConnectorTaskId> tasks = new ArrayList<>();
            if (includeTasks) {
                for (int i = 0; i < snapshot.taskConfigs(name).size(); i++) {
                    ConnectorTaskId id = new ConnectorTaskId(name, i);
                    TaskStatus taskStatus = statusStore.get(id);
                    if (!onlyFailed || taskStatus == null || taskStatus.state() == State.FAILED) {
                        tasks.add(id);
                    }
                }
            }
            if (restartConnector) {
                statusStore.put(new ConnectorStatus(name, State.RESTARTING, null, workerId, 0));
                worker.stopConnector(name);
            }
            for (ConnectorTaskId id : tasks) {
                statusStore.put(new TaskStatus(id, State.RESTARTING, null, workerId, 0));
            }
            worker.stopTasks(tasks);
            if (restartConnector) {
                worker.startConnector(name, snapshot.connectorConfigs().get(name), snapshot.targetState(name), this);
            }
            for (ConnectorTaskId id : tasks) {
                startTask(configStore.snapshot(), id);
            }
            return null;
        });
        return connectorStatus(name);
    }

    @Override
    public void restartTask(ConnectorTaskId id) {
        control.call(() -> {
            ClusterConfigState snapshot = reads.existing(id.connector());
            if (id.task() < 0 || id.task() >= snapshot.taskConfigs(id.connector()).size()) {
                throw HerderException.taskNotFound(id.connector(), id.task());
            }
            statusStore.put(new TaskStatus(id, State.RESTARTING, null, workerId, 0));
            worker.stopTasks(List.of(id));
            startTask(snapshot, id);
            return null;
        });
    }

    @Override
    public ConfigInfos validateConnectorConfig(Map<String, String> config) {
        return validation.validate(config);
    }

    @Override
    public List<PluginDesc> plugins(Collection<PluginType> types) {
        List<PluginDesc> result = new ArrayList<>();
        for (PluginType type : types) {
            result.addAll(plugins.plugins(type));
        }
        return result;
    }

    @Override
    public ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch) {
        Map<String, String> patched = new HashMap<>(connectorConfig(name));
        patch.forEach((key, value) -> {
            if (value == null) {
                patched.remove(key);
            } else {
                patched.put(key, value);
            }
        });
        return putConnectorConfig(name, patched, true, null).info();
    }

    @Override
    public Map<ConnectorTaskId, Map<String, String>> tasksConfig(String name) {
        return reads.tasksConfig(name);
    }

    @Override
    public List<ConfigInfos.ConfigKeyInfo> connectorPluginConfig(String pluginName) {
        return pluginConfigs.configKeys(pluginName);
    }

    @Override
    public ConnectorOffsets connectorOffsets(String name) {
        return offsets.offsets(name, connectorConfig(name));
    }

    @Override
    public String alterConnectorOffsets(String name, ConnectorOffsets request) {
        return control.call(() -> offsets.alter(name, stoppedConnectorConfig(name), request));
    }

    @Override
    public String resetConnectorOffsets(String name) {
        return control.call(() -> offsets.reset(name, stoppedConnectorConfig(name)));
    }

    /** Offsets change only while nothing of the connector runs (Apache's check and wording). */
    private Map<String, String> stoppedConnectorConfig(String name) {
        ClusterConfigState snapshot = reads.existing(name);
        if (snapshot.targetState(name) != TargetState.STOPPED || !snapshot.taskConfigs(name).isEmpty()
                || !worker.taskIds(name).isEmpty()) {
            throw HerderException.badRequest("Connectors must be in the STOPPED state before their offsets can be "
                    + "modified. This can be done for the specified connector by issuing a 'PUT' request to the "
                    + "'/connectors/" + name + "/stop' endpoint");
        }
        return snapshot.connectorConfigs().get(name);
    }

    @Override
    public Collection<String> connectorActiveTopics(String name) {
        return reads.activeTopics(name);
    }

    @Override
    public void resetConnectorActiveTopics(String name) {
        reads.existing(name);
        statusStore.removeTopics(name);
        log.info("Reset the active topics of connector {}", name);
    }

    @Override
    public boolean healthy(long timeoutMs) {
        if (!started) {
            return false;
        }
        try {
            control.call(() -> null, timeoutMs);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void onTaskReconfigurationRequest(String connector) {
        control.submit(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            if (snapshot.contains(connector) && snapshot.targetState(connector) != TargetState.STOPPED) {
                reconfigureTasks(connector);
            }
        });
    }

    @Override
    public void close() {
        control.close(() -> {
            for (String name : worker.connectorNames()) {
                worker.stopTasks(worker.taskIds(name));
            }
            for (String name : worker.connectorNames()) {
                worker.stopConnector(name);
            }
        });
    }

    // --- on the control thread ---

    private void startConnectorAndTasks(String name) {
        ClusterConfigState snapshot = configStore.snapshot();
        TargetState target = snapshot.targetState(name);
        worker.startConnector(name, snapshot.connectorConfigs().get(name), target, this);
        if (target == TargetState.STOPPED) {
            // a stopped connector has no tasks (Apache's semantics), so they need no resources
            if (!snapshot.taskConfigs(name).isEmpty()) {
                configStore.putTaskConfigs(name, List.of());
            }
            return;
        }
        if (target == TargetState.PAUSED) {
            // a paused connector is not running, so it can't regenerate task configs: its stored tasks start paused
            for (int i = 0; i < snapshot.taskConfigs(name).size(); i++) {
                startTask(snapshot, new ConnectorTaskId(name, i));
            }
            return;
        }
        reconfigureTasks(name);
    }

    private void reconfigureTasks(String name) {
        if (!worker.connectorNames().contains(name)) {
            log.info("Connector {} is not running; its tasks are not (re)configured", name);
            return;
        }
        ClusterConfigState snapshot = configStore.snapshot();
        Map<String, String> rawConfig = snapshot.connectorConfigs().get(name);
        List<Map<String, String>> generated;
        try {
            int maxTasks = Integer.parseInt(rawConfig.getOrDefault(ConnectorConfig.TASKS_MAX, "1").trim());
            generated = worker.connectorTaskConfigs(name, maxTasks);
        } catch (RuntimeException e) {
            log.error("Connector {} failed to generate task configs", name, e);
            statusStore.put(new ConnectorStatus(name, State.FAILED, Traces.of(e), workerId, 0));
            return;
        }
        List<Map<String, String>> taskConfigs = TaskConfigs.withPlaceholders(generated, rawConfig,
                configProviders.resolve(rawConfig));
        if (!taskConfigs.equals(snapshot.taskConfigs(name))) {
            worker.stopTasks(worker.taskIds(name));
            configStore.putTaskConfigs(name, taskConfigs);
            snapshot = configStore.snapshot();
        }
        Set<ConnectorTaskId> running = worker.taskIds(name);
        for (int i = 0; i < taskConfigs.size(); i++) {
            ConnectorTaskId id = new ConnectorTaskId(name, i);
            if (!running.contains(id)) {
                startTask(snapshot, id);
            }
        }
    }

    private void startTask(ClusterConfigState snapshot, ConnectorTaskId id) {
        List<Map<String, String>> configs = snapshot.taskConfigs(id.connector());
        if (id.task() < configs.size()) {
            worker.startTask(id, snapshot.connectorConfigs().get(id.connector()), configs.get(id.task()),
                    snapshot.targetState(id.connector()));
        }
    }

    private void stopConnectorAndTasks(String name) {
        worker.stopTasks(worker.taskIds(name));
        worker.stopConnector(name);
    }
}
