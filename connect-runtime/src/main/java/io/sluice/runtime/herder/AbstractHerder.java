package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigInfos;
import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.PluginDesc;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.StoreException;
import io.sluice.runtime.worker.TaskSpec;
import io.sluice.runtime.worker.Worker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every herder shares, whatever the cluster: reads from the config and status stores, validation,
 * plugin listings and the steps a change is made of. Subclasses decide where and when changes happen.
 */
public abstract class AbstractHerder implements Herder {
    private static final Logger log = LoggerFactory.getLogger(AbstractHerder.class);

    protected final String workerId;
    protected final Worker worker;
    protected final ConfigStore configStore;
    protected final StatusStore statusStore;
    protected final ConfigProviders configProviders;
    protected final Plugins plugins;
    /** Where changes to what runs on this worker happen, one at a time. */
    protected final ControlThread control;
    protected final LoggerLevels loggers = new LoggerLevels();
    private final boolean startPaused;
    /** Safe start (start.paused): stored connectors this worker runs paused until they are resumed. */
    private final Set<String> heldPaused = ConcurrentHashMap.newKeySet();
    private final ConnectorValidation validation;
    private final ConnectorOffsetsService offsets;
    private final PluginConfigs pluginConfigs;
    private final ConnectorReads reads;
    private final long storageTimeoutMs;
    /** task.shutdown.graceful.timeout.ms: how long a task or connector is given to stop. */
    protected final long gracefulTimeoutMs;

    protected AbstractHerder(String workerId, WorkerConfig config, Worker worker, ConfigStore configStore,
                             StatusStore statusStore, ConfigProviders configProviders, Plugins plugins) {
        this.control = new ControlThread("sluice-herder", config.getLong(WorkerConfig.REST_REQUEST_TIMEOUT_MS));
        this.storageTimeoutMs = config.getLong(WorkerConfig.STORAGE_TIMEOUT_MS);
        this.gracefulTimeoutMs = config.getLong(WorkerConfig.TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS);
        this.startPaused = config.getBoolean(WorkerConfig.START_PAUSED);
        this.workerId = workerId;
        this.worker = worker;
        this.configStore = configStore;
        this.statusStore = statusStore;
        this.configProviders = configProviders;
        this.plugins = plugins;
        this.validation = new ConnectorValidation(plugins, configProviders, worker.config());
        this.offsets = new ConnectorOffsetsService(worker, plugins, configProviders);
        this.pluginConfigs = new PluginConfigs(plugins);
        this.reads = new ConnectorReads(workerId, worker, configStore, statusStore);
    }

    @Override
    public abstract boolean ready();

    @Override
    public LoggerLevels loggers() {
        return loggers;
    }

    /** Standalone: this worker is the cluster. */
    @Override
    public void setClusterLoggerLevel(String namespace, String level) {
        loggers.set(namespace, org.apache.logging.log4j.Level.toLevel(level));
    }

