package io.sluice.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

/** Metrics a plugin registers through KIP-877's PluginMetrics show in JMX under Apache's name and in GET /metrics. */
class PluginMetricsReporterTest {

    @Test
    void aTasksPluginMetricsAppearAsTheTypePluginsMBeanAndInPrometheusTextUntilClosed() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=reporter-test,task=0");
        try (MetricsRegistry registry = new MetricsRegistry(30_000, true);
             Metrics metrics = new Metrics(new MetricConfig(), List.of(new PluginMetricsReporter(registry)),
                     Time.SYSTEM)) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("connector", "reporter-test");
            tags.put("task", "0");
            PluginMetricsImpl plugin = new PluginMetricsImpl(metrics, tags);
            plugin.addMetric(plugin.metricName("slot-lag-bytes", "WAL held back.", new LinkedHashMap<>()),
                    (Measurable) (config, now) -> 4096);
            plugin.addMetric(plugin.metricName("slot-wal-status", "The slot's wal_status.", new LinkedHashMap<>()),
                    (Gauge<String>) (config, now) -> "reserved");

            assertEquals(4096.0, server.getAttribute(name, "slot-lag-bytes"));
            assertEquals("reserved", server.getAttribute(name, "slot-wal-status"));
            String text = PrometheusText.render(registry.groups());
            assertTrue(text.contains("slot_lag_bytes") && text.contains("4096"), text);
            assertFalse(text.contains("kafka_metrics_count"), "Metrics' own bookkeeping stays out: " + text);

            plugin.close();
            assertFalse(server.isRegistered(name), "a closed plugin's metrics are gone");
        }
        assertFalse(server.isRegistered(name));
    }
}
