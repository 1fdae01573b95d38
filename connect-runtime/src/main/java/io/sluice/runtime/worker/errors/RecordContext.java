package io.sluice.runtime.worker.errors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.source.SourceRecord;

/** What is known of the record being processed, for error reports: the consumed record (sinks) or the source record (sources). */
public record RecordContext(ConsumerRecord<byte[], byte[]> consumed, SourceRecord source) {

    public static RecordContext of(ConsumerRecord<byte[], byte[]> consumed) {
        return new RecordContext(consumed, null);
    }

    public static RecordContext of(SourceRecord source) {
        return new RecordContext(null, source);
    }
}
