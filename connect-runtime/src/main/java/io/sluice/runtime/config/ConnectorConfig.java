package io.sluice.runtime.config;

import io.sluice.runtime.plugins.PluginDesc;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * The keys every connector config has (name, class, tasks, converters, transforms, predicates,
 * errors), defined once as Apache Kafka Connect 4.3 defines them, plus the parsed view of a config.
 * Transformation and predicate keys are added per alias by {@link ConnectorConfigEnricher}.
 */
public class ConnectorConfig extends AbstractConfig {
    public static final String NAME = "name";
    public static final String CONNECTOR_CLASS = "connector.class";
    public static final String CONNECTOR_VERSION = "connector.plugin.version";
    public static final String TASKS_MAX = "tasks.max";
    public static final String TASKS_MAX_ENFORCE = "tasks.max.enforce";
    public static final String KEY_CONVERTER = "key.converter";
    public static final String KEY_CONVERTER_VERSION = "key.converter.plugin.version";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String VALUE_CONVERTER_VERSION = "value.converter.plugin.version";
    public static final String HEADER_CONVERTER = "header.converter";
    public static final String HEADER_CONVERTER_VERSION = "header.converter.plugin.version";
    public static final String TRANSFORMS = "transforms";
    public static final String PREDICATES = "predicates";
    public static final String CONFIG_RELOAD_ACTION = "config.action.reload";
    public static final String ERRORS_TOLERANCE = "errors.tolerance";
    public static final String ERRORS_RETRY_TIMEOUT = "errors.retry.timeout";
    public static final String ERRORS_RETRY_DELAY_MAX_MS = "errors.retry.delay.max.ms";
    public static final String ERRORS_LOG_ENABLE = "errors.log.enable";
    public static final String ERRORS_LOG_INCLUDE_MESSAGES = "errors.log.include.messages";
    // sink
    public static final String TOPICS = "topics";
    public static final String TOPICS_REGEX = "topics.regex";
    public static final String DLQ_TOPIC_NAME = "errors.deadletterqueue.topic.name";
    public static final String DLQ_TOPIC_REPLICATION_FACTOR = "errors.deadletterqueue.topic.replication.factor";
    public static final String DLQ_CONTEXT_HEADERS_ENABLE = "errors.deadletterqueue.context.headers.enable";
    // source
    public static final String TOPIC_CREATION_GROUPS = "topic.creation.groups";
    public static final String TOPIC_CREATION_PREFIX = "topic.creation.";
    public static final String OFFSETS_STORAGE_TOPIC = "offsets.storage.topic";

    public static final String PRODUCER_OVERRIDES_PREFIX = "producer.override.";
    public static final String CONSUMER_OVERRIDES_PREFIX = "consumer.override.";
    public static final String ADMIN_OVERRIDES_PREFIX = "admin.override.";
    public static final String TRANSFORMS_PREFIX = "transforms.";
    public static final String PREDICATES_PREFIX = "predicates.";

    public static final String COMMON_GROUP = "Common";
    public static final String TRANSFORMS_GROUP = "Transforms";
    public static final String PREDICATES_GROUP = "Predicates";
    public static final String ERROR_GROUP = "Error Handling";

    public static final int TASKS_MAX_DEFAULT = 1;
    public static final String TOLERANCE_NONE = "none";
    public static final String TOLERANCE_ALL = "all";
    public static final String RELOAD_NONE = "none";
    public static final String RELOAD_RESTART = "restart";

    private static final String CONVERTER_DOC_START = "Converter class used to convert between Kafka Connect format and the "
            + "serialized form that is written to Kafka. This controls the format of the ";
    private static final String CONVERTER_DOC_END = " in messages written to or read from Kafka, and since this is "
            + "independent of connectors it allows any connector to work with any serialization format. Examples of "
            + "common formats include JSON and Avro.";
    static final String KEY_CONVERTER_DOC = CONVERTER_DOC_START + "keys" + CONVERTER_DOC_END;
    static final String VALUE_CONVERTER_DOC = CONVERTER_DOC_START + "values" + CONVERTER_DOC_END;
    static final String HEADER_CONVERTER_DOC = "HeaderConverter class used to convert between Kafka Connect format and "
            + "the serialized form that is written to Kafka. This controls the format of the header values in messages "
            + "written to or read from Kafka, and since this is independent of connectors it allows any connector to "
            + "work with any serialization format. Examples of common formats include JSON and Avro. By default, the "
            + "SimpleHeaderConverter is used to serialize header values to strings and deserialize them by inferring "
            + "the schemas.";

    /** A parsed connector config over the common keys and the runtime's keys of its transforms and predicates. */
    public ConnectorConfig(Plugins plugins, Map<String, String> props) {
        this(plugins, configDef(plugins), props);
    }

