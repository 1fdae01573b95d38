package io.sluice.runtime.rest;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The worker keys of the console, the metrics endpoint and topic peek/produce. */
public final class ObservabilityConfig extends AbstractConfig {
    public static final String CONSOLE_ENABLE = "rest.console.enable";
    public static final String METRICS_ENABLE = "rest.metrics.enable";
    public static final String PEEK_ENABLE = "rest.topics.peek.enable";
    public static final String PRODUCE_ENABLE = "rest.topics.produce.enable";
    public static final String PEEK_MAX_RECORDS = "rest.topics.peek.max.records";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(CONSOLE_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Serve the web console at /console/.")
            .define(METRICS_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Serve the worker's metrics in Prometheus text format at GET /metrics.")
            .define(PEEK_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Allow reading records of any topic over REST (GET /topics/...). Behind the REST authentication.")
            .define(PRODUCE_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Allow writing records to any topic over REST (POST /topics/{topic}/records). Off by default.")
            .define(PEEK_MAX_RECORDS, Type.INT, 1000, Range.between(1, 100_000), Importance.LOW,
                    "The most records one peek request returns.");

    public ObservabilityConfig(Map<?, ?> workerProps) {
        super(CONFIG, workerProps, false);
    }
}
