package io.sluice.runtime.converters.avro;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** Confluent's subject name strategies: which registry subject a topic's key or value schema lives under. */
enum SubjectNameStrategy {
    /** topic-key / topic-value (the default). */
    TOPIC_NAME("TopicNameStrategy"),
    /** The record's full name, whatever the topic. */
    RECORD_NAME("RecordNameStrategy"),
    /** topic-recordFullName. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private final String simpleName;

    SubjectNameStrategy(String simpleName) {
        this.simpleName = simpleName;
    }

    /** By Confluent's class name (io.confluent.kafka.serializers.subject.TopicNameStrategy) or simple name. */
    static SubjectNameStrategy of(String key, String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1).trim();
        for (SubjectNameStrategy s : values()) {
            if (s.simpleName.toLowerCase(Locale.ROOT).equals(simple.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new ConfigException(key, className, "use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy "
                + "(io.confluent.kafka.serializers.subject.*)");
    }

    String subject(String topic, boolean isKey, org.apache.avro.Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> recordName(schema);
            case TOPIC_RECORD_NAME -> topic + "-" + recordName(schema);
        };
    }

    private static String recordName(org.apache.avro.Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getFullName();
            default -> schema.getType().getName(); // Confluent names primitive schemas by their type
        };
    }
}
