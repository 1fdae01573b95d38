package io.sluice.runtime.worker;

import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector instance on this worker. Every call into the connector runs on its own named thread
 * ({@code sluice-connector-<name>}) so that a connector that hangs in stop() cannot hold the worker.
 * A paused or stopped connector is a stopped Connector instance, as in Apache Kafka Connect.
 */
final class WorkerConnector {
    private static final Logger log = LoggerFactory.getLogger(WorkerConnector.class);

    private enum Phase { INIT, STARTED, PAUSED, STOPPED, FAILED }

    private final String name;
    private final Connector connector;
    private final Map<String, String> config;
    private final Map<String, String> originalConfig;
    private final StatusReporter status;
    private final ExecutorService thread;
    private final ConnectorContext context;
    /** A source connector's offsets, closed with the connector; null for a sink. */
    private final OffsetStore offsets;
    private volatile Phase phase = Phase.INIT;

    WorkerConnector(String name, Connector connector, Map<String, String> originalConfig,
                    Map<String, String> resolvedConfig, StatusReporter status,
                    ConnectorEvents events, OffsetStore offsets, PluginMetrics metrics) {
        this.name = name;
        this.connector = connector;
        this.config = resolvedConfig;
        this.originalConfig = Map.copyOf(originalConfig);
        this.status = status;
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "sluice-connector-" + name));
        this.offsets = offsets;
        this.context = connector instanceof SourceConnector
                ? new SourceContext(events, new StoreOffsetReader(name, offsets), metrics)
                : new SinkContext(events, metrics);
    }

    boolean isSource() {
        return connector instanceof SourceConnector;
    }

    Connector connector() {
        return connector;
    }

    /** The connector config as submitted, placeholders unresolved (safe to copy into stored task configs). */
    Map<String, String> originalConfig() {
        return originalConfig;
    }

    /** The connector's task class, asked on the connector's thread. */
    Class<?> taskClass() {
        return call(connector::taskClass, Long.MAX_VALUE);
    }

    /** Initializes the connector and brings it to the target state; failures become a FAILED status. */
    void start(TargetState target) {
        callQuietly(() -> {
            connector.initialize(context);
            return null;
        });
        if (phase != Phase.FAILED) {
            transitionTo(target);
        }
    }

    /** Starts, pauses or stops the connector instance; failures become a FAILED status. */
    void transitionTo(TargetState target) {
        callQuietly(() -> {
            switch (target) {
                case STARTED -> {
                    if (phase != Phase.STARTED) {
                        connector.start(config);
                        phase = Phase.STARTED;
                        log.info("Connector {} started", name); // the MDC carries [name|worker]
                        status.connector(name, State.RUNNING);
                    }
                }
                case PAUSED -> suspend(Phase.PAUSED, State.PAUSED);
                case STOPPED -> suspend(Phase.STOPPED, State.STOPPED);
                default -> throw new IllegalArgumentException(String.valueOf(target));
            }
            return null;
        });
    }

    private void suspend(Phase next, State reported) {
        if (phase == next) {
            return;
        }
        if (phase == Phase.STARTED) {
            connector.stop();
        }
        phase = next;
        status.connector(name, reported);
    }

    /** The connector's task configs; throws when the connector is not running. */
    List<Map<String, String>> taskConfigs(int maxTasks) {
        return call(() -> {
            if (phase != Phase.STARTED) {
                throw new ConnectException("Connector " + name + " is not running (" + phase + "); it has no task configs");
            }
            return connector.taskConfigs(maxTasks);
        }, Long.MAX_VALUE);
    }

    /** Marks the connector FAILED (raiseError, too many tasks, ...). */
    void fail(Throwable error) {
        phase = Phase.FAILED;
        status.connectorFailed(name, error);
    }

    /** Stops the connector instance within the timeout and releases its thread; idempotent. */
    void shutdown(long timeoutMs) {
        if (thread.isShutdown()) {
            return;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        try {
            call(() -> {
                if (phase == Phase.STARTED) {
                    connector.stop();
                }
                if (phase != Phase.FAILED) {
                    status.connectorStopped(name);
                }
                phase = Phase.STOPPED;
                return null;
            }, timeoutMs);
        } catch (RuntimeException e) {
            log.warn("{}Connector {} did not stop cleanly", PluginScope.connectorContext(name), name, e);
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                log.warn("Connector {} did not stop within {} ms; interrupting it", name, timeoutMs);
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
        Utils.closeQuietly(offsets, "offset store");
    }

    private void callQuietly(Callable<Void> op) {
        try {
            call(op, Long.MAX_VALUE);
        } catch (RuntimeException e) {
            fail(e instanceof WrappedFailure w ? w.getCause() : e);
        }
    }

    private <T> T call(Callable<T> op, long timeoutMs) {
        ClassLoader loader = connector.getClass().getClassLoader();
        Future<T> future = thread.submit(() -> {
            try (PluginScope scope = PluginScope.connector(loader, name)) {
                return op.call();
            }
        });
        try {
            return timeoutMs == Long.MAX_VALUE ? future.get() : future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConnectException ce) {
                throw new WrappedFailure(ce);
            }
            throw new WrappedFailure(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while calling connector " + name, e);
        } catch (TimeoutException e) {
            throw new ConnectException("Connector " + name + " did not answer within " + timeoutMs + " ms", e);
        }
    }

    /** Carries a connector's own exception to the caller; getCause() is what the connector threw. */
    static final class WrappedFailure extends ConnectException {
        WrappedFailure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private abstract class BaseContext implements ConnectorContext {
        private final ConnectorEvents events;
        private final PluginMetrics metrics;

        BaseContext(ConnectorEvents events, PluginMetrics metrics) {
            this.events = events;
            this.metrics = metrics;
        }

        @Override
        public void requestTaskReconfiguration() {
            if (phase == Phase.STARTED && events != null) {
                events.onTaskReconfigurationRequest(name);
            }
        }

        @Override
        public void raiseError(Exception e) {
            fail(e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return metrics;
        }
    }

    private final class SourceContext extends BaseContext implements SourceConnectorContext {
        private final OffsetStorageReader reader;

        SourceContext(ConnectorEvents events, OffsetStorageReader reader, PluginMetrics metrics) {
            super(events, metrics);
            this.reader = reader;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return reader;
        }
    }

    private final class SinkContext extends BaseContext implements SinkConnectorContext {
        SinkContext(ConnectorEvents events, PluginMetrics metrics) {
            super(events, metrics);
        }
    }
}
