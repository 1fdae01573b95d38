package io.sluice.runtime.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.runtime.InternalSinkRecord;
import org.apache.kafka.connect.runtime.errors.ProcessingContext;

/**
 * The record a sink task receives, as Apache's {@link InternalSinkRecord} (plugins such as Debezium's JDBC sink
 * test for it and read {@code context().original()}). Built straight from the consumed record through Apache's
 * protected constructor: its public one copies a SinkRecord that would have to be made first, once per record.
 */
final class ConsumedSinkRecord extends InternalSinkRecord {

    ConsumedSinkRecord(ConsumerRecord<byte[], byte[]> consumed, SchemaAndValue key, SchemaAndValue value,
                       ConnectHeaders headers) {
        super(new ProcessingContext<>(consumed), consumed.topic(), consumed.partition(), key.schema(), key.value(),
                value.schema(), value.value(), consumed.offset(),
                consumed.timestamp() == ConsumerRecord.NO_TIMESTAMP ? null : consumed.timestamp(),
                consumed.timestampType(), headers);
    }
}
