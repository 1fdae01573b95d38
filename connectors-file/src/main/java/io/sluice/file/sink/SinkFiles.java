package io.sluice.file.sink;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * How a sink task lays records out in files and keeps them exactly once: each method returns the consumer
 * offsets to rewind to, derived from what the files durably hold (empty: no rewind).
 */
interface SinkFiles extends Closeable {

    /** Takes over newly assigned partitions; returns, per partition, the offset after its last durable record. */
    Map<TopicPartition, Long> open(Collection<TopicPartition> partitions) throws IOException;

    /** Appends a record; a record below its partition's durable position (redelivered) is skipped. */
    void write(SinkRecord record, long nowMs) throws IOException;

    /** After each put: rotates files that are too old and hands buffered bytes to the operating system. */
    void afterPut(long nowMs) throws IOException;

    /** Makes every record written so far durable, so its offset may be committed. */
    void commit(long nowMs) throws IOException;

    /**
     * Lets go of revoked or lost partitions; returns rewinds for partitions still assigned when records not yet
     * durable had to be cut off with them.
     */
    Map<TopicPartition, Long> close(Collection<TopicPartition> partitions) throws IOException;

    /** Closes every file without committing: what was not committed is cut off when it is next opened. */
    @Override
    void close() throws IOException;
}
