package io.sluice.jdbc.cdc;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * The task's figures, registered as the task's plugin metrics (KIP-877: JMX {@code kafka.connect:type=plugins,
 * connector=...,task=...}, and Sluice's GET /metrics as {@code kafka_connect_plugins_*}): how far behind the source
 * the last streamed change is, and the snapshot's progress (the slot's figures are the connector's: {@link
 * SlotFigures}). Written by the task's threads with plain volatile stores; read when the metrics are.
 */
final class CdcMetrics {
    private final LongAdder snapshotRows = new LongAdder();
    private final LongAdder streamedTransactions = new LongAdder();
    private volatile long lastCommitMicros;
    private volatile boolean snapshotRunning;
    private volatile boolean streaming;

    /** Registers the metrics with the task's plugin metrics; none when the runtime gives none (Connect before 4.1). */
    void register(PluginMetrics plugin) {
        if (plugin == null) {
            return;
        }
        measurable(plugin, "milliseconds-behind-source", "Between the commit of the last streamed transaction and "
                + "now; -1 before the first one.", () -> lastCommitMicros == 0 ? -1
                : Math.max(0, System.currentTimeMillis() - lastCommitMicros / 1000));
        measurable(plugin, "snapshot-rows-total", "Rows read by the snapshot.", snapshotRows::sum);
        measurable(plugin, "snapshot-running", "1 while the initial snapshot runs.", () -> snapshotRunning ? 1 : 0);
        measurable(plugin, "streaming", "1 while the replication stream is connected.", () -> streaming ? 1 : 0);
        measurable(plugin, "streamed-transactions-total", "Transactions read from the stream.",
                streamedTransactions::sum);
    }

    private interface Value {
        double get();
    }

    private static void measurable(PluginMetrics plugin, String name, String doc, Value value) {
        MetricName metric = plugin.metricName(name, doc, new LinkedHashMap<>());
        plugin.addMetric(metric, (Measurable) (config, now) -> value.get());
    }

    void snapshotRow() {
        snapshotRows.increment();
    }

    void snapshotRunning(boolean running) {
        snapshotRunning = running;
    }

    void streaming(boolean connected) {
        streaming = connected;
    }

    void streamed(long commitMicros) {
        lastCommitMicros = commitMicros;
        streamedTransactions.increment();
    }
}
