package io.sluice.jdbc.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.InternalSinkRecord;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The JSON text of a record whose value or key the Sluice runtime's JsonConverter (schemas.enable=false, no transformation)
 * checked but left unconverted: the record's original bytes, which the sink reads as it reads raw JSON text, sparing
 * the map per record that was most of the task thread's time. Recognised by the value's class name, the runtime's
 * own type being out of a plugin's reach; in any other runtime, or once a transformation ran, there is no such value.
 */
final class OriginalJson {
    /** The runtime's map standing for a checked, not yet converted JSON object (its converters package). */
    static final String DEFERRED_OBJECT = "io.sluice.runtime.converters.DeferredJsonObject";

    private OriginalJson() {
    }

    /** Whether the value is such a deferred object: only then may its bytes be asked for (that needs the runtime). */
    static boolean deferred(Object value) {
        return value != null && value.getClass().getName().equals(DEFERRED_OBJECT);
    }

    /** The record's original value bytes, or null when the record does not carry them. */
    static byte[] bytes(SinkRecord record) {
        ConsumerRecord<byte[], byte[]> original = original(record);
        return original == null ? null : original.value();
    }

    /** The record's original key bytes, or null when the record does not carry them. */
    static byte[] keyBytes(SinkRecord record) {
        ConsumerRecord<byte[], byte[]> original = original(record);
        return original == null ? null : original.key();
    }

    private static ConsumerRecord<byte[], byte[]> original(SinkRecord record) {
        return record instanceof InternalSinkRecord internal && internal.context() != null
                ? internal.context().original() : null;
    }
}
