package io.sluice.runtime.worker.errors;

import io.sluice.runtime.config.ConnectorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * The error-handling keys of a connector config (KIP-298), with Apache's names, types and
 * defaults, parsed and validated once when a task's {@link ErrorHandler} is built.
 */
public record ErrorsConfig(long retryTimeoutMs, long retryDelayMaxMs, ToleranceType tolerance,
                           boolean logEnabled, boolean logIncludeMessages, String dlqTopic,
                           short dlqReplicationFactor, boolean dlqContextHeaders) {

    public static final long RETRY_TIMEOUT_DEFAULT = 0L;
    public static final long RETRY_DELAY_MAX_DEFAULT = 60_000L;
    public static final short DLQ_REPLICATION_FACTOR_DEFAULT = 3;

    private static final ConfigDef COMMON = defineCommon(new ConfigDef());
    private static final ConfigDef SINK = defineSink(defineCommon(new ConfigDef()));

    /** The keys every connector has; the config room may merge these into its connector ConfigDef. */
    public static ConfigDef commonConfigDef() {
        return new ConfigDef(COMMON);
    }

    /** The keys of a sink connector: the common ones plus the dead letter queue. */
    public static ConfigDef sinkConfigDef() {
        return new ConfigDef(SINK);
    }

    /**
     * Parses and validates the error keys of a connector config.
     *
     * @throws ConfigException naming the offending key
     */
    public static ErrorsConfig parse(Map<String, String> connectorConfig, boolean sink) {
        Map<String, Object> values = (sink ? SINK : COMMON).parse(connectorConfig);
        String dlqTopic = "";
        short rf = DLQ_REPLICATION_FACTOR_DEFAULT;
        boolean contextHeaders = false;
        if (sink) {
            dlqTopic = ((String) values.get(ConnectorConfig.DLQ_TOPIC_NAME)).trim();
            rf = (Short) values.get(ConnectorConfig.DLQ_TOPIC_REPLICATION_FACTOR);
            contextHeaders = (Boolean) values.get(ConnectorConfig.DLQ_CONTEXT_HEADERS_ENABLE);
            validateDlqTopic(dlqTopic, connectorConfig);
        }
        return new ErrorsConfig(
                (Long) values.get(ConnectorConfig.ERRORS_RETRY_TIMEOUT),
                (Long) values.get(ConnectorConfig.ERRORS_RETRY_DELAY_MAX_MS),
                ToleranceType.parse((String) values.get(ConnectorConfig.ERRORS_TOLERANCE)),
                (Boolean) values.get(ConnectorConfig.ERRORS_LOG_ENABLE),
                (Boolean) values.get(ConnectorConfig.ERRORS_LOG_INCLUDE_MESSAGES),
                dlqTopic, rf, contextHeaders);
    }

    /** Whether failed records go to a dead letter queue topic. */
    public boolean dlqEnabled() {
        return !dlqTopic.isEmpty();
    }

    /** Apache gives a sink task an ErrantRecordReporter only when a DLQ or error logging is configured. */
    public boolean errantRecordReporterEnabled() {
        return dlqEnabled() || logEnabled;
    }

    private static void validateDlqTopic(String dlqTopic, Map<String, String> connectorConfig) {
        if (dlqTopic.isEmpty()) {
            return;
        }
        try {
            Topic.validate(dlqTopic);
        } catch (InvalidTopicException e) {
            throw new ConfigException(ConnectorConfig.DLQ_TOPIC_NAME, dlqTopic, e.getMessage());
        }
        String topics = connectorConfig.get(ConnectorConfig.TOPICS);
        if (topics != null && !topics.isBlank() && topicList(topics).contains(dlqTopic)) {
            throw new ConfigException(ConnectorConfig.TOPICS, topics, String.format(
                    "The DLQ topic '%s' may not be included in the list of topics ('%s=%s') consumed by the connector",
                    dlqTopic, ConnectorConfig.TOPICS, topicList(topics)));
        }
        String regex = connectorConfig.get(ConnectorConfig.TOPICS_REGEX);
        if (regex != null && !regex.isBlank() && Pattern.compile(regex).matcher(dlqTopic).matches()) {
            throw new ConfigException(ConnectorConfig.TOPICS_REGEX, regex, String.format(
                    "The DLQ topic '%s' may not be matched by the regex for the topics ('%s=%s') consumed by the connector",
                    dlqTopic, ConnectorConfig.TOPICS_REGEX, regex));
        }
    }

    private static List<String> topicList(String topics) {
        List<String> result = new ArrayList<>();
        for (String topic : topics.split(",")) {
            String trimmed = topic.trim();
            if (!trimmed.isEmpty() && !result.contains(trimmed)) {
                result.add(trimmed);
            }
        }
        return result;
    }

    private static ConfigDef defineCommon(ConfigDef def) {
        String group = "Error Handling";
        return def
                .define(ConnectorConfig.ERRORS_RETRY_TIMEOUT, Type.LONG, RETRY_TIMEOUT_DEFAULT,
                        ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                        "The maximum duration in milliseconds that a failed operation will be reattempted. The default "
                                + "is 0, which means no retries will be attempted. Use -1 for infinite retries.",
                        group, 1, ConfigDef.Width.MEDIUM, "Retry Timeout for Errors")
                .define(ConnectorConfig.ERRORS_RETRY_DELAY_MAX_MS, Type.LONG, RETRY_DELAY_MAX_DEFAULT,
                        ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added "
                                + "to the delay once this limit is reached to prevent thundering herd issues.",
                        group, 2, ConfigDef.Width.MEDIUM, "Maximum Delay Between Retries for Errors")
                .define(ConnectorConfig.ERRORS_TOLERANCE, Type.STRING, ToleranceType.NONE.value(),
                        ConfigDef.CaseInsensitiveValidString.in(ToleranceType.NONE.value(), ToleranceType.ALL.value()),
                        Importance.MEDIUM,
                        "Behavior for tolerating errors during connector operation. 'none' is the default value and "
                                + "signals that any error will result in an immediate connector task failure; 'all' "
                                + "changes the behavior to skip over problematic records.",
                        group, 3, ConfigDef.Width.SHORT, "Error Tolerance")
                .define(ConnectorConfig.ERRORS_LOG_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "If true, write each error and the details of the failed operation and problematic record "
                                + "to the Connect application log. This is 'false' by default, so that only errors "
                                + "that are not tolerated are reported.",
                        group, 4, ConfigDef.Width.SHORT, "Log Errors")
                .define(ConnectorConfig.ERRORS_LOG_INCLUDE_MESSAGES, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Whether to include in the log the Connect record that resulted in a failure. For sink "
                                + "records, the topic, partition, offset, and timestamp will be logged. For source "
                                + "records, the key and value (and their schemas), all headers, and the timestamp, "
                                + "Kafka topic, Kafka partition, source partition, and source offset will be logged. "
                                + "This is 'false' by default, which will prevent record keys, values, and headers "
                                + "from being written to log files.",
                        group, 5, ConfigDef.Width.SHORT, "Log Error Details");
    }

    private static ConfigDef defineSink(ConfigDef def) {
        String group = "Error Handling";
        return def
                .define(ConnectorConfig.DLQ_TOPIC_NAME, Type.STRING, "", Importance.MEDIUM,
                        "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in "
                                + "an error when processed by this sink connector, or its transformations or "
                                + "converters. The topic name is blank by default, which means that no messages are "
                                + "to be recorded in the DLQ.",
                        group, 6, ConfigDef.Width.MEDIUM, "Dead Letter Queue Topic Name")
                .define(ConnectorConfig.DLQ_TOPIC_REPLICATION_FACTOR, Type.SHORT, DLQ_REPLICATION_FACTOR_DEFAULT,
                        (name, value) -> {
                            short rf = (Short) value;
                            if (rf == 0 || rf < -1) {
                                throw new ConfigException(name, value,
                                        "Must be -1 (the broker's default) or at least 1");
                            }
                        }, Importance.MEDIUM,
                        "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
                        group, 7, ConfigDef.Width.MEDIUM, "Dead Letter Queue Topic Replication Factor")
                .define(ConnectorConfig.DLQ_CONTEXT_HEADERS_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "If true, add headers containing error context to the messages written to the dead letter "
                                + "queue. To avoid clashing with headers from the original record, all error context "
                                + "header keys will start with <code>__connect.errors.</code>",
                        group, 8, ConfigDef.Width.MEDIUM, "Enable Error Context Headers");
    }

    /** errors.tolerance: fail on the first error, or skip every record that fails. */
    public enum ToleranceType {
        NONE, ALL;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        static ToleranceType parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }
}
