package org.apache.kafka.connect.runtime.errors;

/**
 * The record a sink record was made from. Compatibility shim with the part of Apache Kafka
 * Connect's class of the same name that plugins use: {@code original()}.
 */
public class ProcessingContext<T> {
    private final T original;

    public ProcessingContext(T original) {
        this.original = original;
    }

    /** The record as it was consumed, before conversion and transformations. */
    public T original() {
        return original;
    }
}
