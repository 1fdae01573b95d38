package org.apache.kafka.connect.runtime;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.runtime.errors.ProcessingContext;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The SinkRecord every sink task receives: it keeps the consumed record it came from through every
 * transformation. Compatibility shim with Apache Kafka Connect's class of the same name and shape
 * (since 3.8): plugins such as Debezium's JDBC sink test {@code instanceof InternalSinkRecord} and
 * read {@code context().original()} to find the record's original topic, and commit nothing without it.
 */
public class InternalSinkRecord extends SinkRecord {
    private final ProcessingContext<ConsumerRecord<byte[], byte[]>> context;

    public InternalSinkRecord(ProcessingContext<ConsumerRecord<byte[], byte[]>> context, SinkRecord record) {
        this(context, record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), record.valueSchema(),
                record.value(), record.kafkaOffset(), record.timestamp(), record.timestampType(), record.headers());
    }

    public InternalSinkRecord(ProcessingContext<ConsumerRecord<byte[], byte[]>> context, String topic,
                                 int partition, Schema keySchema, Object key, Schema valueSchema, Object value,
                                 long kafkaOffset, Long timestamp, TimestampType timestampType,
                                 Iterable<Header> headers) {
        super(topic, partition, keySchema, key, valueSchema, value, kafkaOffset, timestamp, timestampType, headers,
                context.original().topic(), context.original().partition(), context.original().offset());
        this.context = context;
    }

    @Override
    public SinkRecord newRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key,
                                Schema valueSchema, Object value, Long timestamp, Iterable<Header> headers) {
        return new InternalSinkRecord(context, topic, kafkaPartition, keySchema, key, valueSchema, value,
                kafkaOffset(), timestamp, timestampType(), headers);
    }

    /** The processing context, whose {@code original()} is the consumed record. */
    public ProcessingContext<ConsumerRecord<byte[], byte[]>> context() {
        return context;
    }
}
