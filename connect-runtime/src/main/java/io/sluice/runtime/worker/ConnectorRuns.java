package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.OffsetStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector lifecycle of a {@link Worker}: the connectors running here, each built through its plugin's loader
 * and started on its own serial executor once its previous run here ended; stopping one is asked and returns at once.
 */
final class ConnectorRuns {
    private static final Logger log = LoggerFactory.getLogger(ConnectorRuns.class);

    /** What building a connector needs from the worker. */
    record Context(Plugins plugins, ConfigProviders providers, SourceOffsetStores offsets, StatusReporter status,
                   ConnectMetrics connectMetrics, PluginMetricGroups pluginMetrics, StartGate startGate,
                   Executor threads, BiConsumer<String, Map<String, String>> hideSecrets, BooleanSupplier topicCreation) {
    }

    private final Context context;
    private final Map<String, WorkerConnector> connectors = new ConcurrentHashMap<>();
    /** Runs that were asked to stop and have not ended yet: the next run of the same name waits for them. */
    private final RunEndings<String> ending;

    ConnectorRuns(Context context, RunEndings<String> ending) {
        this.context = context;
        this.ending = ending;
    }

    /** Starts (or, when STOPPED, only registers) a connector in the background; see {@link Worker#startConnector}. */
    void start(String name, Map<String, String> config, TargetState target, ConnectorEvents events) {
        WorkerConnector connector = new WorkerConnector(name, config, target, context.status().forRun(), events,
                context.startGate(), new SerialExecutor(context.threads(), "sluice-connector-" + name));
        if (connectors.putIfAbsent(name, connector) != null) {
            throw new ConnectException("Connector " + name + " is already running on this worker");
        }
        connector.start(ending.previous(name), () -> build(name, config, target));
    }

    private WorkerConnector.Parts build(String name, Map<String, String> config, TargetState target) {
        boolean counted = false;
        context.hideSecrets().accept(name, config);
        ConnectMetrics connectMetrics = context.connectMetrics();
        try {
            Plugins plugins = context.plugins();
            Class<? extends Connector> cls = plugins.pluginClass(config.get(ConnectorConfig.CONNECTOR_CLASS), Connector.class);
            Connector instance = Plugins.newInstance(cls);
            String version = versionOf(instance);
            connectMetrics.connectorStarting(name, SourceConnector.class.isAssignableFrom(cls) ? "source" : "sink",
                    cls.getName(), version);
            counted = true;
            context.status().connectorVersion(name, version);
            Map<String, String> resolved = context.providers().resolve(config);
            ConnectorConfig typed = ConnectorConfig.parse(plugins, resolved, !(instance instanceof SourceConnector),
                    context.topicCreation().getAsBoolean());
            OffsetStore store = typed instanceof SourceConnectorConfig source
                    ? context.offsets().forConnector(name, source) : null;
            log.info("Starting connector {} ({}) in target state {}", name, cls.getName(), target);
            return new WorkerConnector.Parts(instance, resolved, typed, store,
                    context.pluginMetrics().open(PluginMetricGroups.connector(name)));
        } catch (RuntimeException | Error e) {
            if (!counted) {
                connectMetrics.connectorStarting(name, "unknown", config.get(ConnectorConfig.CONNECTOR_CLASS), "unknown");
            }
            throw e;
        }
    }

    private static String versionOf(Connector connector) {
        try {
            return connector.version();
        } catch (Throwable t) {
            return "unknown";
        }
    }

    /** Whether run is the connector's current run on this worker (its task configs may still be applied). */
    boolean isCurrentRun(String connector, long run) {
        WorkerConnector current = connectors.get(connector);
        return current != null && current.run() == run;
    }

    /** Pauses, resumes or stops the connector in the background, if it runs here. */
    void transitionTo(String connector, TargetState state) {
        WorkerConnector wc = connectors.get(connector);
        if (wc != null) {
            wc.transitionTo(state);
        }
    }

    /**
     * Stops a connector in the background, quietly (it reports nothing more) when it is being deleted. The future
     * completes once it stopped, or once task.shutdown.graceful.timeout.ms passed (then it is given up).
     */
    CompletableFuture<Void> stop(String name, boolean quietly) {
        WorkerConnector connector = connectors.remove(name);
        if (connector == null) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("Stopping connector {}", name);
        CompletableFuture<Void> stopped = ending.stopping(name, connector.stop(quietly), connector::abandon);
        stopped.thenRun(() -> {
            if (!connectors.containsKey(name)) {
                context.connectMetrics().connectorRemoved(name);
                context.pluginMetrics().drop(PluginMetricGroups.connector(name));
            }
        });
        return stopped;
    }

    /** Stops every connector here at once. */
    CompletableFuture<Void> stopAll() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (String name : new ArrayList<>(connectors.keySet())) {
            stopping.add(stop(name, false));
        }
        return CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
    }

    /** The stops of the connector still under way. */
    List<CompletableFuture<Void>> ending(String connector) {
        return ending.stopping(connector::equals);
    }

    Set<String> names() {
        return new TreeSet<>(connectors.keySet());
    }

    int size() {
        return connectors.size();
    }
}
