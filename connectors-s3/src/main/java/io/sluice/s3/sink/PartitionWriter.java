package io.sluice.s3.sink;

import io.sluice.s3.ObjectNames.StoredObject;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.format.RecordFormat;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes one Kafka partition's records into objects, exactly once. Records already stored (an object
 * whose name covers their offset, found by recovery) are skipped; the offset it offers for commit is
 * the first offset of its oldest object not yet stored (open or still being sent), so a restart replays
 * only records not yet stored.
 */
final class PartitionWriter {

    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);
    /** Objects are completed before this size so the server-side copy of multipart uploads stays in one call. */
    private static final long MAX_OBJECT_BYTES = 4L * 1024 * 1024 * 1024;

    private final TopicPartition tp;
    private final Settings settings;
    private final Map<String, OpenObject> open = new LinkedHashMap<>();
    private final List<StoredObject> stored;
    /** Completed objects still being sent, oldest first: their records may not be committed yet. */
    private final Deque<Sending> sending = new ArrayDeque<>();
    private long lastOffset = -1;
    private boolean pruned;

    /** What every writer of a task shares. */
    record Settings(S3Client s3, Uploader uploader, String bucket, ObjectNames names, Partitioner partitioner, RecordFormat format,
                    boolean gzip, int flushSize, long rotateIntervalMs, long rotateScheduleMs, ZoneId zone,
                    int partSize, boolean ignoreNulls) {
        static Settings of(S3SinkConfig config, S3Client s3, Uploader uploader, Partitioner partitioner) {
            return new Settings(s3, uploader, config.getString(io.sluice.s3.S3ConnectionConfig.BUCKET),
                    new ObjectNames(config.getString(io.sluice.s3.S3ConnectionConfig.TOPICS_DIR),
                            config.getInt(io.sluice.s3.S3ConnectionConfig.ZERO_PAD_WIDTH)),
                    partitioner, config.format(), config.gzip() && config.format().compressible(),
                    config.getInt(S3SinkConfig.FLUSH_SIZE), config.getLong(S3SinkConfig.ROTATE_INTERVAL_MS),
                    config.getLong(S3SinkConfig.ROTATE_SCHEDULE_INTERVAL_MS),
                    ZoneId.of(config.getString(S3SinkConfig.TIMEZONE)), config.getInt(S3SinkConfig.PART_SIZE),
                    "ignore".equalsIgnoreCase(config.getString(S3SinkConfig.NULL_VALUES)));
        }

        String extension() {
            return format.extension() + (gzip ? ".gz" : "");
        }
    }

    PartitionWriter(TopicPartition tp, Settings settings, List<StoredObject> stored) {
        this.tp = tp;
        this.settings = settings;
        this.stored = new ArrayList<>(stored);
        this.stored.sort(Comparator.comparingLong(StoredObject::start));
    }

    void write(SinkRecord record) {
        long offset = record.kafkaOffset();
        if (offset <= lastOffset) {
            return; // delivered again after a rewind: already written
        }
        lastOffset = offset;
        if (record.value() == null && settings.ignoreNulls()) {
            return;
        }
        String path = settings.partitioner().encode(record);
        if (alreadyStored(path, offset)) {
            return;
        }
        if (settings.partitioner().timingDependent()) {
            // a replayed record may get another path: keep objects contiguous in offsets so any object's range tells
            for (OpenObject other : List.copyOf(open.values())) {
                if (!other.path.equals(path)) {
                    complete(other);
                }
            }
        }
        Long timestamp = settings.partitioner().timestamp(record);
        OpenObject object = open.get(path);
        if (object != null && !object.accepts(record)) {
            complete(object); // a new schema: Avro and Parquet files hold one
            object = null;
        }
        if (object != null && settings.rotateIntervalMs() > 0 && timestamp != null && object.firstTimestamp() != null
                && timestamp - object.firstTimestamp() >= settings.rotateIntervalMs()) {
            complete(object);
            object = null;
        }
        if (object == null) {
            object = newObject(path, offset);
        }
        try {
            object.append(record, timestamp);
        } catch (IOException e) {
            throw new DataException("Cannot write record " + tp + "@" + offset + " in " + settings.format().extension()
                    + " format", e);
        }
        if (object.count() >= settings.flushSize() || object.size() >= MAX_OBJECT_BYTES) {
            complete(object);
        }
    }

    private boolean alreadyStored(String path, long offset) {
        if (stored.isEmpty()) {
            return false;
        }
        if (!pruned) {
            stored.removeIf(o -> o.end() < offset); // offsets only grow from here
            pruned = true;
        }
        String dir = settings.names().topicPrefix(tp.topic()) + path;
        boolean anyPath = settings.partitioner().timingDependent();
        for (StoredObject o : stored) {
            if (o.start() > offset) {
                break;
            }
            if (o.contains(offset) && (anyPath || o.dir().equals(dir))) {
                return true;
            }
        }
        return false;
    }

    private OpenObject newObject(String path, long start) {
        long now = System.currentTimeMillis();
        long schedule = settings.rotateScheduleMs() > 0 ? nextBoundary(now) : Long.MAX_VALUE;
        ObjectUpload upload = new ObjectUpload(settings.s3(), settings.uploader(), settings.bucket(),
                settings.names().uploadingKey(tp.topic(), tp.partition(), path, start), settings.partSize());
        OpenObject object = new OpenObject(path, start, upload, settings.format(), settings.gzip(), now, schedule);
        open.put(path, object);
        return object;
    }

    private long nextBoundary(long now) {
        return TimeBuckets.next(now, settings.rotateScheduleMs(), settings.zone());
    }

    /** Completes objects whose scheduled (wall-clock) rotation time has passed. */
    void rotateOnSchedule(long now) {
        for (OpenObject object : List.copyOf(open.values())) {
            if (now >= object.scheduledRotationMs) {
                complete(object);
            }
        }
    }

    private void complete(OpenObject object) {
        String key = settings.names().key(tp.topic(), tp.partition(), object.path, object.start, object.end(),
                settings.extension());
        CompletableFuture<Void> stored;
        try {
            stored = object.complete(key, Map.of("sluice-records", Integer.toString(object.count())));
        } catch (IOException e) {
            throw new DataException("Cannot finish s3://" + settings.bucket() + "/" + key, e);
        }
        open.remove(object.path); // later records have higher offsets: no need to remember it for skipping
        sending.add(new Sending(object.start, stored));
        log.debug("Storing {} ({} records, {} bytes)", key, object.count(), object.size());
    }

    /** A completed object on its way to S3. */
    private record Sending(long start, CompletableFuture<Void> stored) {
        boolean done() {
            return stored.isDone() && !stored.isCompletedExceptionally();
        }
    }

    /** The offset consumers may commit: nothing before it is unstored. Null when there is nothing new. */
    Long committableOffset() {
        if (lastOffset < 0) {
            return null;
        }
        long min = lastOffset + 1;
        while (!sending.isEmpty() && sending.peekFirst().done()) {
            sending.removeFirst();
        }
        for (Sending s : sending) {
            if (!s.done()) {
                min = Math.min(min, s.start());
            }
        }
        for (OpenObject o : open.values()) {
            min = Math.min(min, o.start);
        }
        return min;
    }

    /** The open object holding the most buffered bytes, or null. */
    OpenObject largest() {
        OpenObject largest = null;
        for (OpenObject o : open.values()) {
            if (o.buffered() > 0 && (largest == null || o.buffered() > largest.buffered())) {
                largest = o;
            }
        }
        return largest;
    }

    /** Frees object's memory: a multipart part if it is big enough, else completing it early. */
    void relieve(OpenObject object) {
        if (!object.tryUploadPart()) {
            complete(object);
        }
    }

    /** Drops open objects (their records are replayed after the next assignment); sending ones go on. */
    void close() {
        open.values().forEach(OpenObject::abort);
        open.clear();
    }
}
