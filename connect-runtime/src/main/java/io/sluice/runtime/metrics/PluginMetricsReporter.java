package io.sluice.runtime.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Shows the metrics plugins register through KIP-877's PluginMetrics (kept in a Kafka {@code Metrics}) as groups of
 * the worker's registry, so they appear where Apache's JmxReporter puts them ({@code kafka.connect:type=plugins,
 * connector=...,task=...}) and in GET /metrics beside the worker's own. A group's MBean is built once, so a group
 * is registered again whenever a plugin adds or removes one of its metrics (a plugin does so at start and stop).
 */
public final class PluginMetricsReporter implements MetricsReporter {
    /** PluginMetrics' group; Metrics' own bookkeeping (kafka-metrics-count) stays out. */
    private static final String PLUGINS = "plugins";

    private final MetricsRegistry registry;
    /** The plugin metrics of each group and tags, and the group registered for them. */
    private final Map<List<Object>, Map<String, KafkaMetric>> byGroup = new LinkedHashMap<>();
    private final Map<List<Object>, MetricGroup> registered = new LinkedHashMap<>();

    public PluginMetricsReporter(MetricsRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public synchronized void init(List<KafkaMetric> metrics) {
        metrics.forEach(this::metricChange);
    }

    @Override
    public synchronized void metricChange(KafkaMetric metric) {
        if (!PLUGINS.equals(metric.metricName().group())) {
            return;
        }
        List<Object> key = key(metric.metricName());
        byGroup.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(metric.metricName().name(), metric);
        reregister(key, metric.metricName());
    }

    @Override
    public synchronized void metricRemoval(KafkaMetric metric) {
        List<Object> key = key(metric.metricName());
        Map<String, KafkaMetric> group = byGroup.get(key);
        if (group == null) {
            return;
        }
        group.remove(metric.metricName().name());
        if (group.isEmpty()) {
            byGroup.remove(key);
            registry.unregister(registered.remove(key));
        } else {
            reregister(key, metric.metricName());
        }
    }

    private void reregister(List<Object> key, MetricName any) {
        registry.unregister(registered.remove(key));
        List<String> tags = new ArrayList<>();
        any.tags().forEach((k, v) -> {
            tags.add(k);
            tags.add(v);
        });
        MetricGroup group = registry.group(any.group(), tags.toArray(new String[0]));
        for (KafkaMetric metric : byGroup.get(key).values()) {
            String name = metric.metricName().name();
            String doc = metric.metricName().description();
            if (metric.isMeasurable() || metric.metricValue() instanceof Number) {
                group.gauge(name, doc, () -> metric.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN);
            } else {
                group.info(name, doc, () -> String.valueOf(metric.metricValue()));
            }
        }
        registry.register(group);
        registered.put(key, group);
    }

    private static List<Object> key(MetricName name) {
        return List.of(name.group(), name.tags());
    }

    @Override
    public synchronized void close() {
        registered.values().forEach(registry::unregister);
        registered.clear();
        byGroup.clear();
    }
}
