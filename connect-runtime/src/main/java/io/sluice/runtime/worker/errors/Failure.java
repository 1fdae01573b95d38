package io.sluice.runtime.worker.errors;

import io.sluice.runtime.model.ConnectorTaskId;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One failed operation, as the reporters (log, dead letter queue) and the task's failure message describe it.
 * className is the executing class as users configured it (a converter by the name in its config: Apache's or
 * Confluent's for Sluice's stand-ins, never an internal class).
 */
record Failure(ConnectorTaskId task, Stage stage, String className, RecordContext record,
               Throwable error, int attempts) {

    /**
     * What failed, on which record and why, in words a user can act on: the stage (which converter, with its config
     * key), the record, what the converter was given (a null key is not a missing schema) and the cause.
     */
    String describe() {
        StringBuilder sb = new StringBuilder(256);
        String part = switch (stage) {
            case KEY_CONVERTER -> "key";
            case VALUE_CONVERTER -> "value";
            case HEADER_CONVERTER -> "headers";
            default -> null;
        };
        switch (stage) {
            case KEY_CONVERTER, VALUE_CONVERTER, HEADER_CONVERTER -> sb.append("the ")
                    .append(stage == Stage.HEADER_CONVERTER ? "header" : part).append(" converter (")
                    .append(stage == Stage.HEADER_CONVERTER ? "header" : part).append(".converter=")
                    .append(className()).append(") could not convert the ").append(part).append(" of ");
            case TRANSFORMATION -> sb.append("the transformation ").append(className()).append(" failed on ");
            case TASK_PUT -> sb.append("the sink task (").append(className()).append(") failed on ");
            case KAFKA_PRODUCE -> sb.append("sending to Kafka failed for ");
            default -> sb.append("stage ").append(stage).append(" (").append(className()).append(") failed on ");
        }
        appendRecord(sb);
        String given = given();
        if (given != null) {
            sb.append(" (").append(given).append(')');
        }
        if (attempts > 1) {
            sb.append(" after ").append(attempts).append(" attempts");
        }
        return sb.append(": ").append(causes()).toString();
    }

    private void appendRecord(StringBuilder sb) {
        ConsumerRecord<byte[], byte[]> consumed = record == null ? null : record.consumed();
        SourceRecord source = record == null ? null : record.source();
        if (consumed != null) {
            sb.append("record ").append(consumed.topic()).append('-').append(consumed.partition()).append('@')
                    .append(consumed.offset());
        } else if (source != null) {
            sb.append("a record for topic ").append(source.topic());
        } else {
            sb.append("a record");
        }
    }

    /** What a key or value converter was handed, when that is the likely cause: nothing, or data without a schema. */
    private String given() {
        boolean key = stage == Stage.KEY_CONVERTER;
        if (!key && stage != Stage.VALUE_CONVERTER || record == null) {
            return null;
        }
        String part = key ? "key" : "value";
        if (record.consumed() != null) {
            byte[] bytes = key ? record.consumed().key() : record.consumed().value();
            return bytes == null ? "the " + part + " is null" + (key ? "" : ": a tombstone") : null;
        }
        if (record.source() != null) {
            Object data = key ? record.source().key() : record.source().value();
            Schema schema = key ? record.source().keySchema() : record.source().valueSchema();
            if (data == null) {
                return "the " + part + " is null";
            }
            return schema == null ? "the " + part + " has no schema" : null;
        }
        return null;
    }

    /** The messages of the error and its causes, each once (a wrapper often repeats its cause's message). */
    private String causes() {
        StringBuilder sb = new StringBuilder();
        Throwable t = error;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank() || sb.indexOf(message.trim()) >= 0) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(sb.charAt(sb.length() - 1) == ':' ? " " : ": ");
            }
            sb.append(message.trim());
        }
        return sb.length() == 0 ? (error == null ? "unknown cause" : error.getClass().getName()) : sb.toString();
    }
}
