package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.worker.Worker;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The herder of a cluster of one worker: every change is written to the config store first, then this worker is made
 * to match it by the {@link Reconciler} both herders share; a standalone worker owns every stored connector and task,
 * and a change of what it owns is reconciled at once (where a cluster rebalances). Changes run one at a time on the
 * control thread and never wait for a connector or task: the worker starts and stops them in the background, and a
 * started connector's task configs come back to be stored and run.
 */
public final class StandaloneHerder extends AbstractHerder {
    private static final Logger log = LoggerFactory.getLogger(StandaloneHerder.class);

    private final Reconciler reconciler;
    private volatile boolean started;

    public StandaloneHerder(String workerId, WorkerConfig config, Worker worker, ConfigStore configStore,
                            StatusStore statusStore, ConfigProviders configProviders, Plugins plugins) {
        super(workerId, config, worker, configStore, statusStore, configProviders, plugins);
        this.reconciler = new Reconciler(workerId, worker, configStore, statusStore, new OwnsEverything());
    }

    /** Starts every stored connector and its stored tasks in the background; returns without waiting for them. */
    @Override
    public void start() {
        int count = control.call(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            holdStoredConnectorsPaused(snapshot);
            reconciler.reconcile(snapshot);
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
        return storeChange(() -> {
            ClusterConfigState snapshot = configStore.snapshot();
            boolean exists = snapshot.contains(name);
            if (exists && !allowReplace) {
                throw HerderException.alreadyExists(name);
            }
            configStore.putConnectorConfig(name, valid, targetFor(snapshot, name, initialState));
            log.info("{} connector {}", exists ? "Updated" : "Created", name);
            reconciler.connectorConfigChanged(name);
            return new Created(!exists, info(configStore.snapshot(), name));
        });
    }

    @Override
    public void deleteConnector(String name) {
        storeChange(() -> {
            ClusterConfigState snapshot = existing(name);
            reconciler.connectorRemoved(name, snapshot.connectorConfigs().get(name));
            removeConnector(name);
            return null;
        });
    }

    @Override
    public void setTargetState(String name, TargetState state) {
        storeChange(() -> {
            ClusterConfigState snapshot = existing(name);
            if (snapshot.targetState(name) != state) {
                configStore.putTargetState(name, state);
            }
            reconciler.targetStateChanged(name);
            return null;
        });
        if (state == TargetState.STOPPED) {
            awaitStopApplied(name);
        }
    }

    @Override
    public ConnectorStateInfo restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
        return control.call(() -> {
            existing(name);
            ConnectorStateInfo plan = restartPlan(name, includeTasks, onlyFailed);
            reconciler.restart(new ConfigStore.RestartRequest(name, includeTasks, onlyFailed));
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
            reconciler.restartTask(id);
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
    public boolean ready() {
        return started;
    }

    @Override
    public void close() {
        control.close(() -> awaitStopped(reconciler.stopAll(), gracefulTimeoutMs + 5_000));
    }

    /** A cluster of one: this worker owns every stored connector and task, and stores task configs itself. */
    private final class OwnsEverything implements Reconciler.Host {
        @Override
        public Set<String> ownedConnectors(ClusterConfigState snapshot) {
            return snapshot.connectorConfigs().keySet();
        }

        @Override
        public Set<ConnectorTaskId> ownedTasks(ClusterConfigState snapshot) {
            Set<ConnectorTaskId> tasks = new HashSet<>();
            snapshot.connectorConfigs().keySet().forEach(connector -> {
                for (int task = 0; task < snapshot.taskConfigs(connector).size(); task++) {
                    tasks.add(new ConnectorTaskId(connector, task));
                }
            });
            return tasks;
        }

        @Override
        public TargetState target(ClusterConfigState snapshot, String connector) {
            return effectiveTarget(snapshot, connector);
        }

        @Override
        public void releaseHold(String connector) {
            StandaloneHerder.this.releaseHold(connector);
        }

        /**
         * Writes them when they or the connector config changed, then runs them: those that changed restart, new ones
         * start, once they are stored (the control thread meanwhile takes other changes).
         */
        @Override
        public void storeTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
            if (configStore.snapshot().taskConfigsCurrent(connector, taskConfigs)) {
                reconciler.taskConfigsChanged(connector);
                return;
            }
            reconciler.writeTaskConfigs(connector, taskConfigs).whenComplete((stored, error) -> {
                if (error != null) {
                    log.error("Connector {} runs no new tasks: {}", connector, error.getMessage());
                } else {
                    control.submit(() -> reconciler.taskConfigsChanged(connector));
                }
            });
        }

        /** Where a cluster rebalances, a cluster of one starts what it now owns, next on the control thread. */
        @Override
        public void ownershipChanged(String reason) {
            control.submit(() -> reconciler.reconcile(configStore.snapshot()));
        }

        @Override
        public void submit(Runnable change) {
            control.submit(change);
        }
    }
}