    @Override
    public boolean healthy(long timeoutMs) {
        if (!ready()) {
            return false;
        }
        try {
            control.call(() -> null, timeoutMs);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs a change to the config store on the control thread, once the store has read what others wrote before it.
     * The store's timeout counts from the request's arrival: changes that queued behind one waiting for an absent
     * Kafka each fail within it, not each a whole timeout after the one before.
     */
    protected <T> T storeChange(java.util.concurrent.Callable<T> change) {
        long arrived = System.nanoTime();
        // one that cannot even start within the store's timeout (an earlier operation blocked the control thread:
        // tryout16's restart while Kafka was away) is refused then, and dropped
        return control.call(() -> {
            configStore.readToEnd(arrived);
            return change.call();
        }, arrived + storageTimeoutMs * 1_000_000L, () -> StoreException.queuedTooLong(storageTimeoutMs));
    }

    /** Runs before every read; a herder whose store others write to catches up with them here. */
    protected void beforeRead() {
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public Collection<String> connectors() {
        beforeRead();
        return reads.connectors();
    }

    @Override
    public ConnectorInfo connectorInfo(String name) {
        beforeRead();
        return reads.info(reads.existing(name), name);
    }

    @Override
    public Map<String, String> connectorConfig(String name) {
        beforeRead();
        return reads.connectorConfig(name);
    }

    @Override
    public ConnectorStateInfo connectorStatus(String name) {
        beforeRead();
        return reads.connectorStatus(name);
    }

    @Override
    public ConnectorStateInfo.TaskState taskStatus(ConnectorTaskId id) {
        beforeRead();
        return reads.taskStatus(id);
    }

    @Override
    public List<TaskInfo> taskConfigs(String name) {
        beforeRead();
        return reads.taskConfigs(name);
    }

    @Override
    public Map<ConnectorTaskId, Map<String, String>> tasksConfig(String name) {
        beforeRead();
        return reads.tasksConfig(name);
    }

    @Override
    public Collection<String> connectorActiveTopics(String name) {
        beforeRead();
        return reads.activeTopics(name);
    }

    @Override
    public void resetConnectorActiveTopics(String name) {
        beforeRead();
        reads.existing(name);
        statusStore.removeTopics(name);
        log.info("Reset the active topics of connector {}", name);
    }

    @Override
    public ConnectorOffsets connectorOffsets(String name) {
        return offsets.offsets(name, connectorConfig(name));
    }

    @Override
    public ConfigInfos validateConnectorConfig(Map<String, String> config) {
        checkSize(config);
        return validation.validate(config);
    }

    /** A 413 for a config larger than the config store takes, before anything is validated or written. */
    private static void checkSize(Map<String, String> config) {
        int bytes = ConfigStore.recordBytes(config);
        if (bytes > ConfigStore.MAX_CONFIG_BYTES) {
            throw new HerderException.TooLarge("The connector configuration is " + bytes + " bytes; a configuration may "
                    + "hold at most " + ConfigStore.MAX_CONFIG_BYTES + " bytes (16 MiB)");
        }
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
    public List<ConfigInfos.ConfigKeyInfo> connectorPluginConfig(String pluginName) {
        return pluginConfigs.configKeys(pluginName);
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

    // --- steps of changes, for subclasses ---

    /** The current snapshot, or a 404 when the connector does not exist. */
    protected ClusterConfigState existing(String name) {
        return reads.existing(name);
    }

    protected ConnectorInfo info(ClusterConfigState snapshot, String name) {
        return reads.info(snapshot, name);
    }

    /** The config to store for a create or update: named, without null values, and valid (or a 400). */
    protected Map<String, String> validated(String name, Map<String, String> config) {
        Map<String, String> withName = withName(name, config);
        checkSize(withName);
        validation.validateOrThrow(withName);
        return withName;
    }

    private static Map<String, String> withName(String name, Map<String, String> config) {
        Map<String, String> withName = new HashMap<>(config);
        withName.values().removeIf(Objects::isNull);
        withName.put(ConnectorConfig.NAME, name);
        return Map.copyOf(withName);
    }

    @Override
    public Created putStartupConnectorConfig(String name, Map<String, String> config) {
        Map<String, String> withName = withName(name, config);
        ClusterConfigState snapshot = configStore.snapshot();
        if (snapshot.contains(name) && withName.equals(snapshot.connectorConfigs().get(name))) {
            log.info("Connector {} from its start-up file is unchanged; it runs as stored", name);
            return null;
        }
        try {
            return putConnectorConfig(name, config, true, TargetState.STARTED);
        } catch (HerderException.BadRequest refused) {
            if (!validation.validInItself(withName)) {
                throw refused;
            }
            log.warn("Connector {} from its start-up file is put although its own checks refuse it ({}); it shows "
                    + "FAILED with the cause until its systems answer", name, refused.getMessage());
            checkSize(withName);
            return putValid(name, withName, true, TargetState.STARTED);
        }
    }

    /** Creates or updates a connector whose config was validated (or, at start-up, is valid in itself). */
    protected abstract Created putValid(String name, Map<String, String> valid, boolean allowReplace,
                                        TargetState initialState);

    /** The target state of a connector being put: its stored one, or the requested initial state of a new one. */
    protected static TargetState targetFor(ClusterConfigState snapshot, String name, TargetState initialState) {
        if (snapshot.contains(name)) {
            return snapshot.targetState(name);
        }
        return initialState == null ? TargetState.STARTED : initialState;
    }

    /**
     * Safe start: with start.paused, every connector stored now that would run is held paused on this worker
     * until it is resumed. Nothing is written, so the next start without the flag runs them as stored.
     */
    protected void holdStoredConnectorsPaused(ClusterConfigState snapshot) {
        if (!startPaused) {
            return;
        }
        for (String name : snapshot.connectorConfigs().keySet()) {
            if (snapshot.targetState(name) == TargetState.STARTED) {
                heldPaused.add(name);
            }
        }
        if (!heldPaused.isEmpty()) {
            log.warn("Safe start (start.paused): {} connector(s) run paused until resumed with PUT "
                    + "/connectors/NAME/resume: {}", heldPaused.size(), new java.util.TreeSet<>(heldPaused));
        }
    }

    /** Lets a connector held paused by the safe start run as stored; true if it was held. */
    protected boolean releaseHold(String name) {
        boolean held = heldPaused.remove(name);
        if (held) {
            log.info("Connector {} is no longer held paused by the safe start", name);
        }
        return held;
    }

    /** The state a connector runs in here: its stored target state, or PAUSED while the safe start holds it. */
    protected TargetState effectiveTarget(ClusterConfigState snapshot, String name) {
        TargetState stored = snapshot.targetState(name);
        return stored == TargetState.STARTED && heldPaused.contains(name) ? TargetState.PAUSED : stored;
    }

    /**
     * Apache's answer to a restart: the stored states, taken before anything restarts, with RESTARTING for the
     * connector and tasks the request restarts; a 404 when a restart with tasks or of failed ones finds no status.
     */
    protected ConnectorStateInfo restartPlan(String name, boolean includeTasks, boolean onlyFailed) {
        ConnectorStateInfo current = reads.connectorStatus(name);
        if ((includeTasks || onlyFailed) && statusStore.get(name) == null) {
            throw new HerderException.NotFound("Status for connector " + name + " not found");
        }
        String failed = State.FAILED.name();
        ConnectorStateInfo.ConnectorState connector = !onlyFailed || failed.equals(current.connector().state())
                ? current.connector().withState(State.RESTARTING.name()) : current.connector();
        List<ConnectorStateInfo.TaskState> tasks = current.tasks().stream()
                .map(t -> includeTasks && (!onlyFailed || failed.equals(t.state())) ? t.withState(State.RESTARTING.name()) : t)
                .toList();
        return new ConnectorStateInfo(name, connector, tasks, current.type());
    }

    /**
     * After a stop is stored: waits, on the caller's thread (never the control thread, which applies it), until this
     * worker holds the connector with no task configs and runs none of its tasks, at most the graceful timeout and 5
     * s. The task configs are empty once stored (a cluster's leader writes them with the stop, as Apache's does;
     * standalone, the connector's reconcile), but this worker's tasks take their graceful stop: an offsets change sent
     * right after the 204 was refused ("must be in the STOPPED state") until they had (S3SourceOffsetsIT, once in
     * eight runs on a busy machine).
     */
    protected void awaitStopApplied(String name) {
        long deadline = System.nanoTime() + (gracefulTimeoutMs + 5_000) * 1_000_000L;
        while (true) {
            ClusterConfigState snapshot = configStore.snapshot();
            if (!snapshot.contains(name) || snapshot.targetState(name) != TargetState.STOPPED
                    || (snapshot.taskConfigs(name).isEmpty() && worker.taskIds(name).isEmpty())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn("Connector {} is stopped, but its tasks had not gone {} ms after the stop was stored",
                        name, gracefulTimeoutMs + 5_000);
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Offsets change only while nothing of the connector runs (Apache's check and wording). */
    protected Map<String, String> stoppedConnectorConfig(String name) {
        ClusterConfigState snapshot = existing(name);
        if (snapshot.targetState(name) != TargetState.STOPPED || !snapshot.taskConfigs(name).isEmpty()
                || !worker.taskIds(name).isEmpty()) {
            throw HerderException.badRequest("Connectors must be in the STOPPED state before their offsets can be "
                    + "modified. This can be done for the specified connector by issuing a 'PUT' request to the "
                    + "'/connectors/" + name + "/stop' endpoint");
        }
        return snapshot.connectorConfigs().get(name);
    }

    protected String alterOffsets(String name, Map<String, String> config, ConnectorOffsets request) {
        return offsets.alter(name, config, request);
    }

    protected String resetOffsets(String name, Map<String, String> config) {
        return offsets.reset(name, config);
    }

    /** Removes a connector's config, target state and status from the stores. */
    protected void removeConnector(String name) {
        configStore.removeConnectorConfig(name);
        statusStore.remove(name);
        log.info("Deleted connector {}", name);
    }

    /** Waits, at most the graceful timeout and a little more, for stops the worker does in the background. */
    protected static void awaitStopped(java.util.concurrent.CompletableFuture<Void> stopped, long timeoutMs) {
        try {
            stopped.get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Connectors and tasks did not all stop within {} ms", timeoutMs);
        }
    }
}
