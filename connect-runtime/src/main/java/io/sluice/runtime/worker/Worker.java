package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.storage.TaskStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs connectors and tasks on this worker: instantiates them through their plugin loader,
 * resolves config placeholders at start, drives source and sink task loops, and reports every
 * state change to the status store.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** The task config key naming the task class, as Apache stores it in task configs. */
    public static final String TASK_CLASS = "task.class";

    private final String workerId;
    private final WorkerConfig config;
    private final Plugins plugins;
    private final ConfigProviders configProviders;
    private final SecretKeys secretKeys;
    private final SourceOffsetStores offsets;
    private final StatusReporter status;
    private final TaskClientConfigs clients;
    private final TaskFactory taskFactory;
    private final Metrics metrics = new Metrics();
    private final ConnectMetrics connectMetrics;
    private final ScheduledThreadPoolExecutor committer;
    private final Map<String, WorkerConnector> connectors = new ConcurrentHashMap<>();
    private final Map<ConnectorTaskId, TaskRunner> tasks = new ConcurrentHashMap<>();
    /** The configs each task was started with, so an automatic restart can start it again. */
    private final Map<ConnectorTaskId, List<Map<String, String>>> taskSpecs = new ConcurrentHashMap<>();
    private final TaskRestarts restarts;
    private volatile int generation;
    private volatile boolean closed;

    public Worker(String workerId, WorkerConfig config, String bootstrapServers, Plugins plugins,
                  ConfigProviders configProviders, OffsetStore workerOffsets, StatusStore statuses) {
        this.workerId = workerId;
        this.config = config;
        this.plugins = plugins;
        this.configProviders = configProviders;
        this.secretKeys = new SecretKeys(plugins);
        this.status = new StatusReporter(workerId, statuses, () -> generation, config.topicTrackingEnabled());
        this.connectMetrics = new ConnectMetrics(config.originals(), connectors::size, tasks::size);
        this.status.metrics(connectMetrics);
        this.clients = new TaskClientConfigs(config, bootstrapServers);
        this.offsets = new SourceOffsetStores(config, workerOffsets, clients);
        this.committer = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "sluice-source-offset-committer"));
        this.committer.setRemoveOnCancelPolicy(true);
        this.taskFactory = new TaskFactory(config, plugins, configProviders, offsets, status, clients, committer,
                connectMetrics);
        this.restarts = new TaskRestarts(config, status, this::restartFailedTask);
        status.onTaskFailure(restarts::failed);
    }

    /** This worker's metrics (JMX, GET /metrics, the live figures of the REST status). */
    public ConnectMetrics metrics() {
        return connectMetrics;
    }

    public void start() {
        log.info("Worker {} started", workerId);
    }

    /** The group generation written with every status (distributed mode); 0 in standalone. */
    public void setGeneration(int generation) {
        this.generation = generation;
    }

    /**
     * Starts (or, when the target is STOPPED, only registers) a connector. Failures become a
     * FAILED status with the trace; this method does not throw for plugin failures.
     */
    public void startConnector(String name, Map<String, String> config, TargetState target, ConnectorEvents events) {
        if (closed) {
            throw new ConnectException("Worker is closed");
        }
        if (connectors.containsKey(name)) {
            throw new ConnectException("Connector " + name + " is already running on this worker");
        }
        boolean counted = false;
        hideSecretsOf(name, config);
        try {
            Class<? extends Connector> cls = plugins.pluginClass(config.get(ConnectorConfig.CONNECTOR_CLASS), Connector.class);
            Connector instance = Plugins.newInstance(cls);
            String version = connectorVersion(instance);
            connectMetrics.connectorStarting(name, SourceConnector.class.isAssignableFrom(cls) ? "source" : "sink",
                    cls.getName(), version);
            counted = true;
            status.connectorVersion(name, version);
            Map<String, String> resolved = configProviders.resolve(config);
            WorkerConnector connector = new WorkerConnector(name, instance, config, resolved, status, events,
                    instance instanceof SourceConnector ? offsets.forConnector(name, resolved) : null,
                    pluginMetrics(Map.of("connector", name)));
            connectors.put(name, connector);
            log.info("Starting connector {} ({}) in target state {}", name, cls.getName(), target);
            connector.start(target);
        } catch (Throwable t) {
            if (!counted) {
                connectMetrics.connectorStarting(name, "unknown", config.get(ConnectorConfig.CONNECTOR_CLASS), "unknown");
            }
            status.connectorFailed(name, t);
        }
    }

    /** Tells the status reporter a config's secrets, so no trace or failure log of the connector shows them. */
    private void hideSecretsOf(String connector, Map<String, String> config) {
        status.connectorSecrets(connector, secretKeys.secretValues(config, configProviders));
    }

    private static String connectorVersion(Connector connector) {
        try {
            return connector.version();
        } catch (Throwable t) {
            return "unknown";
        }
    }

    /** Asks a running connector for at most maxTasks task configs (tasks.max enforced as Apache does). */
    public List<Map<String, String>> connectorTaskConfigs(String name, int maxTasks) {
        WorkerConnector connector = connectors.get(name);
        if (connector == null) {
            throw new ConnectException("Connector " + name + " is not running on this worker");
        }
        Map<String, String> original = connector.originalConfig();
        List<Map<String, String>> generated;
        try {
            generated = TaskConfigLimit.check(name, original, connector.taskConfigs(maxTasks), maxTasks);
        } catch (TaskConfigLimit.TooManyTasksException e) {
            connector.fail(e);
            throw e;
        } catch (WorkerConnector.WrappedFailure e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        String taskClass = connector.taskClass().getName();
        List<Map<String, String>> result = new ArrayList<>(generated.size());
        for (Map<String, String> taskConfig : generated) {
            Map<String, String> copy = new HashMap<>(taskConfig);
            copy.put(TASK_CLASS, taskClass);
            if (!connector.isSource()) {
                putIfPresent(copy, original, ConnectorConfig.TOPICS);
                putIfPresent(copy, original, ConnectorConfig.TOPICS_REGEX);
            }
            result.add(Map.copyOf(copy));
        }
        return result;
    }

    /** Starts a task; failures become a FAILED task status. */
    public void startTask(ConnectorTaskId id, Map<String, String> connectorConfig, Map<String, String> taskConfig,
                          TargetState target) {
        if (closed) {
            throw new ConnectException("Worker is closed");
        }
        if (tasks.containsKey(id)) {
            throw new ConnectException("Task " + id + " is already running on this worker");
        }
        taskSpecs.put(id, List.of(connectorConfig, taskConfig));
        hideSecretsOf(id.connector(), connectorConfig);
        hideSecretsOf(id.connector(), taskConfig);
        try {
            TaskRunner runner = taskFactory.create(id, connectorConfig, taskConfig, target,
                    pluginMetrics(Map.of("connector", id.connector(), "task", Integer.toString(id.task()))));
            tasks.put(id, runner);
            log.info("Starting task {} in target state {}", id, target);
            runner.start();
        } catch (Throwable t) {
            boolean built = connectMetrics.task(id.connector(), id.task()) != null;
            if (!built) {
                connectMetrics.taskStartFailed();
            }
            status.taskFailed(id, t);
            if (built && !tasks.containsKey(id)) {
                connectMetrics.taskRemoved(id.connector(), id.task());
            }
        }
    }

    /**
     * An automatic restart: starts the task again with the configs it had, unless it was stopped or
     * replaced meanwhile (then whoever did that decided what runs) or it is not FAILED here any more.
     */
    private void restartFailedTask(ConnectorTaskId id) {
        TaskRunner failed = tasks.get(id);
        List<Map<String, String>> spec = taskSpecs.get(id);
        TaskStatus current = status.current(id);
        if (closed || failed == null || spec == null || current == null || current.state() != State.FAILED || !workerId.equals(current.workerId())
                || !tasks.remove(id, failed)) {
            return;
        }
        failed.stop();
        failed.awaitStop(gracefulTimeoutMs());
        log.info("Restarting failed task {} automatically", id);
        try {
            startTask(id, spec.get(0), spec.get(1), failed.targetState());
        } catch (ConnectException alreadyStarted) {
            log.debug("Task {} was started meanwhile; leaving it", id, alreadyStarted);
        }
    }

    /** Pauses or resumes a connector and its running tasks. */
    public void setTargetState(String connector, TargetState state) {
        WorkerConnector wc = connectors.get(connector);
        if (wc != null) {
            wc.transitionTo(state);
        }
        if (state == TargetState.STOPPED) {
            stopTasks(taskIds(connector));
            return;
        }
        for (TaskRunner runner : tasks.values()) {
            if (runner.id().connector().equals(connector)) {
                runner.transitionTo(state);
            }
        }
    }

    /** Stops a connector and waits for it, at most task.shutdown.graceful.timeout.ms. */
    public void stopConnector(String name) {
        WorkerConnector connector = connectors.remove(name);
        if (connector != null) {
            log.info("Stopping connector {}", name);
            connector.shutdown(gracefulTimeoutMs());
        }
        connectMetrics.connectorRemoved(name);
    }

    /** Stops tasks and waits for them, at most task.shutdown.graceful.timeout.ms in all. */
    public void stopTasks(Collection<ConnectorTaskId> ids) {
        List<TaskRunner> stopping = new ArrayList<>();
        for (ConnectorTaskId id : ids) {
            TaskRunner runner = tasks.remove(id);
            taskSpecs.remove(id);
            if (runner != null) {
                log.info("Stopping task {}", id);
                runner.stop();
                stopping.add(runner);
            }
        }
        long deadline = System.currentTimeMillis() + gracefulTimeoutMs();
        for (TaskRunner runner : stopping) {
            if (!runner.awaitStop(deadline - System.currentTimeMillis())) {
                runner.cancel();
            }
            connectMetrics.taskRemoved(runner.id().connector(), runner.id().task());
        }
    }

    public Set<String> connectorNames() {
        return new TreeSet<>(connectors.keySet());
    }

    /** Every task running on this worker. */
    public Set<ConnectorTaskId> taskIds() {
        return new TreeSet<>(tasks.keySet());
    }

    public Set<ConnectorTaskId> taskIds(String connector) {
        return tasks.keySet().stream().filter(id -> id.connector().equals(connector))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The worker's config. */
    public WorkerConfig config() {
        return config;
    }

    /** Whether source tasks write records and offsets in transactions (exactly.once.source.support=enabled). */
    public boolean exactlyOnceSource() {
        return config.exactlyOnceSource();
    }

    /**
     * The store of a source connector's offsets: the worker's, or its own offsets topic backed by the worker's
     * (KIP-618). Close it when done; the worker's store stays open.
     */
    public OffsetStore offsetStore(String connector, Map<String, String> connectorConfig) {
        return offsets.forConnector(connector, configProviders.resolve(connectorConfig));
    }

    /** Admin client settings for managing a connector's offsets: the worker's and the connector's admin overrides. */
    public Map<String, Object> connectorAdminConfig(String connector, Map<String, String> connectorConfig) {
        return clients.admin(new ConnectorTaskId(connector, 0), connectorConfig);
    }

    /**
     * With exactly-once source, fences the transactional producers of a source connector's tasks numbered
     * newCount up to previousCount before fewer task configs are written (KIP-618): a zombie of a task the
     * connector no longer has can then neither commit records nor offsets. Tasks that remain are fenced by their
     * next instance's own producer. Best effort: a broker that can't be reached can't take a zombie's writes either.
     */
    public void fenceRemovedTasks(String connector, Map<String, String> connectorConfig, int previousCount,
                                  int newCount) {
        if (!exactlyOnceSource() || newCount >= previousCount || !"source".equals(connectorType(connectorConfig))) {
            return;
        }
        List<String> ids = IntStream.range(newCount, previousCount)
                .mapToObj(task -> clients.transactionalId(new ConnectorTaskId(connector, task))).toList();
        try (Admin admin = Admin.create(connectorAdminConfig(connector, connectorConfig))) {
            admin.fenceProducers(ids).all().get(gracefulTimeoutMs(), TimeUnit.MILLISECONDS);
            log.info("Fenced the producers of the {} task(s) connector {} no longer has: {}", ids.size(), connector, ids);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Could not fence the producers of connector {}'s removed tasks {}: {}", connector, ids,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The consumer group of a sink connector's tasks: connect-NAME unless consumer.override.group.id says otherwise. */
    public String sinkConsumerGroup(String connector, Map<String, String> connectorConfig) {
        return String.valueOf(clients.consumer(new ConnectorTaskId(connector, 0), connectorConfig)
                .get(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG));
    }

    /** "source" or "sink" for a connector config's connector.class; "unknown" if it can't be loaded. */
    public String connectorType(Map<String, String> connectorConfig) {
        try {
            Class<? extends Connector> cls = plugins.pluginClass(connectorConfig.get(ConnectorConfig.CONNECTOR_CLASS), Connector.class);
            if (SourceConnector.class.isAssignableFrom(cls)) {
                return "source";
            }
            if (SinkConnector.class.isAssignableFrom(cls)) {
                return "sink";
            }
        } catch (RuntimeException e) {
            log.debug("Cannot load connector class of config", e);
        }
        return "unknown";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        restarts.close();
        stopTasks(new ArrayList<>(tasks.keySet()));
        for (String name : new ArrayList<>(connectors.keySet())) {
            stopConnector(name);
        }
        committer.shutdownNow();
        try {
            committer.awaitTermination(gracefulTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        offsets.close();
        metrics.close();
        connectMetrics.close();
        log.info("Worker {} stopped", workerId);
    }

    private long gracefulTimeoutMs() {
        return config.getLong(WorkerConfig.TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS);
    }

    private PluginMetrics pluginMetrics(Map<String, String> tags) {
        return new PluginMetricsImpl(metrics, tags);
    }

    private static void putIfPresent(Map<String, String> into, Map<String, String> from, String key) {
        String value = from.get(key);
        if (value != null) {
            into.put(key, value);
        }
    }
}
