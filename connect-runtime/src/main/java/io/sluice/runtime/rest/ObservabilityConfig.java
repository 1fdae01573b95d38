package io.sluice.runtime.rest;

import io.sluice.runtime.topics.TopicsConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The worker keys of the console, the metrics endpoint and (defined by {@link TopicsConfig}) topic peek/produce. */
public final class ObservabilityConfig extends AbstractConfig {
    public static final String CONSOLE_ENABLE = "rest.console.enable";
    public static final String METRICS_ENABLE = "rest.metrics.enable";

    public static final ConfigDef CONFIG = withTopicKeys(new ConfigDef()
            .define(CONSOLE_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Serve the web console at /console/.")
            .define(METRICS_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Serve the worker's metrics in Prometheus text format at GET /metrics."));

    public ObservabilityConfig(Map<?, ?> workerProps) {
        super(CONFIG, workerProps, false);
    }

    private static ConfigDef withTopicKeys(ConfigDef def) {
        TopicsConfig.CONFIG.configKeys().values().forEach(def::define);
        return def;
    }
}
