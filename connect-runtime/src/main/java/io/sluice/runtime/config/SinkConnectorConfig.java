package io.sluice.runtime.config;

import io.sluice.runtime.plugins.Plugins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** The keys sink connectors add to the common ones: topics or topics.regex, and the dead letter queue. */
public final class SinkConnectorConfig extends ConnectorConfig {

    public static final short DLQ_TOPIC_REPLICATION_FACTOR_DEFAULT = 3;

    /**
     * A sink connector's parsed config, its cross-key rules checked too (one of topics and topics.regex, the dead
     * letter queue neither listed nor matched).
     *
     * @throws ConfigException naming the first key that is wrong
     */
    public SinkConnectorConfig(Plugins plugins, Map<String, String> props) {
        super(plugins, configDef(plugins), props);
        validate(props);
    }

    public static ConfigDef configDef(Plugins plugins) {
        return configDef(plugins, Defaults.NONE);
    }

    /** The common and sink keys, with Apache's defaults for the connector's version and converters. */
    public static ConfigDef configDef(Plugins plugins, Defaults defaults) {
        return ConnectorConfig.configDef(plugins, defaults)
                .define(TOPICS, Type.LIST, "", Importance.HIGH, "List of topics to consume, separated by commas",
                        COMMON_GROUP, 4, Width.LONG, "Topics")
                .define(TOPICS_REGEX, Type.STRING, "", new RegexValidator(), Importance.HIGH,
                        "Regular expression giving topics to consume. Under the hood, the regex is compiled to a "
                                + "<code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should be "
                                + "specified.",
                        COMMON_GROUP, 4, Width.LONG, "Topics regex")
                .define(DLQ_TOPIC_NAME, Type.STRING, "", Importance.MEDIUM,
                        "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in "
                                + "an error when processed by this sink connector, or its transformations or converters. "
                                + "The topic name is blank by default, which means that no messages are to be recorded "
                                + "in the DLQ.",
                        ERROR_GROUP, 6, Width.MEDIUM, "Dead Letter Queue Topic Name")
                .define(DLQ_TOPIC_REPLICATION_FACTOR, Type.SHORT, DLQ_TOPIC_REPLICATION_FACTOR_DEFAULT,
                        ConfigDef.LambdaValidator.with((name, value) -> {
                            short rf = (Short) value;
                            if (rf == 0 || rf < -1) {
                                throw new ConfigException(name, value, "Must be -1 (the broker's default) or at least 1");
                            }
                        }, () -> "-1 or at least 1"), Importance.MEDIUM,
                        "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
                        ERROR_GROUP, 7, Width.MEDIUM, "Dead Letter Queue Topic Replication Factor")
                .define(DLQ_CONTEXT_HEADERS_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "If true, add headers containing error context to the messages written to the dead letter "
                                + "queue. To avoid clashing with headers from the original record, all error context "
                                + "header keys, all error context header keys will start with "
                                + "<code>__connect.errors.</code>",
                        ERROR_GROUP, 8, Width.MEDIUM, "Enable Error Context Headers");
    }

    /**
     * The checks across keys that a ConfigDef can't express: exactly one of topics and topics.regex,
     * and the DLQ topic neither listed nor matched. Errors are added to {@code validated}.
     */
    public static void validate(Map<String, String> props, Map<String, ConfigValue> validated) {
        String topics = props.get(TOPICS);
        String regex = props.get(TOPICS_REGEX);
        String dlq = props.getOrDefault(DLQ_TOPIC_NAME, "");
        dlq = dlq == null ? "" : dlq.trim();
        boolean hasTopics = !isBlank(topics);
        boolean hasRegex = !isBlank(regex);
        if (hasTopics && hasRegex) {
            String message = TOPICS + " and " + TOPICS_REGEX + " are mutually exclusive options, but both are set.";
            addError(validated, TOPICS, topics, message);
            addError(validated, TOPICS_REGEX, regex, message);
        }
        if (!hasTopics && !hasRegex) {
            String message = "Must configure one of " + TOPICS + " or " + TOPICS_REGEX;
            addError(validated, TOPICS, topics, message);
            addError(validated, TOPICS_REGEX, regex, message);
        }
        if (dlq.isEmpty()) {
            return;
        }
        if (hasTopics) {
            List<String> list = parseTopics(topics);
            if (list.contains(dlq)) {
                addError(validated, TOPICS, topics, String.format("The DLQ topic '%s' may not be included in the list of "
                        + "topics ('%s=%s') consumed by the connector", dlq, TOPICS, list));
            }
        }
        if (hasRegex) {
            try {
                if (Pattern.compile(regex).matcher(dlq).matches()) {
                    addError(validated, TOPICS_REGEX, regex, String.format("The DLQ topic '%s' may not be matched by the "
                            + "regex for the topics ('%s=%s') consumed by the connector", dlq, TOPICS_REGEX, regex));
                }
            } catch (PatternSyntaxException e) {
                // already reported by the regex validator
            }
        }
    }

    /** Throws the first cross-key problem as a ConfigException, for paths that don't build a full report. */
    public static void validate(Map<String, String> props) {
        Map<String, ConfigValue> validated = new java.util.LinkedHashMap<>();
        validate(props, validated);
        for (ConfigValue value : validated.values()) {
            if (!value.errorMessages().isEmpty()) {
                throw new ConfigException(value.name(), value.value(), value.errorMessages().get(0));
            }
        }
    }

    /** The distinct non-empty topic names of a topics value. */
    public static List<String> parseTopics(String topics) {
        if (topics == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (String t : topics.split(",")) {
            String trimmed = t.trim();
            if (!trimmed.isEmpty() && !result.contains(trimmed)) {
                result.add(trimmed);
            }
        }
        return result;
    }

    public String dlqTopicName() {
        return getString(DLQ_TOPIC_NAME).trim();
    }

    public short dlqTopicReplicationFactor() {
        return getShort(DLQ_TOPIC_REPLICATION_FACTOR);
    }

    public boolean isDlqContextHeadersEnabled() {
        return getBoolean(DLQ_CONTEXT_HEADERS_ENABLE);
    }

    private static void addError(Map<String, ConfigValue> validated, String name, String value, String message) {
        validated.computeIfAbsent(name, n -> new ConfigValue(n, value, new ArrayList<>(), new ArrayList<>()))
                .addErrorMessage(message);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Accepts an empty value or a valid java.util.regex pattern. */
    static final class RegexValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isEmpty()) {
                return;
            }
            try {
                Pattern.compile(value.toString());
            } catch (PatternSyntaxException e) {
                throw new ConfigException(name, value, "Invalid regex: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "valid regex";
        }
    }
}
