package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.storage.StatusStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs connectors and tasks on this worker: instantiates them through their plugin loader, resolves config
 * placeholders at start, drives source and sink task loops, and reports every state change to the status store.
 *
 * <p>Nothing here waits for a plugin on the caller's thread: starting, pausing and stopping a connector or task
 * is asked and returns at once (a stop's future says when it is done). Each connector's calls run in order on
 * threads of a shared pool, each task on its own thread; at most start.parallelism start()s run at once, and a
 * start() longer than start.timeout.ms is reported with where it is stuck. A connector or task started again
 * under the same name begins once its previous run here has ended, or was given up after
 * task.shutdown.graceful.timeout.ms.
 *
 * <p>The connectors' lifecycle is {@link ConnectorRuns}', the tasks' {@link TaskRuns}'; this class owns the threads,
 * clients and stores they share and answers the herder's questions about connectors' clients and offsets.
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
    private final PluginMetricGroups pluginMetrics;
    private final ConnectMetrics connectMetrics;
    private final ScheduledThreadPoolExecutor committer;
    /** Source sends that wait long, said in the log. */
    private final BlockedSends blockedSends = new BlockedSends();
    /** Stop deadlines and start watches. */
    private final ScheduledThreadPoolExecutor timer;
    /** The threads connectors' calls run on, one connector at a time each ({@link SerialExecutor}). */
    private final ThreadPoolExecutor connectorThreads;
    private final ConnectorRuns connectors;
    private final TaskRuns tasks;
    /** "source" or "sink" by connector.class as configured, once found. */
    private final Map<String, String> connectorTypes = new ConcurrentHashMap<>();
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
        this.connectMetrics = new ConnectMetrics(config.observability(), this::connectorCount, this::taskCount);
        this.status.metrics(connectMetrics);
        this.pluginMetrics = new PluginMetricGroups(connectMetrics);
        this.clients = new TaskClientConfigs(config, bootstrapServers);
        this.offsets = new SourceOffsetStores(config, workerOffsets, clients);
        this.committer = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "sluice-source-offset-committer"));
        this.committer.setRemoveOnCancelPolicy(true);
        this.timer = new ScheduledThreadPoolExecutor(1, named("sluice-worker-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        AtomicInteger threadCount = new AtomicInteger();
        this.connectorThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "sluice-connector-pool-" + threadCount.incrementAndGet()));
        StartGate startGate = new StartGate(config.getInt(WorkerConfig.START_PARALLELISM),
                config.getLong(WorkerConfig.START_TIMEOUT_MS), timer, connectorThreads);
        this.connectors = new ConnectorRuns(new ConnectorRuns.Context(plugins, configProviders, offsets, status,
                connectMetrics, pluginMetrics, startGate, connectorThreads, this::hideSecretsOf, this::topicCreation),
                new RunEndings<>(timer, gracefulTimeoutMs()));
        TaskFactory taskFactory = new TaskFactory(config, plugins, configProviders, offsets, clients, committer,
                connectMetrics, blockedSends);
        this.tasks = new TaskRuns(config, new TaskRuns.Context(workerId, taskFactory, status, connectMetrics,
                pluginMetrics, startGate, clients, connectorThreads, gracefulTimeoutMs(), this::hideSecretsOf,
                this::connectorType), new RunEndings<>(timer, gracefulTimeoutMs()));
    }

    // the metrics are made before the runs they count, so a gauge read that early counts none
    private int connectorCount() {
        return connectors == null ? 0 : connectors.size();
    }

    private int taskCount() {
        return tasks == null ? 0 : tasks.size();
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
     * Starts (or, when the target is STOPPED, only registers) a connector, in the background: it is built and
     * started on its own thread once its previous run here ended and its turn comes. Failures become a FAILED
     * status with the connector's own error; a started connector hands its task configs to events.
     */
    public void startConnector(String name, Map<String, String> config, TargetState target, ConnectorEvents events) {
        if (closed) {
            throw new ConnectException("Worker is closed");
        }
        connectors.start(name, config, target, events);
    }

    /** Tells the status reporter a config's secrets, so no trace or failure log of the connector shows them. */
    private void hideSecretsOf(String connector, Map<String, String> config) {
        status.connectorSecrets(connector, secretKeys.secretValues(config, configProviders));
    }

    /** Whether run is the connector's current run on this worker (its task configs may still be applied). */
    public boolean isCurrentRun(String connector, long run) {
        return connectors.isCurrentRun(connector, run);
    }

    /**
     * Starts a task in the background, on its own thread, once its previous run here ended; failures become a
     * FAILED task status.
     */
    public void startTask(TaskSpec spec, TargetState target) {
        if (closed) {
            throw new ConnectException("Worker is closed");
        }
        tasks.start(spec, target);
    }

    /** Pauses, resumes or stops a connector and its tasks on this worker, in the background. */
    public void setTargetState(String connector, TargetState state) {
        connectors.transitionTo(connector, state);
        if (state == TargetState.STOPPED) {
            stopTasks(taskIds(connector));
            return;
        }
        tasks.transitionTo(connector, state);
    }

    /**
     * Stops a connector (not its tasks) in the background. The future completes once it stopped, or once
     * task.shutdown.graceful.timeout.ms passed (then it is given up: it reports nothing more).
     */
    public CompletableFuture<Void> stopConnector(String name) {
        return connectors.stop(name, false);
    }

    /**
     * Stops a connector being deleted and its tasks, quietly: none of them reports a status any more, so the
     * deleted connector's status, once removed, stays removed; its sink tasks leave their consumer group.
     *
     * @param connectorConfig its config, or an empty map when it is gone already (its tasks here still know it)
     */
    public CompletableFuture<Void> removeConnector(String name, Map<String, String> connectorConfig) {
        CompletableFuture<Void> tasksStopped = tasks.stop(taskIds(name), true, connectorConfig);
        return CompletableFuture.allOf(tasksStopped, connectors.stop(name, true));
    }

    /**
     * Stops tasks in the background, all at once. The future completes once all have stopped; those still
     * running after task.shutdown.graceful.timeout.ms are cancelled (they commit and report nothing more).
     */
    public CompletableFuture<Void> stopTasks(Collection<ConnectorTaskId> ids) {
        return tasks.stop(ids, false, null);
    }

    /**
     * Stops tasks that no longer exist (fewer task configs than before) of a connector with this config, as
     * {@link #stopTasks}; once a sink task stopped (whether it ran here or was stopped already), its static member
     * also leaves its consumer group, so its partitions go to the remaining tasks at once instead of after the
     * member's session timeout.
     */
    public CompletableFuture<Void> retireTasks(Map<String, String> connectorConfig, Collection<ConnectorTaskId> ids) {
        return tasks.stop(ids, false, connectorConfig);
    }

    public Set<String> connectorNames() {
        return connectors.names();
    }

    /** Every task running on this worker. */
    public Set<ConnectorTaskId> taskIds() {
        return tasks.ids();
    }

    public Set<ConnectorTaskId> taskIds(String connector) {
        return tasks.ids(connector);
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
        return offsets.forConnector(connector,
                new SourceConnectorConfig(plugins, configProviders.resolve(connectorConfig), topicCreation()));
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

    /**
     * Takes every static member a stopped sink connector's tasks left out of its consumer group (a static member
     * does not leave when its consumer closes), so its offsets can be altered or reset at once instead of after
     * the members' session timeout. Only members named as this connector's tasks are removed.
     */
    public void leaveStoppedSinkGroup(String connector, Map<String, String> connectorConfig) {
        Map<String, Object> consumer = clients.consumer(new ConnectorTaskId(connector, 0), connectorConfig);
        Object first = consumer.get(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (first != null) {
            String id = first.toString();
            StaticMembers.leaveAllNamed(consumer, id.substring(0, id.length() - 1), gracefulTimeoutMs());
        }
    }

    /** Completes once every task run this worker is stopping has ended, each bounded by the graceful timeout. */
    public CompletableFuture<Void> tasksEnded() {
        return CompletableFuture.allOf(tasks.ending().toArray(CompletableFuture[]::new));
    }

    /**
     * Waits until the connector and its tasks that this worker is stopping have ended, at most their graceful
     * timeout: a stopped connector's offsets are changed only after its tasks' last commits (which would overwrite
     * them) and once they let go of their systems (a replication slot a stopping task still reads).
     */
    public void awaitStopped(String connector) {
        List<CompletableFuture<Void>> ending = new ArrayList<>(tasks.ending(connector));
        ending.addAll(connectors.ending(connector));
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
                    .get(gracefulTimeoutMs() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Connector {} or one of its tasks had not stopped in time: {}", connector, e.toString());
        }
    }

    /** The consumer group of a sink connector's tasks: connect-NAME unless consumer.override.group.id says otherwise. */
    public String sinkConsumerGroup(String connector, Map<String, String> connectorConfig) {
        return String.valueOf(clients.consumer(new ConnectorTaskId(connector, 0), connectorConfig)
                .get(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG));
    }

    /** "source" or "sink" for a connector config's connector.class; "unknown" if it can't be loaded. */
    public String connectorType(Map<String, String> connectorConfig) {
        String className = connectorConfig.get(ConnectorConfig.CONNECTOR_CLASS);
        String known = className == null ? null : connectorTypes.get(className);
        if (known != null) {
            return known; // every status read asks: a thousand connectors' statuses need no thousand look-ups
        }
        try {
            Class<? extends Connector> cls = plugins.pluginClass(className, Connector.class);
            String type = SourceConnector.class.isAssignableFrom(cls) ? "source"
                    : SinkConnector.class.isAssignableFrom(cls) ? "sink" : null;
            if (type != null) {
                connectorTypes.put(className, type);
                return type;
            }
        } catch (RuntimeException e) {
            log.debug("Cannot load connector class of config", e);
        }
        return "unknown"; // not remembered: the plugin may be installed later
    }

    /**
     * Stops every connector and task on this worker, all at once. The future completes once all have
     * stopped, within task.shutdown.graceful.timeout.ms (those still running then are given up).
     */
    public CompletableFuture<Void> stopAll() {
        // counted here, where they stop: the herder stops everything before the worker closes, so a count taken
        // in close() found the maps empty and logged "Stopped 0 task(s) and 0 connector(s)" (tryout15)
        long began = System.currentTimeMillis();
        Set<ConnectorTaskId> taskIds = tasks.ids();
        int connectorCount = connectors.size();
        CompletableFuture<Void> all = CompletableFuture.allOf(stopTasks(taskIds), connectors.stopAll());
        if (taskIds.isEmpty() && connectorCount == 0) {
            return all;
        }
        // the caller resumes after the line is written, so it comes before the caller's own "stopped"
        return all.whenComplete((done, failure) -> log.info("Stopped {} task(s) and {} connector(s) in {} ms",
                taskIds.size(), connectorCount, System.currentTimeMillis() - began));
    }

    /** Stops every connector and task at once and waits for them, at most task.shutdown.graceful.timeout.ms. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tasks.close();
        try {
            // each stop is bounded by the graceful timeout already; the margin covers the timer itself
            stopAll().get(gracefulTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Not every connector and task stopped in time", e);
        }
        committer.shutdownNow();
        timer.shutdownNow();
        blockedSends.close();
        // idle connector threads end now; one still in the call of a connector given up on is not waited for
        connectorThreads.shutdownNow();
        try {
            committer.awaitTermination(gracefulTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        offsets.close();
        pluginMetrics.close();
        connectMetrics.close();
        log.info("Worker {} stopped", workerId);
    }

    /** Whether this worker creates source connectors' topics (topic.creation.enable), so parses their rules. */
    private boolean topicCreation() {
        return config.getBoolean(WorkerConfig.TOPIC_CREATION_ENABLE);
    }

    private long gracefulTimeoutMs() {
        return config.getLong(WorkerConfig.TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS);
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
