package io.sluice.runtime.worker.errors;

/** Where in the record pipeline an error happened; the names match Apache's error reports and DLQ headers. */
public enum Stage {
    TASK_POLL, TASK_PUT, TRANSFORMATION, KEY_CONVERTER, VALUE_CONVERTER, HEADER_CONVERTER, KAFKA_PRODUCE, KAFKA_CONSUME
}
