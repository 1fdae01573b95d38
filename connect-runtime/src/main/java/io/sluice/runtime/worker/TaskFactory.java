package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.worker.errors.ErrorHandler;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Builds a task runner: resolves the configs, instantiates the task, its converters, transformation
 * chain and error handler with the connector plugin's loader, and the Kafka client configs.
 */
final class TaskFactory {
    private final WorkerConfig worker;
    private final Plugins plugins;
    private final SourceOffsetStores offsets;
    private final TaskClientConfigs clients;
    private final ScheduledExecutorService committer;
    private final ConfigProviders providers;
    private final ConnectMetrics connectMetrics;
    /** The worker's watch of source sends that wait long. */
    private final BlockedSends blockedSends;

    TaskFactory(WorkerConfig worker, Plugins plugins, ConfigProviders providers, SourceOffsetStores offsets,
                TaskClientConfigs clients, ScheduledExecutorService committer, ConnectMetrics connectMetrics,
                BlockedSends blockedSends) {
        this.connectMetrics = connectMetrics;
        this.blockedSends = blockedSends;
        this.worker = worker;
        this.providers = providers;
        this.plugins = plugins;
        this.offsets = offsets;
        this.clients = clients;
        this.committer = committer;
    }

    /** @param status the view of the status reporter this run of the task reports through */
    TaskRunner create(TaskSpec spec, TargetState target, StatusReporter status, PluginMetrics metrics) {
        ConnectorTaskId id = spec.id();
        Map<String, String> conn = providers.resolve(spec.connectorConfig());
        Map<String, String> own = providers.resolve(spec.taskConfig());
        Class<? extends Connector> connectorClass = plugins.pluginClass(conn.get(ConnectorConfig.CONNECTOR_CLASS), Connector.class);
        ClassLoader loader = connectorClass.getClassLoader();
        ConverterSet converters = null;
        TransformationChain<?> chain = null;
        ErrorHandler errors = null;
        OffsetStore offsetStore = null;
        try (PluginScope scope = PluginScope.task(loader, id.connector(), id.task())) {
            Task task = Plugins.newInstance(taskClass(connectorClass, own, loader));
            status.taskVersion(id, versionOf(task));
            boolean sink = task instanceof SinkTask;
            // parsed once, by the keys' one definition; every part of the task reads its settings from here
            boolean topicCreation = worker.getBoolean(WorkerConfig.TOPIC_CREATION_ENABLE);
            ConnectorConfig typed = ConnectorConfig.parse(plugins, conn, sink, topicCreation);
            Map<String, Object> admin = clients.admin(id, conn);
            errors = new ErrorHandler(id, typed, sink ? clients.dlqProducer(id, conn) : Map.of(), admin);
            converters = ConverterSet.create(typed, worker, plugins);
            long interval = worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS);
            long timeout = worker.getLong(WorkerConfig.OFFSET_FLUSH_TIMEOUT_MS);
            if (task instanceof SourceTask sourceTask && typed instanceof SourceConnectorConfig source) {
                TransformationChain<SourceRecord> transforms = TransformationChain.create(typed, plugins);
                chain = transforms;
                TopicCreation creation = TopicCreation.of(source, topicCreation).orElse(null);
                // the commit strategy and the producer it needs are chosen here, once: the task loop never asks
                SourceTransactions.Boundary boundary = SourceTransactions.of(worker, source);
                SourceCommits commits = boundary == null
                        ? new OffsetFlushCommits(committer, interval, timeout) : new SourceTransactions(boundary);
                Map<String, Object> producer = boundary == null
                        ? clients.producer(id, conn) : clients.transactionalProducer(id, conn);
                offsetStore = offsets.forConnector(id.connector(), source);
                SourceTaskRunner.Setup setup = new SourceTaskRunner.Setup(offsetStore, () -> new KafkaProducer<>(producer),
                        admin, creation, topicCreation, timeout, metrics, connectMetrics.sourceTask(id.connector(), id.task()), commits,
                        blockedSends);
                errors.metrics(setup.taskMetrics().errors());
                return new SourceTaskRunner(id, status, target, sourceTask, own, converters, transforms, errors, setup);
            }
            if (task instanceof SinkTask sinkTask) {
                TransformationChain<SinkRecord> transforms = TransformationChain.create(typed, plugins);
                chain = transforms;
                SinkTaskRunner.Setup setup = new SinkTaskRunner.Setup(clients.consumer(id, conn), interval, timeout, metrics,
                        connectMetrics.sinkTask(id.connector(), id.task()));
                errors.metrics(setup.taskMetrics().errors());
                return new SinkTaskRunner(id, status, target, sinkTask, own, converters, transforms, errors, setup);
            }
            throw new ConnectException("Task class " + task.getClass().getName() + " is neither a SourceTask nor a SinkTask");
        } catch (RuntimeException | Error e) {
            Utils.closeQuietly(chain, "transformation chain");
            Utils.closeQuietly(converters, "converters");
            Utils.closeQuietly(errors, "error handler");
            Utils.closeQuietly(offsetStore, "offset store");
            throw e;
        }
    }

    /** What the task says its version is (plugin code: it may fail), or null. */
    private static String versionOf(Task task) {
        try {
            return task.version();
        } catch (RuntimeException | LinkageError e) {
            return null; // the status then shows no version, as Apache's does for a task that cannot tell
        }
    }

    /** The task.class of the task config, loaded by the connector's loader; else the connector's taskClass(). */
    private static Class<? extends Task> taskClass(Class<? extends Connector> connectorClass, Map<String, String> taskConfig,
                                                   ClassLoader loader) {
        String name = taskConfig.get(Worker.TASK_CLASS);
        try {
            if (name != null && !name.isBlank()) {
                return Class.forName(name.trim(), true, loader).asSubclass(Task.class);
            }
            return Plugins.newInstance(connectorClass).taskClass();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new ConnectException("Cannot load task class " + name + " of connector " + connectorClass.getName(), e);
        }
    }
}