    /**
     * A parsed config over the given definition, enriched with its transforms' and predicates' runtime keys (type,
     * version, predicate, negate; each plugin checks its own keys when configured).
     *
     * @throws ConfigException naming the first key that is wrong
     */
    public ConnectorConfig(Plugins plugins, ConfigDef definition, Map<String, String> props) {
        super(ConnectorConfigEnricher.enrich(plugins, definition, props, false), props, false);
    }

    /**
     * The typed config of a sink connector, or of a source connector (its topic.creation.* keys parsed only on a worker
     * that creates topics), which is what every part of a running connector or task reads its settings from.
     *
     * @throws ConfigException naming the first key that is wrong
     */
    public static ConnectorConfig parse(Plugins plugins, Map<String, String> props, boolean sink, boolean topicCreation) {
        return sink ? new SinkConnectorConfig(plugins, props) : new SourceConnectorConfig(plugins, props, topicCreation);
    }

    /**
     * The defaults Apache shows for a connector's version and converters: the connector class's version, the
     * worker's converters (a connector's own converter when it names one decides the version) and their versions.
     * {@link #NONE} where no connector config is at hand (GET /connector-plugins/{plugin}/config).
     */
    public record Defaults(String connectorVersion, String keyConverter, String keyConverterVersion, String valueConverter,
                           String valueConverterVersion, String headerConverter, String headerConverterVersion) {
        public static final Defaults NONE = new Defaults(null, null, null, null, null, null, null);

        /** Only the connector's version, as Apache's plugin config listing has it. */
        public static Defaults of(Plugins plugins, String connectorClass) {
            return new Defaults(latest(plugins, connectorClass, Connector.class), null, null, null, null, null, null);
        }

        /** The defaults of one connector config on a worker with the given default converters. */
        public static Defaults of(Plugins plugins, Map<String, String> props, WorkerConfig worker) {
            String connectorClass = props.get(CONNECTOR_CLASS);
            if (connectorClass == null || connectorClass.isBlank() || plugins == null) {
                return NONE;
            }
            return new Defaults(latest(plugins, connectorClass, Connector.class),
                    plugins.listedName(worker.converter(KEY_CONVERTER), Converter.class),
                    converterVersion(plugins, props, KEY_CONVERTER, worker.converter(KEY_CONVERTER), Converter.class),
                    plugins.listedName(worker.converter(VALUE_CONVERTER), Converter.class),
                    converterVersion(plugins, props, VALUE_CONVERTER, worker.converter(VALUE_CONVERTER), Converter.class),
                    plugins.listedName(worker.converter(HEADER_CONVERTER), HeaderConverter.class),
                    converterVersion(plugins, props, HEADER_CONVERTER, worker.converter(HEADER_CONVERTER),
                            HeaderConverter.class));
        }

        private static String converterVersion(Plugins plugins, Map<String, String> props, String key, String worker,
                                               Class<?> base) {
            String own = props.get(key);
            return latest(plugins, own == null || own.isBlank() ? worker : own, base);
        }

        private static String latest(Plugins plugins, String className, Class<?> base) {
            List<String> versions = plugins == null ? List.of() : plugins.versions(className, base);
            return versions.isEmpty() ? null : versions.get(0);
        }
    }

    /** The common keys, with converter names checked only for being present (no plugin registry). */
    public static ConfigDef configDef() {
        return configDef(null);
    }

    /** The common keys without defaults for versions and converters; names are resolved through the plugins. */
    public static ConfigDef configDef(Plugins plugins) {
        return configDef(plugins, Defaults.NONE);
    }

