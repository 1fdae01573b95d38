package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.storage.OffsetStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a connector on this worker. Every call into the connector (building it, start, stop, taskConfigs)
 * happens in order on its {@link SerialExecutor}, never on the caller's thread: the herder asks for a start, a
 * pause or a stop and goes on at once, and a connector that hangs in start() or stop() holds nobody but itself.
 * A started connector hands the task configs it made to its {@link ConnectorEvents}. A paused or stopped
 * connector is a stopped Connector instance, as in Apache Kafka Connect.
 */
final class WorkerConnector {
    private static final Logger log = LoggerFactory.getLogger(WorkerConnector.class);
    private static final AtomicLong RUNS = new AtomicLong();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /**
     * The connector instance and what it runs with, built on its own thread when its turn to start comes: config is
     * the resolved config the connector is given, typed the same parsed as the runtime reads it.
     */
    record Parts(Connector connector, Map<String, String> config, ConnectorConfig typed, OffsetStore offsets,
                 PluginMetrics metrics) {
    }

    private enum Phase { INIT, STARTED, PAUSED, STOPPED, FAILED, ENDED }

    private final String name;
    private final long run = RUNS.incrementAndGet();
    private final Map<String, String> originalConfig;
    private final StatusReporter status;
    private final ConnectorEvents events;
    private final StartGate gate;
    private final SerialExecutor calls;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile TargetState target;
    private volatile Phase phase = Phase.INIT;
    private volatile boolean stopping;
    /** The thread inside a call into the connector right now, interrupted if the connector is given up. */
    private volatile Thread calling;
    /** The turn at the start gate this connector waits for, if it waits; a stop cancels it. */
    private volatile CompletableFuture<StartGate.Turn> awaitedTurn;
    // set once, on the connector's thread, when it is built
    private volatile Parts parts;
    private volatile boolean source;
    private Class<?> taskClass;

    /** @param status this run's own view of the status reporter, silenced when the run is given up */
    WorkerConnector(String name, Map<String, String> originalConfig, TargetState target, StatusReporter status,
                    ConnectorEvents events, StartGate gate, SerialExecutor calls) {
        this.name = name;
        this.originalConfig = Map.copyOf(originalConfig);
        this.target = target;
        this.status = status;
        this.events = events;
        this.gate = gate;
        this.calls = calls;
    }

    /** Identifies this run among all runs of connectors named alike, past and future. */
    long run() {
        return run;
    }

    boolean isSource() {
        return source;
    }

    TargetState targetState() {
        return target;
    }

    /** The connector config as submitted, placeholders unresolved (safe to copy into stored task configs). */
    Map<String, String> originalConfig() {
        return originalConfig;
    }

    /** Completes when this run has ended: stopped, or given up. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * Builds the connector once the previous run of the same name here ended and its turn comes
     * (start.parallelism), initializes it and brings it to its target state; failures become a FAILED status
     * with the connector's own error.
     */
    void start(CompletableFuture<Void> previousRun, Supplier<Parts> build) {
        if (previousRun != null) {
            calls.submit(() -> previousRun); // ended, or given up after the graceful timeout
        }
        calls.submit(() -> whenItsTurn(turn -> {
            Parts built = plugin(build::get);
            parts = built;
            source = built.connector() instanceof SourceConnector;
            Connector connector = built.connector();
            ConnectorContext context = source
                    ? new SourceContext(new StoreOffsetReader(name, built.offsets()), built.metrics())
                    : new SinkContext(built.metrics());
            plugin(() -> {
                connector.initialize(context);
                return null;
            });
            converge(turn);
        }));
    }

    /** Starts, pauses or stops the connector instance (asynchronously); a FAILED connector stays FAILED. */
    void transitionTo(TargetState next) {
        target = next;
        if (next == TargetState.STARTED) {
            calls.submit(() -> whenItsTurn(this::converge));
        } else {
            calls.execute(() -> converge(null));
        }
    }

    /** Asks a running connector for its task configs again (asynchronously); they reach the ConnectorEvents. */
    void requestTaskConfigs() {
        calls.execute(this::makeTaskConfigs);
    }

    /** Marks the connector FAILED (raiseError, a failed call, too many task configs). */
    void fail(Throwable error) {
        phase = Phase.FAILED;
        status.connectorFailed(name, error);
    }

    /**
     * Stops the connector instance after any call already queued, and releases what it holds. Quietly: it
     * reports nothing any more (it is being deleted). The future completes once it has stopped.
     */
    CompletableFuture<Void> stop(boolean quietly) {
        stopping = true;
        if (quietly) {
            status.silence();
        }
        CompletableFuture<StartGate.Turn> turn = awaitedTurn;
        if (turn != null) {
            turn.cancel(false); // leaves the queue at once, so the stop below need not wait for a turn
        }
        calls.execute(this::end);
        return ended;
    }

    /**
     * Gives up on a connector that did not stop in time: it reports nothing more, the thread stuck in its call
     * is interrupted, and whatever it does once it comes back it does unseen.
     */
    void abandon() {
        status.silence();
        Thread thread = calling;
        if (thread != null) {
            log.warn("{}Connector {} did not stop in time; interrupting it", PluginScope.connectorContext(name), name);
            thread.interrupt();
        }
    }

    // --- on the connector's own thread (its SerialExecutor) ---

