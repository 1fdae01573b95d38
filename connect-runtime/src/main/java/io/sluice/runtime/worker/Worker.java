package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.metrics.PluginMetricsReporter;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.storage.TaskStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Time;
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
    /** The plugins' metrics (KIP-877), shown with the worker's through {@link PluginMetricsReporter}. */
    private final Metrics metrics;
    private final ConnectMetrics connectMetrics;
    private final ScheduledThreadPoolExecutor committer;
    /** Stop deadlines and start watches. */
    private final ScheduledThreadPoolExecutor timer;
    /** The threads connectors' calls run on, one connector at a time each ({@link SerialExecutor}). */
    private final ThreadPoolExecutor connectorThreads;
    private final StartGate startGate;
    private final Map<String, WorkerConnector> connectors = new ConcurrentHashMap<>();
    private final Map<ConnectorTaskId, TaskSlot> tasks = new ConcurrentHashMap<>();
    /** Runs that were asked to stop and have not ended yet: the next run of the same name waits for them. */
    private final RunEndings<String> endingConnectors;
    private final RunEndings<ConnectorTaskId> endingTasks;
    private final TaskRestarts restarts;
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
        this.connectMetrics = new ConnectMetrics(config.observability(), connectors::size, tasks::size);
        this.status.metrics(connectMetrics);
        this.metrics = new Metrics(new MetricConfig(), List.of(new PluginMetricsReporter(connectMetrics.registry())),
                Time.SYSTEM);
        this.clients = new TaskClientConfigs(config, bootstrapServers);
        this.offsets = new SourceOffsetStores(config, workerOffsets, clients);
        this.committer = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "sluice-source-offset-committer"));
        this.committer.setRemoveOnCancelPolicy(true);
        this.timer = new ScheduledThreadPoolExecutor(1, named("sluice-worker-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.endingConnectors = new RunEndings<>(timer, gracefulTimeoutMs());
        this.endingTasks = new RunEndings<>(timer, gracefulTimeoutMs());
        AtomicInteger threadCount = new AtomicInteger();
        this.connectorThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "sluice-connector-pool-" + threadCount.incrementAndGet()));
        this.startGate = new StartGate(config.getInt(WorkerConfig.START_PARALLELISM),
                config.getLong(WorkerConfig.START_TIMEOUT_MS), timer, connectorThreads);
        this.taskFactory = new TaskFactory(config, plugins, configProviders, offsets, clients, committer,
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
     * Starts (or, when the target is STOPPED, only registers) a connector, in the background: it is built and
     * started on its own thread once its previous run here ended and its turn comes. Failures become a FAILED
     * status with the connector's own error; a started connector hands its task configs to events.
     */
    public void startConnector(String name, Map<String, String> config, TargetState target, ConnectorEvents events) {
        if (closed) {
            throw new ConnectException("Worker is closed");
        }
        WorkerConnector connector = new WorkerConnector(name, config, target, status.forRun(), events, startGate,
                new SerialExecutor(connectorThreads, "sluice-connector-" + name));
        if (connectors.putIfAbsent(name, connector) != null) {
            throw new ConnectException("Connector " + name + " is already running on this worker");
        }
        connector.start(endingConnectors.previous(name), () -> buildConnector(name, config, target));
    }

    private WorkerConnector.Parts buildConnector(String name, Map<String, String> config, TargetState target) {
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
            OffsetStore store = instance instanceof SourceConnector ? offsets.forConnector(name, resolved) : null;
            log.info("Starting connector {} ({}) in target state {}", name, cls.getName(), target);
            return new WorkerConnector.Parts(instance, resolved, store, pluginMetrics(Map.of("connector", name)));
        } catch (RuntimeException | Error e) {
            if (!counted) {
                connectMetrics.connectorStarting(name, "unknown", config.get(ConnectorConfig.CONNECTOR_CLASS), "unknown");
            }
            throw e;
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

    /** Whether run is the connector's current run on this worker (its task configs may still be applied). */
    public boolean isCurrentRun(String connector, long run) {
        WorkerConnector current = connectors.get(connector);
        return current != null && current.run() == run;
    }

    /**
     * Starts a task in the background, on its own thread, once its previous run here ended; failures become a
     * FAILED task status.
     */
    public void startTask(ConnectorTaskId id, Map<String, String> connectorConfig, Map<String, String> taskConfig,
                          TargetState target) {
        if (closed) {
            throw new ConnectException("Worker is closed");
        }
        if (tasks.containsKey(id)) {
            throw new ConnectException("Task " + id + " is already running on this worker");
        }
        hideSecretsOf(id.connector(), connectorConfig);
        hideSecretsOf(id.connector(), taskConfig);
        StatusReporter runStatus = status.forRun();
        TaskSlot[] self = new TaskSlot[1];
        TaskSlot slot = new TaskSlot(id, List.of(connectorConfig, taskConfig), target, runStatus, startGate,
                endingTasks.previous(id), gracefulTimeoutMs(), () -> buildTask(id, connectorConfig, taskConfig, target, runStatus),
                () -> taskEnded(self[0]));
        self[0] = slot;
        if (tasks.putIfAbsent(id, slot) != null) {
            throw new ConnectException("Task " + id + " is already running on this worker");
        }
        log.info("Starting task {} in target state {}", id, target);
        slot.start();
    }

    private TaskRunner buildTask(ConnectorTaskId id, Map<String, String> connectorConfig, Map<String, String> taskConfig,
                                 TargetState target, StatusReporter runStatus) {
        try {
            TaskRunner runner = taskFactory.create(id, connectorConfig, taskConfig, target, runStatus,
                    pluginMetrics(Map.of("connector", id.connector(), "task", Integer.toString(id.task()))));
            runner.startGate(startGate);
            return runner;
        } catch (RuntimeException | Error e) {
            if (connectMetrics.task(id.connector(), id.task()) == null) {
                connectMetrics.taskStartFailed();
            }
            throw e;
        }
    }

    /**
     * A task's thread ended, or it was stopped: its metrics go, unless it still stands (it failed by itself: its
     * FAILED metrics stay until it is stopped) or a newer run of the task already has its own.
     */
    private void taskEnded(TaskSlot slot) {
        TaskSlot current = tasks.get(slot.id());
        if (current == slot) {
            return; // it ended by itself (failed): its FAILED metrics stay until it is stopped
        }
        if (current == null || !current.built()) {
            connectMetrics.taskRemoved(slot.id().connector(), slot.id().task());
            dropPluginMetrics(Map.of("connector", slot.id().connector(), "task", Integer.toString(slot.id().task())));
        }
    }

    /**
     * An automatic restart: starts the task again with the configs it had, unless it was stopped or
     * replaced meanwhile (then whoever did that decided what runs) or it is not FAILED here any more.
     */
    private void restartFailedTask(ConnectorTaskId id) {
        TaskSlot failed = tasks.get(id);
        TaskStatus current = status.current(id);
        if (closed || failed == null || current == null || current.state() != State.FAILED
                || !workerId.equals(current.workerId()) || !tasks.remove(id, failed)) {
            return;
        }
        stop(failed, false);
        log.info("Restarting failed task {} automatically", id);
        try {
            startTask(id, failed.configs().get(0), failed.configs().get(1), failed.targetState());
        } catch (ConnectException alreadyStarted) {
            log.debug("Task {} was started meanwhile; leaving it", id, alreadyStarted);
        }
    }

    /** Pauses, resumes or stops a connector and its tasks on this worker, in the background. */
    public void setTargetState(String connector, TargetState state) {
        WorkerConnector wc = connectors.get(connector);
        if (wc != null) {
            wc.transitionTo(state);
        }
        if (state == TargetState.STOPPED) {
            stopTasks(taskIds(connector));
            return;
        }
        for (TaskSlot slot : tasks.values()) {
            if (slot.id().connector().equals(connector)) {
                slot.transitionTo(state);
            }
        }
    }

    /**
     * Stops a connector (not its tasks) in the background. The future completes once it stopped, or once
     * task.shutdown.graceful.timeout.ms passed (then it is given up: it reports nothing more).
     */
    public CompletableFuture<Void> stopConnector(String name) {
        return stopConnector(name, false);
    }

    /**
     * Stops a connector being deleted and its tasks, quietly: none of them reports a status any more, so the
     * deleted connector's status, once removed, stays removed; its sink tasks leave their consumer group.
     *
     * @param connectorConfig its config, or an empty map when it is gone already (its tasks here still know it)
     */
    public CompletableFuture<Void> removeConnector(String name, Map<String, String> connectorConfig) {
        CompletableFuture<Void> tasksStopped = stopTasks(taskIds(name), true, connectorConfig);
        return CompletableFuture.allOf(tasksStopped, stopConnector(name, true));
    }

    private CompletableFuture<Void> stopConnector(String name, boolean quietly) {
        WorkerConnector connector = connectors.remove(name);
        if (connector == null) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("Stopping connector {}", name);
        CompletableFuture<Void> stopped = endingConnectors.stopping(name, connector.stop(quietly), connector::abandon);
        stopped.thenRun(() -> {
            if (!connectors.containsKey(name)) {
                connectMetrics.connectorRemoved(name);
                dropPluginMetrics(Map.of("connector", name));
            }
        });
        return stopped;
    }

    /**
     * Stops tasks in the background, all at once. The future completes once all have stopped; those still
     * running after task.shutdown.graceful.timeout.ms are cancelled (they commit and report nothing more).
     */
    public CompletableFuture<Void> stopTasks(Collection<ConnectorTaskId> ids) {
        return stopTasks(ids, false, null);
    }

    /**
     * Stops tasks that no longer exist (fewer task configs than before) of a connector with this config, as
     * {@link #stopTasks}; once a sink task stopped (whether it ran here or was stopped already), its static member
     * also leaves its consumer group, so its partitions go to the remaining tasks at once instead of after the
     * member's session timeout.
     */
    public CompletableFuture<Void> retireTasks(Map<String, String> connectorConfig, Collection<ConnectorTaskId> ids) {
        return stopTasks(ids, false, connectorConfig);
    }

    /**
     * Stops tasks; retiring is null, or the config of their connector when they no longer exist, so that sink
     * tasks' static members leave their group once stopped (a task running here says its own config).
     */
    private CompletableFuture<Void> stopTasks(Collection<ConnectorTaskId> ids, boolean quietly,
                                              Map<String, String> retiring) {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        List<Map<String, Object>> leaving = new ArrayList<>();
        for (ConnectorTaskId id : ids) {
            TaskSlot slot = tasks.remove(id);
            Map<String, String> connectorConfig = slot != null ? slot.configs().get(0) : retiring;
            if (slot != null) {
                stopping.add(stop(slot, quietly));
            } else if (endingTasks.previous(id) != null) {
                stopping.add(endingTasks.previous(id)); // stopped a moment ago: its consumer may still be closing
            }
            if (retiring != null && connectorConfig != null && "sink".equals(connectorType(connectorConfig))) {
                leaving.add(clients.consumer(id, connectorConfig));
            }
        }
        CompletableFuture<Void> stopped = CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
        if (!leaving.isEmpty()) {
            stopped.thenRunAsync(() -> StaticMembers.leave(leaving, gracefulTimeoutMs()), connectorThreads);
        }
        return stopped;
    }

    private CompletableFuture<Void> stop(TaskSlot slot, boolean quietly) {
        log.info("Stopping task {}", slot.id());
        CompletableFuture<Void> stopped = endingTasks.stopping(slot.id(), slot.stop(quietly), slot::cancel);
        stopped.thenRun(() -> taskEnded(slot)); // a task that had failed ended long ago: its metrics go now
        return stopped;
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

    /**
     * Waits until the connector and its tasks that this worker is stopping have ended, at most their graceful
     * timeout: a stopped connector's offsets are changed only after its tasks' last commits (which would overwrite
     * them) and once they let go of their systems (a replication slot a stopping task still reads).
     */
    public void awaitStopped(String connector) {
        List<CompletableFuture<Void>> ending = new ArrayList<>(endingTasks.stopping(id -> id.connector().equals(connector)));
        ending.addAll(endingConnectors.stopping(connector::equals));
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
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        stopping.add(stopTasks(new ArrayList<>(tasks.keySet())));
        for (String name : new ArrayList<>(connectors.keySet())) {
            stopping.add(stopConnector(name));
        }
        return CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
    }

    /** Stops every connector and task at once and waits for them, at most task.shutdown.graceful.timeout.ms. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        restarts.close();
        long began = System.currentTimeMillis();
        int taskCount = tasks.size();
        int connectorCount = connectors.size();
        try {
            // each stop is bounded by the graceful timeout already; the margin covers the timer itself
            stopAll().get(gracefulTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Not every connector and task stopped in time", e);
        }
        log.info("Stopped {} task(s) and {} connector(s) in {} ms", taskCount, connectorCount,
                System.currentTimeMillis() - began);
        committer.shutdownNow();
        timer.shutdownNow();
        // idle connector threads end now; one still in the call of a connector given up on is not waited for
        connectorThreads.shutdownNow();
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

    /** A plugin's metrics; what an earlier instance with the same tags left (a failed start) is dropped first. */
    private PluginMetrics pluginMetrics(Map<String, String> tags) {
        dropPluginMetrics(tags);
        return new PluginMetricsImpl(metrics, tags);
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Removes a stopped connector's or task's plugin metrics, as Apache closes its PluginMetrics: left behind they
     * would show a stopped task's figures and make the next start's identical metric names fail.
     */
    private void dropPluginMetrics(Map<String, String> tags) {
        for (MetricName name : new ArrayList<>(metrics.metrics().keySet())) {
            if (name.group().equals("plugins") && name.tags().equals(tags)) {
                metrics.removeMetric(name);
            }
        }
    }
}
