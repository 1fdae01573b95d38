package io.sluice.runtime.worker;

import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.metrics.PluginMetricsReporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Time;

/**
 * The metrics connectors and tasks register themselves (KIP-877), one group per connector or task run, shown with the
 * worker's through {@link PluginMetricsReporter}. A run's group is dropped when it ends, as Apache closes its
 * PluginMetrics: left behind it would show a stopped task's figures and make the next start's identical names fail.
 */
final class PluginMetricGroups implements AutoCloseable {
    private final Metrics metrics;

    PluginMetricGroups(ConnectMetrics connectMetrics) {
        this.metrics = new Metrics(new MetricConfig(), List.of(new PluginMetricsReporter(connectMetrics.registry())),
                Time.SYSTEM);
    }

    /** A connector's metrics group. */
    static Map<String, String> connector(String connector) {
        return Map.of("connector", connector);
    }

    /** A task's metrics group. */
    static Map<String, String> task(String connector, int task) {
        return Map.of("connector", connector, "task", Integer.toString(task));
    }

    /** A plugin's metrics; what an earlier instance with the same tags left (a failed start) is dropped first. */
    PluginMetrics open(Map<String, String> tags) {
        drop(tags);
        return new PluginMetricsImpl(metrics, tags);
    }

    /** Removes a stopped connector's or task's plugin metrics. */
    void drop(Map<String, String> tags) {
        for (MetricName name : new ArrayList<>(metrics.metrics().keySet())) {
            if (name.group().equals("plugins") && name.tags().equals(tags)) {
                metrics.removeMetric(name);
            }
        }
    }

    @Override
    public void close() {
        metrics.close();
    }
}
