package io.sluice.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each assigned topic partition to its own files, buffered, fsynced only when offsets are about
 * to be committed; on open, rewinds the consumer to just after what the files durably hold.
 */
public final class FileSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(FileSinkTask.class);

    private FileSinkConfig config;
    private Path dir;
    private final Map<TopicPartition, PartitionFile> files = new HashMap<>();

    @Override
    public String version() {
        return FileSourceConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new FileSinkConfig(props);
        dir = Path.of(config.getString(FileSinkConfig.OUTPUT_PATH)).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConnectException("Cannot create output directory " + dir + ": " + e.getMessage(), e);
        }
        log.info("File sink writing {} files into {}", config.format(), dir);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionFile file = new PartitionFile(dir, tp, RecordEncoder.of(config),
                    config.getInt(FileSinkConfig.WRITE_BUFFER_BYTES), config.getLong(FileSinkConfig.FLUSH_SIZE),
                    config.getLong(FileSinkConfig.ROTATE_SIZE_BYTES), config.getLong(FileSinkConfig.ROTATE_INTERVAL_MS));
            try {
                long next = file.recover();
                if (next >= 0) {
                    rewind.put(tp, next);
                }
            } catch (IOException e) {
                throw new ConnectException("Cannot recover the files of " + tp + " in " + dir + ": " + e.getMessage(), e);
            }
            files.put(tp, file);
        }
        if (!rewind.isEmpty()) {
            // the files, not the consumer group, say what is durably written
            context.offset(rewind);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        long now = System.currentTimeMillis();
        try {
            TopicPartition lastTp = null;
            PartitionFile file = null;
            for (SinkRecord record : records) {
                if (lastTp == null || record.kafkaPartition() != lastTp.partition()
                        || !record.topic().equals(lastTp.topic())) {
                    lastTp = new TopicPartition(record.topic(), record.kafkaPartition());
                    file = files.get(lastTp);
                    if (file == null) {
                        throw new ConnectException("Received a record of " + lastTp + ", which is not assigned");
                    }
                }
                file.write(record, now);
            }
            for (PartitionFile f : files.values()) {
                f.rotateIfOld(now);
                f.flushToOs(); // one write per partition per put: output is visible at once, durable at commit
            }
        } catch (IOException e) {
            throw new ConnectException("Cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        long now = System.currentTimeMillis();
        try {
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                PartitionFile file = files.get(e.getKey());
                if (file != null) {
                    file.commit();
                    file.rotateIfOld(now);
                }
            }
        } catch (IOException e) {
            throw new ConnectException("Cannot make the files in " + dir + " durable: " + e.getMessage(), e);
        }
        // every record put is durable now, so the offered offsets are safe to commit
        return offsets;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        preCommit(currentOffsets);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            closeQuietly(files.remove(tp));
        }
    }

    @Override
    public void stop() {
        files.values().forEach(FileSinkTask::closeQuietly);
        files.clear();
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