    /** Takes a turn at the start gate, then runs step with it on the connector's thread; ends the turn after. */
    private CompletionStage<?> whenItsTurn(java.util.function.Consumer<StartGate.Turn> step) {
        if (stopping || phase == Phase.FAILED) {
            return DONE;
        }
        CompletableFuture<StartGate.Turn> turn = gate.take();
        awaitedTurn = turn;
        if (stopping) {
            turn.cancel(false);
        }
        return turn.thenAcceptAsync(t -> {
            awaitedTurn = null;
            try {
                if (!stopping && phase != Phase.FAILED) {
                    t.watch("Connector " + name, Thread.currentThread(), stuck -> status.connectorStuck(name, stuck));
                    step.accept(t);
                }
            } catch (Throwable error) {
                t.end();
                fail(error);
            } finally {
                t.end();
            }
        }, calls.asStepThread()).exceptionally(cancelled -> null);
    }

    /** Brings the built connector to its target state; turn is ended once a start() returned. */
    private void converge(StartGate.Turn turn) {
        Parts built = parts;
        if (built == null || stopping || phase == Phase.FAILED || phase == Phase.ENDED) {
            return;
        }
        try {
            switch (target) {
                case STARTED -> {
                    if (phase != Phase.STARTED) {
                        plugin(() -> {
                            built.connector().start(built.config());
                            return null;
                        });
                        if (turn != null) {
                            turn.end(); // after a stuck report, if any: RUNNING must come after it
                        }
                        phase = Phase.STARTED;
                        log.info("Connector {} started", name); // the MDC carries [name|worker]
                        status.connector(name, State.RUNNING);
                    }
                    makeTaskConfigs();
                }
                case PAUSED -> suspend(Phase.PAUSED, State.PAUSED);
                case STOPPED -> suspend(Phase.STOPPED, State.STOPPED);
                default -> throw new IllegalArgumentException(String.valueOf(target));
            }
        } catch (Throwable error) {
            if (turn != null) {
                turn.end();
            }
            fail(error);
        }
    }

    private void suspend(Phase next, State reported) {
        if (phase == next) {
            return;
        }
        if (phase == Phase.STARTED) {
            plugin(() -> {
                parts.connector().stop();
                return null;
            });
        }
        phase = next;
        status.connector(name, reported);
    }

    /** Asks the started connector for its task configs and hands them to the events; a throw fails the connector. */
    private void makeTaskConfigs() {
        Parts built = parts;
        if (phase != Phase.STARTED || stopping || built == null) {
            return;
        }
        try {
            Connector connector = built.connector();
            int maxTasks = built.typed().tasksMax();
            List<Map<String, String>> generated = TaskConfigLimit.check(name, built.typed().enforceTasksMax(),
                    plugin(() -> connector.taskConfigs(maxTasks)), maxTasks);
            if (taskClass == null) {
                taskClass = plugin(connector::taskClass);
            }
            List<Map<String, String>> result = new ArrayList<>(generated.size());
            for (Map<String, String> taskConfig : generated) {
                Map<String, String> copy = new HashMap<>(taskConfig);
                copy.put(Worker.TASK_CLASS, taskClass.getName());
                if (!source) {
                    putIfPresent(copy, ConnectorConfig.TOPICS);
                    putIfPresent(copy, ConnectorConfig.TOPICS_REGEX);
                }
                result.add(Map.copyOf(copy));
            }
            List<Map<String, String>> stored = TaskConfigs.withPlaceholders(result, originalConfig, built.config());
            if (!stopping && phase == Phase.STARTED) {
                events.onTaskConfigs(name, run, stored);
            }
        } catch (Throwable error) {
            fail(error);
        }
    }

    private void end() {
        try {
            if (phase == Phase.STARTED) {
                plugin(() -> {
                    parts.connector().stop();
                    return null;
                });
            }
        } catch (Throwable t) {
            log.warn("{}Connector {} did not stop cleanly", PluginScope.connectorContext(name), name, t);
        }
        if (phase != Phase.FAILED) {
            status.connectorStopped(name);
        }
        phase = Phase.ENDED;
        Parts built = parts;
        if (built != null) {
            Utils.closeQuietly(built.offsets(), "offset store");
        }
        ended.complete(null);
    }

    /** Runs a call into the connector in its scope (its class loader, [name|worker] in the MDC). */
    private <T> T plugin(java.util.concurrent.Callable<T> call) {
        Parts built = parts;
        ClassLoader loader = built == null ? Thread.currentThread().getContextClassLoader()
                : built.connector().getClass().getClassLoader();
        calling = Thread.currentThread();
        try (PluginScope scope = PluginScope.connector(loader, name)) {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new org.apache.kafka.connect.errors.ConnectException(e);
        } finally {
            calling = null;
            Thread.interrupted(); // an interrupt meant for this call must not reach the next connector's
        }
    }

    private void putIfPresent(Map<String, String> into, String key) {
        String value = originalConfig.get(key);
        if (value != null) {
            into.put(key, value);
        }
    }

    /**
     * Also a {@code Supplier} of the connector's resolved configuration, Sluice's one addition to the context (typed
     * by the JDK, so a plugin sees it through its own class loader): a connector that is initialized but not started,
     * as a STOPPED one is after a restart, can still watch what it keeps outside, such as a CDC connector's
     * replication slot, which holds WAL on the server whatever the connector's state.
     */
    private abstract class BaseContext implements ConnectorContext, Supplier<Map<String, String>> {
        private final PluginMetrics metrics;

        BaseContext(PluginMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public Map<String, String> get() {
            Parts built = parts;
            return built == null ? Map.of() : built.config();
        }

        @Override
        public void requestTaskReconfiguration() {
            if (phase == Phase.STARTED && !stopping) {
                requestTaskConfigs();
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

        SourceContext(OffsetStorageReader reader, PluginMetrics metrics) {
            super(metrics);
            this.reader = reader;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return reader;
        }
    }

    private final class SinkContext extends BaseContext implements SinkConnectorContext {
        SinkContext(PluginMetrics metrics) {
            super(metrics);
        }
    }
}
