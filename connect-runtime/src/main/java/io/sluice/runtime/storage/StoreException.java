package io.sluice.runtime.storage;

/** A store could not read or write its Kafka topic in time; the message says which and why. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }

    /** A change refused because an earlier one held the herder past the store's timeout from its arrival. */
    public static StoreException queuedTooLong(long timeoutMs) {
        return new StoreException("Could not make the change within " + StoreWrites.seconds(java.time.Duration.ofMillis(
                timeoutMs)) + " (storage.timeout.ms): an earlier one was still being made; is Kafka reachable?");
    }
}
