package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigProviders;
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
public final class StandaloneHerder extends AbstractHerder implements ConnectorEvents {
    private static final Logger log = LoggerFactory.getLogger(StandaloneHerder.class);

    private volatile boolean started;

    public StandaloneHerder(String workerId, Worker worker, ConfigStore configStore, StatusStore statusStore,
                            ConfigProviders configProviders, Plugins plugins) {
        super(workerId, worker, configStore, statusStore, configProviders, plugins);
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
    public Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
                                      TargetState initialState) {
        Map<String, String> valid = validated(name, config);
        return control.call(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            boolean exists = snapshot.contains(name);
            if (exists && !allowReplace) {
                throw HerderException.alreadyExists(name);
            }
            TargetState target = targetFor(snapshot, name, initialState);
            if (exists) {
                stopConnectorAndTasks(name);
            }
            configStore.putConnectorConfig(name, valid, target);
            log.info("{} connector {}", exists ? "Updated" : "Created", name);
            startConnectorAndTasks(name);
            return new Created(!exists, info(configStore.snapshot(), name));
        });
    }

    @Override
    public void deleteConnector(String name) {
        control.call(() -> {
            existing(name);
            stopConnectorAndTasks(name);
            removeConnector(name);
            return null;
        });
    }

    @Override
    public void setTargetState(String name, TargetState state) {
        control.call(() -> {
            ClusterConfigState snapshot = existing(name);
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
        return control.call(() -> {
            ClusterConfigState snapshot = existing(name);
            ConnectorStateInfo plan = restartPlan(name, includeTasks, onlyFailed);
            boolean restartConnector = State.RESTARTING.name().equals(plan.connector().state());
            List<ConnectorTaskId> tasks = new ArrayList<>();
            if (restartConnector) {
                statusStore.put(new ConnectorStatus(name, State.RESTARTING, null, workerId, 0, plan.connector().version()));
                worker.stopConnector(name);
            }
            for (ConnectorStateInfo.TaskState task : plan.tasks()) {
                if (State.RESTARTING.name().equals(task.state())) {
                    ConnectorTaskId id = new ConnectorTaskId(name, task.id());
                    tasks.add(id);
                    statusStore.put(new TaskStatus(id, State.RESTARTING, null, workerId, 0, task.version()));
                }
            }
            worker.stopTasks(tasks);
            if (restartConnector) {
                worker.startConnector(name, snapshot.connectorConfigs().get(name), snapshot.targetState(name), this);
            }
            for (ConnectorTaskId id : tasks) {
                startTask(configStore.snapshot(), id);
            }
            return plan;
        });
    }

    @Override
    public void restartTask(ConnectorTaskId id) {
        control.call(() -> {
            ClusterConfigState snapshot = existing(id.connector());
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
    public String alterConnectorOffsets(String name, ConnectorOffsets request) {
        return control.call(() -> alterOffsets(name, stoppedConnectorConfig(name), request));
    }

    @Override
    public String resetConnectorOffsets(String name) {
        return control.call(() -> resetOffsets(name, stoppedConnectorConfig(name)));
    }

    @Override
    protected boolean ready() {
        return started;
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
        List<Map<String, String>> taskConfigs = generateTaskConfigs(name, snapshot.connectorConfigs().get(name));
        if (taskConfigs == null) {
            return;
        }
        if (!taskConfigs.equals(snapshot.taskConfigs(name))) {
            worker.stopTasks(worker.taskIds(name));
            worker.fenceRemovedTasks(name, snapshot.connectorConfigs().get(name), snapshot.taskConfigs(name).size(),
                    taskConfigs.size());
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

    private void stopConnectorAndTasks(String name) {
        worker.stopTasks(worker.taskIds(name));
        worker.stopConnector(name);
    }
}
