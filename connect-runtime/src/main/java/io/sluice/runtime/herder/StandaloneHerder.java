package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
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
 * The herder of a cluster of one worker: every change is written to the config store first, then applied to
 * the local worker. Changes run one at a time on the control thread and never wait for a connector or task:
 * the worker starts and stops them in the background, and a started connector's task configs come back here
 * ({@link #onTaskConfigs}) to be stored and run.
 */
public final class StandaloneHerder extends AbstractHerder implements ConnectorEvents {
    private static final Logger log = LoggerFactory.getLogger(StandaloneHerder.class);

    private final long gracefulTimeoutMs;
    private volatile boolean started;

    public StandaloneHerder(String workerId, WorkerConfig config, Worker worker, ConfigStore configStore,
                            StatusStore statusStore, ConfigProviders configProviders, Plugins plugins) {
        super(workerId, config, worker, configStore, statusStore, configProviders, plugins);
        this.gracefulTimeoutMs = config.getLong(WorkerConfig.TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS);
    }

    /** Starts every stored connector and its stored tasks in the background; returns without waiting for them. */
    @Override
    public void start() {
        int count = control.call(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            holdStoredConnectorsPaused(snapshot);
            for (String name : new TreeSet<>(snapshot.connectorConfigs().keySet())) {
                startConnectorAndTasks(name, true);
            }
            return snapshot.connectorConfigs().size();
        });
        started = true;
        log.info("Herder started; {} connector(s) start in the background", count);
    }

    @Override
    public Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
                                      TargetState initialState) {
        return putValid(name, validated(name, config), allowReplace, initialState);
    }

    @Override
    protected Created putValid(String name, Map<String, String> valid, boolean allowReplace, TargetState initialState) {
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
            startConnectorAndTasks(name, false);
            return new Created(!exists, info(configStore.snapshot(), name));
        });
    }

    @Override
    public void deleteConnector(String name) {
        control.call(() -> {
            ClusterConfigState snapshot = existing(name);
            worker.removeConnector(name, snapshot.connectorConfigs().get(name));
            releaseHold(name);
            removeConnector(name);
            return null;
        });
    }

    @Override
    public void setTargetState(String name, TargetState state) {
        control.call(() -> {
            ClusterConfigState snapshot = existing(name);
            TargetState previous = effectiveTarget(snapshot, name);
            boolean wasHeld = state == TargetState.STARTED && releaseHold(name);
            if (snapshot.targetState(name) != state) {
                configStore.putTargetState(name, state);
            }
            if (previous == state) {
                return null;
            }
            log.info("Connector {} target state {} -> {}{}", name, previous, state, wasHeld ? " (safe start)" : "");
            if (state == TargetState.STOPPED || previous == TargetState.STOPPED) {
                // a stopped connector is registered but not running: it stops (or starts) as a fresh run, so a
                // connector stuck in start() is given up after the graceful timeout rather than waited for
                stopConnectorAndTasks(name);
                startConnectorAndTasks(name, false);
            } else {
                // a resumed connector makes its task configs again; they come back through onTaskConfigs
                worker.setTargetState(name, state);
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
                // the new run begins once the old one has stopped (or was given up)
                worker.startConnector(name, snapshot.connectorConfigs().get(name), effectiveTarget(snapshot, name),
                        this);
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

    /** From a connector's thread: its task configs are stored (when they changed) and run, on the control thread. */
    @Override
    public void onTaskConfigs(String connector, long run, List<Map<String, String>> taskConfigs) {
        control.submit(() -> applyTaskConfigs(connector, run, taskConfigs));
    }

    @Override
    public void close() {
        control.close(() -> awaitStopped(worker.stopAll(), gracefulTimeoutMs + 5_000));
    }

    // --- on the control thread ---

    /**
     * Starts a connector in its target state, in the background. A stopped connector has no tasks; a paused
     * one can't make task configs, so its stored tasks start paused; at start-up the stored tasks of a running
     * connector start at once too (they are what it made last), so a sink is back at work without waiting for
     * its connector. Otherwise a running connector's tasks start when its task configs come back.
     */
    private void startConnectorAndTasks(String name, boolean startStoredTasks) {
        ClusterConfigState snapshot = configStore.snapshot();
        TargetState target = effectiveTarget(snapshot, name);
        worker.startConnector(name, snapshot.connectorConfigs().get(name), target, this);
        if (target == TargetState.STOPPED) {
            // a stopped connector has no tasks (Apache's semantics), so they need no resources
            if (!snapshot.taskConfigs(name).isEmpty()) {
                configStore.putTaskConfigs(name, List.of());
            }
            return;
        }
        if (target == TargetState.PAUSED || startStoredTasks) {
            for (int i = 0; i < snapshot.taskConfigs(name).size(); i++) {
                startTask(snapshot, new ConnectorTaskId(name, i));
            }
        }
    }

    /** Stores the task configs a current run of a running connector made, if they changed, and runs them. */
    private void applyTaskConfigs(String name, long run, List<Map<String, String>> taskConfigs) {
        ClusterConfigState snapshot = configStore.snapshot();
        if (!worker.isCurrentRun(name, run) || !snapshot.contains(name)
                || effectiveTarget(snapshot, name) != TargetState.STARTED) {
            return; // superseded: deleted, paused, stopped or restarted since it made them
        }
        if (!taskConfigs.equals(snapshot.taskConfigs(name))) {
            worker.stopTasks(worker.taskIds(name).stream().filter(id -> id.task() < taskConfigs.size()).toList());
            List<ConnectorTaskId> gone = new ArrayList<>();
            for (int i = taskConfigs.size(); i < snapshot.taskConfigs(name).size(); i++) {
                gone.add(new ConnectorTaskId(name, i));
            }
            worker.retireTasks(snapshot.connectorConfigs().get(name), gone);
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