    /**
     * The common keys as Apache defines them, with the given defaults for the connector's version and converters;
     * converter names are resolved through the plugins (aliases accepted).
     */
    public static ConfigDef configDef(Plugins plugins, Defaults defaults) {
        int order = 0;
        int errorOrder = 0;
        return new ConfigDef()
                .define(NAME, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                        ConfigDef.NonEmptyStringWithoutControlChars.nonEmptyStringWithoutControlChars(), Importance.HIGH,
                        "Globally unique name to use for this connector.", COMMON_GROUP, ++order, Width.MEDIUM,
                        "Connector name")
                .define(CONNECTOR_CLASS, Type.STRING, Importance.HIGH,
                        "Name or alias of the class for this connector. Must be a subclass of "
                                + "org.apache.kafka.connect.connector.Connector. If the connector is "
                                + "org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this "
                                + "full name,  or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to make the "
                                + "configuration a bit shorter",
                        COMMON_GROUP, ++order, Width.LONG, "Connector class")
                .define(CONNECTOR_VERSION, Type.STRING, defaults.connectorVersion(), Importance.MEDIUM,
                        "Version of the connector.", COMMON_GROUP, ++order, Width.MEDIUM, "Connector version", List.of(),
                        versionRecommender(plugins, CONNECTOR_CLASS, defaults.connectorVersion(), Connector.class))
                .define(TASKS_MAX, Type.INT, TASKS_MAX_DEFAULT, ConfigDef.Range.atLeast(1), Importance.HIGH,
                        "Maximum number of tasks to use for this connector.", COMMON_GROUP, ++order, Width.SHORT,
                        "Tasks max")
                .define(TASKS_MAX_ENFORCE, Type.BOOLEAN, true, Importance.LOW,
                        "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. "
                                + "By default, connectors that generate too many tasks will fail, and existing sets of "
                                + "tasks that exceed the tasks.max property will also be failed. If this property is set "
                                + "to false, then connectors will be allowed to generate more than the maximum number of "
                                + "tasks, and existing sets of tasks that exceed the tasks.max property will be allowed "
                                + "to run. This property is deprecated and will be removed in an upcoming major release.",
                        COMMON_GROUP, ++order, Width.SHORT, "Enforce tasks max")
                .define(KEY_CONVERTER, Type.STRING, defaults.keyConverter(), new PluginClassValidator(plugins, Converter.class),
                        Importance.LOW, KEY_CONVERTER_DOC, COMMON_GROUP, ++order, Width.SHORT, "Key converter class",
                        List.of(), pluginRecommender(plugins, PluginType.CONVERTER))
                .define(KEY_CONVERTER_VERSION, Type.STRING, defaults.keyConverterVersion(), Importance.LOW,
                        "Version of the key converter.", COMMON_GROUP, ++order, Width.SHORT, "Key converter version",
                        List.of(), versionRecommender(plugins, KEY_CONVERTER, defaults.keyConverter(), Converter.class))
                .define(VALUE_CONVERTER, Type.STRING, defaults.valueConverter(),
                        new PluginClassValidator(plugins, Converter.class), Importance.LOW, VALUE_CONVERTER_DOC,
                        COMMON_GROUP, ++order, Width.SHORT, "Value converter class", List.of(),
                        pluginRecommender(plugins, PluginType.CONVERTER))
                .define(VALUE_CONVERTER_VERSION, Type.STRING, defaults.valueConverterVersion(), Importance.LOW,
                        "Version of the value converter.", COMMON_GROUP, ++order, Width.SHORT, "Value converter version",
                        List.of(), versionRecommender(plugins, VALUE_CONVERTER, defaults.valueConverter(), Converter.class))
                .define(HEADER_CONVERTER, Type.STRING, defaults.headerConverter(),
                        new PluginClassValidator(plugins, HeaderConverter.class), Importance.LOW, HEADER_CONVERTER_DOC,
                        COMMON_GROUP, ++order, Width.SHORT, "Header converter class", List.of(),
                        pluginRecommender(plugins, PluginType.HEADER_CONVERTER))
                .define(HEADER_CONVERTER_VERSION, Type.STRING, defaults.headerConverterVersion(), Importance.LOW,
                        "Version of the header converter.", COMMON_GROUP, ++order, Width.SHORT,
                        "Header converter version", List.of(),
                        versionRecommender(plugins, HEADER_CONVERTER, defaults.headerConverter(), HeaderConverter.class))
                .define(TRANSFORMS, Type.LIST, List.of(), uniqueAliases("transformation"), Importance.LOW,
                        "Aliases for the transformations to be applied to records.", TRANSFORMS_GROUP, ++order,
                        Width.LONG, "Transforms")
                .define(PREDICATES, Type.LIST, List.of(), uniqueAliases("predicate"), Importance.LOW,
                        "Aliases for the predicates used by transformations.", PREDICATES_GROUP, ++order, Width.LONG,
                        "Predicates")
                .define(CONFIG_RELOAD_ACTION, Type.STRING, RELOAD_RESTART,
                        ConfigDef.ValidString.in(RELOAD_NONE, RELOAD_RESTART), Importance.LOW,
                        "The action that Connect should take on the connector when changes in external configuration "
                                + "providers result in a change in the connector's configuration properties. A value of "
                                + "'none' indicates that Connect will do nothing. A value of 'restart' indicates that "
                                + "Connect should restart/reload the connector with the updated configuration "
                                + "properties.The restart may actually be scheduled in the future if the external "
                                + "configuration provider indicates that a configuration value will expire in the future.",
                        COMMON_GROUP, ++order, Width.MEDIUM, "Reload Action")
                .define(ERRORS_RETRY_TIMEOUT, Type.LONG, 0L, ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                        "The maximum duration in milliseconds that a failed operation will be reattempted. The default "
                                + "is 0, which means no retries will be attempted. Use -1 for infinite retries.",
                        ERROR_GROUP, ++errorOrder, Width.MEDIUM, "Retry Timeout for Errors")
                .define(ERRORS_RETRY_DELAY_MAX_MS, Type.LONG, 60000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added "
                                + "to the delay once this limit is reached to prevent thundering herd issues.",
                        ERROR_GROUP, ++errorOrder, Width.MEDIUM, "Maximum Delay Between Retries for Errors")
                .define(ERRORS_TOLERANCE, Type.STRING, TOLERANCE_NONE, ConfigDef.ValidString.in(TOLERANCE_NONE, TOLERANCE_ALL),
                        Importance.MEDIUM,
                        "Behavior for tolerating errors during connector operation. 'none' is the default value and "
                                + "signals that any error will result in an immediate connector task failure; 'all' "
                                + "changes the behavior to skip over problematic records.",
                        ERROR_GROUP, ++errorOrder, Width.SHORT, "Error Tolerance")
                .define(ERRORS_LOG_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "If true, write each error and the details of the failed operation and problematic record to "
                                + "the Connect application log. This is 'false' by default, so that only errors that "
                                + "are not tolerated are reported.",
                        ERROR_GROUP, ++errorOrder, Width.SHORT, "Log Errors")
                .define(ERRORS_LOG_INCLUDE_MESSAGES, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Whether to include in the log the Connect record that resulted in a failure. For sink records, "
                                + "the topic, partition, offset, and timestamp will be logged. For source records, the "
                                + "key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka "
                                + "partition, source partition, and source offset will be logged. This is 'false' by "
                                + "default, which will prevent record keys, values, and headers from being written to "
                                + "log files.",
                        ERROR_GROUP, ++errorOrder, Width.SHORT, "Log Error Details");
    }

