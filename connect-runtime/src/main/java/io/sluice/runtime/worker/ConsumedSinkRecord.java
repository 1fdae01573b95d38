package io.sluice.runtime.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A SinkRecord that remembers the consumed record it came from, through every transformation, so
 * the errant record reporter can report the original bytes.
 */
final class ConsumedSinkRecord extends SinkRecord {
    private final ConsumerRecord<byte[], byte[]> consumed;

    ConsumedSinkRecord(ConsumerRecord<byte[], byte[]> consumed, String topic, int partition, Schema keySchema, Object key,
                       Schema valueSchema, Object value, long offset, Long timestamp, TimestampType timestampType,
                       Iterable<Header> headers, String originalTopic, Integer originalPartition, long originalOffset) {
        super(topic, partition, keySchema, key, valueSchema, value, offset, timestamp, timestampType, headers,
                originalTopic, originalPartition, originalOffset);
        this.consumed = consumed;
    }

    ConsumerRecord<byte[], byte[]> consumed() {
        return consumed;
    }

    @Override
    public SinkRecord newRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key, Schema valueSchema,
                                Object value, Long timestamp, Iterable<Header> headers) {
        return new ConsumedSinkRecord(consumed, topic, kafkaPartition, keySchema, key, valueSchema, value, kafkaOffset(),
                timestamp, timestampType(), headers, originalTopic(), originalKafkaPartition(), originalKafkaOffset());
    }
}
