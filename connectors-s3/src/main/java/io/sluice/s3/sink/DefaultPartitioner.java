package io.sluice.s3.sink;

import org.apache.kafka.connect.sink.SinkRecord;

/** partition=<kafka partition>: Confluent's default layout. */
final class DefaultPartitioner implements Partitioner {
    private final TimestampExtractor time;

    DefaultPartitioner(TimestampExtractor time) {
        this.time = time;
    }

    @Override
    public String encode(SinkRecord record) {
        return "partition=" + record.kafkaPartition();
    }

    @Override
    public Long timestamp(SinkRecord record) {
        return time.extract(record);
    }

    @Override
    public boolean pathPerKafkaPartition() {
        return true;
    }
}