    static ConfigDef.Validator uniqueAliases(String kind) {
        return ConfigDef.CompositeValidator.of(new ConfigDef.NonNullValidator(), ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    List<?> aliases = (List<?>) value;
                    if (aliases.size() > new HashSet<>(aliases).size()) {
                        throw new ConfigException(name, value, "Duplicate alias provided.");
                    }
                },
                () -> "unique " + kind + " aliases"));
    }

    /** Recommends the class names of every known plugin of a kind, sorted, under the names they are listed by. */
    static ConfigDef.Recommender pluginRecommender(Plugins plugins, PluginType type) {
        return recommender(parsed -> plugins == null ? List.of()
                : plugins.plugins(type).stream().map(PluginDesc::className).distinct().map(c -> (Object) c).toList());
    }

    /**
     * Recommends the installed versions of the plugin that {@code classKey} names in the config (or, when it names
     * none, {@code fallbackClass}), as Apache's plugin version recommenders do.
     */
    static ConfigDef.Recommender versionRecommender(Plugins plugins, String classKey, String fallbackClass, Class<?> base) {
        return recommender(parsed -> {
            Object named = parsed.get(classKey);
            String className = named == null || named.toString().isBlank() ? fallbackClass : named.toString();
            return plugins == null || className == null ? List.of()
                    : plugins.versions(className, base).stream().map(v -> (Object) v).toList();
        });
    }

    private static ConfigDef.Recommender recommender(java.util.function.Function<Map<String, Object>, List<Object>> values) {
        return new ConfigDef.Recommender() {
            @Override
            public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
                return values.apply(parsedConfig);
            }

            @Override
            public boolean visible(String name, Map<String, Object> parsedConfig) {
                return true;
            }
        };
    }

    public int tasksMax() {
        return getInt(TASKS_MAX);
    }

    public boolean enforceTasksMax() {
        return getBoolean(TASKS_MAX_ENFORCE);
    }

    /** The connector's own converter name, or null to inherit the worker's. */
    public String keyConverter() {
        return blankToNull(getString(KEY_CONVERTER));
    }

    public String valueConverter() {
        return blankToNull(getString(VALUE_CONVERTER));
    }

    public String headerConverter() {
        return blankToNull(getString(HEADER_CONVERTER));
    }

    public List<String> transformAliases() {
        return getList(TRANSFORMS);
    }

    public List<String> predicateAliases() {
        return getList(PREDICATES);
    }

    public long errorRetryTimeout() {
        return getLong(ERRORS_RETRY_TIMEOUT);
    }

    public long errorMaxDelayInMillis() {
        return getLong(ERRORS_RETRY_DELAY_MAX_MS);
    }

    /** Whether errors.tolerance is "all" (skip bad records) rather than "none" (fail the task). */
    public boolean toleratesAllErrors() {
        return TOLERANCE_ALL.equalsIgnoreCase(getString(ERRORS_TOLERANCE));
    }

    public boolean enableErrorLog() {
        return getBoolean(ERRORS_LOG_ENABLE);
    }

    public boolean includeRecordDetailsInErrorLog() {
        return getBoolean(ERRORS_LOG_INCLUDE_MESSAGES);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
