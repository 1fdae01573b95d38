package io.sluice.file.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Output mode partition: every topic partition in its own files, each recovered on its own when opened. */
final class PartitionFiles implements SinkFiles {

    private static final Logger log = LoggerFactory.getLogger(PartitionFiles.class);

    private final Path dir;
    private final FileSinkConfig config;
    private final Map<TopicPartition, PartitionFile> files = new HashMap<>();
    private TopicPartition lastTp;
    private PartitionFile lastFile;

    PartitionFiles(Path dir, FileSinkConfig config) {
        this.dir = dir;
        this.config = config;
    }

    @Override
    public Map<TopicPartition, Long> open(Collection<TopicPartition> partitions) throws IOException {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionFile file = new PartitionFile(dir, tp, RecordEncoder.of(config),
                    config.getInt(FileSinkConfig.WRITE_BUFFER_BYTES), config.getLong(FileSinkConfig.FLUSH_SIZE),
                    config.getLong(FileSinkConfig.ROTATE_SIZE_BYTES), config.getLong(FileSinkConfig.ROTATE_INTERVAL_MS));
            long next = file.recover();
            if (next >= 0) {
                rewind.put(tp, next);
            }
            files.put(tp, file);
        }
        return rewind;
    }

    @Override
    public void write(SinkRecord record, long nowMs) throws IOException {
        // records come in runs of one partition: look the file up only when the partition changes
        if (lastTp == null || record.kafkaPartition() != lastTp.partition() || !record.topic().equals(lastTp.topic())) {
            lastTp = new TopicPartition(record.topic(), record.kafkaPartition());
            lastFile = files.get(lastTp);
            if (lastFile == null) {
                throw new ConnectException("Received a record of " + lastTp + ", which is not assigned");
            }
        }
        lastFile.write(record, nowMs);
    }

    @Override
    public void afterPut(long nowMs) throws IOException {
        for (PartitionFile f : files.values()) {
            f.rotateIfOld(nowMs);
            f.flushToOs(); // one write per partition per put: output is visible at once, durable at commit
        }
    }

    @Override
    public void commit(long nowMs) throws IOException {
        for (PartitionFile file : files.values()) {
            file.commit();
            file.rotateIfOld(nowMs);
        }
    }

    @Override
    public Map<TopicPartition, Long> close(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            closeQuietly(files.remove(tp));
        }
        lastTp = null;
        lastFile = null;
        return Map.of();
    }

    @Override
    public void close() {
        files.values().forEach(PartitionFiles::closeQuietly);
        files.clear();
        lastTp = null;
        lastFile = null;
    }

    private static void closeQuietly(PartitionFile file) {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            log.warn("Cannot close a file", e);
        }
    }
}
