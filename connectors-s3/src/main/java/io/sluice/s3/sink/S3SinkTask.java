package io.sluice.s3.sink;

import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.Versions;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes records to S3 objects, one {@link PartitionWriter} per assigned partition, and offers for
 * commit only offsets whose records are in completed objects. Keeps its buffers within the worker-wide
 * {@link BufferBudget}: past it, the largest buffers are uploaded early, then partitions are paused.
 */
public final class S3SinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(S3SinkTask.class);
    private static final long PAUSED_POLL_MS = 100;

    private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();
    private S3Client s3;
    private PartitionWriter.Settings settings;
    private Recovery recovery;
    private boolean pausedForMemory;
    private Uploader uploader;
    private long requestTimeoutMs;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        S3SinkConfig config = new S3SinkConfig(props);
        Partitioner partitioner = Partitioner.create(config);
        s3 = S3ConnectionConfig.client(config);
        requestTimeoutMs = config.getLong(S3ConnectionConfig.REQUEST_TIMEOUT_MS);
        uploader = new Uploader(props.getOrDefault("name", "sink"), config.getInt(S3SinkConfig.UPLOAD_THREADS));
        settings = PartitionWriter.Settings.of(config, s3, uploader, partitioner);
        recovery = new Recovery(s3, settings.bucket(), settings.names(), partitioner);
        BufferBudget.register(this, config.bufferBudget());
        log.info("S3 sink task writing to s3://{}/{} ({} objects, buffer budget {} bytes)", settings.bucket(),
                config.getString(S3ConnectionConfig.TOPICS_DIR), settings.extension(), BufferBudget.limit());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        try {
            recovery.storedObjects(partitions).forEach((tp, stored) ->
                    writers.put(tp, new PartitionWriter(tp, settings, stored)));
        } catch (SdkException e) {
            throw new ConnectException("Cannot list s3://" + settings.bucket() + " to recover " + partitions + " ("
                    + e.getMessage() + "); check the bucket, credentials and store.url", e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        uploader.check();
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
            PartitionWriter writer = writers.get(tp);
            if (writer == null) {
                throw new ConnectException("Record for " + tp + " which is not assigned to this task");
            }
            writer.write(record);
            if (BufferBudget.exceeded()) {
                relieveMemory();
            }
        }
        rotateOnSchedule();
        if (pausedForMemory && !BufferBudget.exceeded()) {
            pausedForMemory = false;
            context.resume(writers.keySet().toArray(new TopicPartition[0]));
            log.info("Buffers back within budget: resumed {} partitions", writers.size());
        } else if (pausedForMemory) {
            context.timeout(PAUSED_POLL_MS);
        }
    }

    /**
     * Waits for this task's uploads, then sends its largest buffers, until the budget holds; pauses
     * consumption if the task holds nothing.
     */
    private void relieveMemory() {
        while (BufferBudget.exceeded()) {
            if (uploader.heldBytes() > 0) {
                try {
                    uploader.awaitProgress(PAUSED_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("Interrupted while waiting for S3 uploads", e);
                }
                uploader.check();
                continue;
            }
            PartitionWriter owner = null;
            OpenObject largest = null;
            for (PartitionWriter writer : writers.values()) {
                OpenObject candidate = writer.largest();
                if (candidate != null && (largest == null || candidate.buffered() > largest.buffered())) {
                    largest = candidate;
                    owner = writer;
                }
            }
            if (largest == null) {
                if (!pausedForMemory) {
                    pausedForMemory = true;
                    context.pause(writers.keySet().toArray(new TopicPartition[0]));
                    context.timeout(PAUSED_POLL_MS);
                    log.info("Buffer budget of {} bytes used up by other tasks: paused {} partitions",
                            BufferBudget.limit(), writers.size());
                }
                return;
            }
            owner.relieve(largest);
        }
    }

    private void rotateOnSchedule() {
        if (settings.rotateScheduleMs() > 0) {
            long now = System.currentTimeMillis();
            writers.values().forEach(w -> w.rotateOnSchedule(now));
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        uploader.check();
        rotateOnSchedule();
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            PartitionWriter writer = writers.get(tp);
            Long offset = writer == null ? null : writer.committableOffset();
            if (offset != null) {
                safe.put(tp, new OffsetAndMetadata(offset));
            }
        }
        return safe;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionWriter writer = writers.remove(tp);
            if (writer != null) {
                writer.close();
            }
        }
        // a new owner lists the partition's objects: let ours land first so it sees them (bounded)
        if (uploader != null && !partitions.isEmpty() && !uploader.awaitIdle(requestTimeoutMs)) {
            log.warn("S3 uploads still running {} ms after closing {}", requestTimeoutMs, partitions);
        }
    }

    @Override
    public void stop() {
        close(Set.copyOf(writers.keySet()));
        if (uploader != null) {
            uploader.close(requestTimeoutMs);
        }
        BufferBudget.unregister(this);
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }
}
