package io.sluice.runtime.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The worker keys of what shows the worker at work: the metrics' window and JMX, the progress log, the console and
 * the metrics endpoint. Part of the worker's one definition: parsed and validated with it, read through
 * {@link WorkerConfig#observability()}.
 */
public final class ObservabilityConfig {
    /** Apache's worker keys for the window of rates and averages; their product is the window. */
    public static final String SAMPLE_WINDOW_MS = "metrics.sample.window.ms";
    public static final String NUM_SAMPLES = "metrics.num.samples";
    public static final String JMX_ENABLE = "metrics.jmx.enable";
    public static final String PROGRESS_LOG_INTERVAL_MS = "sluice.progress.log.interval.ms";
    public static final String CONSOLE_ENABLE = "rest.console.enable";
    public static final String METRICS_ENABLE = "rest.metrics.enable";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(SAMPLE_WINDOW_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                    "Apache's key: with metrics.num.samples, the window (their product, 60 s by default) of every "
                            + "rate, average and maximum in JMX and GET /metrics.")
            .define(NUM_SAMPLES, Type.INT, 2, Range.atLeast(1), Importance.LOW,
                    "Apache's key: the number of samples kept for rates and averages; see metrics.sample.window.ms.")
            .define(JMX_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Register the kafka.connect:* MBeans in the platform MBean server.")
            .define(PROGRESS_LOG_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "How often each connector that moved records logs a progress line at INFO; 0 turns it off.")
            .define(METRICS_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Serve the worker's metrics in Prometheus text format at GET /metrics.")
            .define(CONSOLE_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Serve the web console at /console/.");

    private final WorkerConfig worker;

    ObservabilityConfig(WorkerConfig worker) {
        this.worker = worker;
    }

    /** The window of rates, averages and maxima: metrics.sample.window.ms times metrics.num.samples. */
    public long metricsWindowMs() {
        return worker.getLong(SAMPLE_WINDOW_MS) * worker.getInt(NUM_SAMPLES);
    }

    public boolean jmxEnabled() {
        return worker.getBoolean(JMX_ENABLE);
    }

    /** How often the progress line is written; 0 turns it off. */
    public long progressLogIntervalMs() {
        return worker.getLong(PROGRESS_LOG_INTERVAL_MS);
    }

    public boolean metricsEndpointEnabled() {
        return worker.getBoolean(METRICS_ENABLE);
    }

    public boolean consoleEnabled() {
        return worker.getBoolean(CONSOLE_ENABLE);
    }
}
