package io.sluice.file.sink;

import io.sluice.file.Versions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records into files (one stream per topic partition, or one per task in connector mode), buffered,
 * fsynced only when offsets are about to be committed; rewinds the consumer to just after what the files
 * durably hold whenever partitions are opened. After a failed write, rotation or commit (a full disk, a
 * directory that refuses writes) it writes and commits nothing more: what is in memory is no longer known to
 * match the files, so the task fails and its restart recovers from what the files durably hold.
 */
public final class FileSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(FileSinkTask.class);

    private Path dir;
    private SinkFiles files;
    /** The first failed file operation; once set, put and preCommit refuse to go on. */
    private IOException failure;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        FileSinkConfig config = new FileSinkConfig(props);
        dir = Path.of(config.getString(FileSinkConfig.OUTPUT_PATH)).toAbsolutePath();
        try {
            Files.createDirectories(dir);
            if (config.outputMode() == FileSinkConfig.OutputMode.CONNECTOR) {
                int task = Integer.parseInt(props.getOrDefault(FileSinkConfig.TASK_INDEX, "0"));
                StreamFile stream = new StreamFile(dir, config.filePrefix(props), task, config);
                stream.recover();
                files = stream;
            } else {
                files = new PartitionFiles(dir, config);
            }
        } catch (IOException e) {
            throw new ConnectException("Cannot prepare the output directory " + dir + ": " + e.getMessage(), e);
        }
        log.info("File sink writing {} files into {} (one file stream per {})", config.format(), dir,
                config.outputMode() == FileSinkConfig.OutputMode.CONNECTOR ? "task" : "topic partition");
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        try {
            rewind(files.open(partitions));
        } catch (IOException e) {
            throw new ConnectException("Cannot recover the files of " + partitions + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The files, not the consumer group, say what is durably written. */
    private void rewind(Map<TopicPartition, Long> offsets) {
        if (!offsets.isEmpty()) {
            context.offset(offsets);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        checkUsable();
        long now = System.currentTimeMillis();
        try {
            for (SinkRecord record : records) {
                files.write(record, now);
            }
            files.afterPut(now);
        } catch (IOException e) {
            throw failed("Cannot write to " + dir, e);
        }
    }

    /**
     * Makes every record put durable, then returns the offered offsets: each record before them is now fsynced in
     * the files, or was skipped as already durable, or never reached put (a transformation dropped it). Throws
     * instead when a file operation failed, now or earlier, so no offset past what the files hold is committed.
     */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        checkUsable();
        try {
            files.commit(System.currentTimeMillis());
        } catch (IOException e) {
            throw failed("Cannot make the files in " + dir + " durable", e);
        }
        return offsets;
    }

    private ConnectException failed(String what, IOException e) {
        failure = e;
        return new ConnectException(what + ": " + describe(e) + "; fix the directory (space, permissions) and "
                + "restart the task: it resumes from what the files durably hold", e);
    }

    private void checkUsable() {
        if (failure != null) {
            throw new ConnectException("The files in " + dir + " could not be written (" + describe(failure)
                    + ") and take no more records; fix the directory and restart the task: it resumes from what the "
                    + "files durably hold", failure);
        }
    }

    /**
     * What went wrong, in words: a missing file or directory, or a denied one, is named as such; the JDK's message is
     * only the path there (tryout19: "Cannot write to out9: out9/t8-0.checkpoint.tmp" for a removed directory).
     */
    private String describe(IOException e) {
        if (!Files.isDirectory(dir)) {
            return "the directory " + dir + " does not exist any more";
        }
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return "no such file or directory: " + missing.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        return e.getMessage();
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        preCommit(currentOffsets);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        try {
            rewind(files.close(partitions));
        } catch (IOException e) {
            throw new ConnectException("Cannot close the files of " + partitions + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (files == null) {
            return;
        }
        try {
            files.close();
        } catch (IOException e) {
            log.warn("Cannot close the files in {}", dir, e);
        }
    }
}
