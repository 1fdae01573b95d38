package io.sluice.runtime.config;

/**
 * The keys every connector config has (name, class, tasks, converters, transforms, predicates,
 * errors), as Apache Kafka Connect defines them.
 *
 * <p>SKELETON: the config room replaces this with the full ConfigDef.
 */
public final class ConnectorConfig {
    public static final String NAME = "name";
    public static final String CONNECTOR_CLASS = "connector.class";
    public static final String TASKS_MAX = "tasks.max";
    public static final String TASKS_MAX_ENFORCE = "tasks.max.enforce";
    public static final String KEY_CONVERTER = "key.converter";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String HEADER_CONVERTER = "header.converter";
    public static final String TRANSFORMS = "transforms";
    public static final String PREDICATES = "predicates";
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

    private ConnectorConfig() {
    }
}
