package io.sluice.file.sink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one topic partition, written exactly once. Finished files are named by the first and
 * last offset they hold; the open file has a checkpoint (first offset, next offset, record count, durable
 * length) written after each fsync. On open, the bytes past the checkpoint are cut off and the next
 * offset to consume is derived from the files alone, so a crash never loses nor repeats a record.
 */
final class PartitionFile implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(PartitionFile.class);

    private final Path dir;
    private final TopicPartition tp;
    private final RecordEncoder encoder;
    private final String prefix;
    private final Path inProgress;
    private final Path checkpoint;
    private final int bufferBytes;
    private final long maxRecords;
    private final long maxBytes;
    private final long maxAgeMs;
    private FileOutput out;
    private long openedAtMs;
    private long start = -1;
    private long next = -1;
    private long count;
    private boolean dirty;

    PartitionFile(Path dir, TopicPartition tp, RecordEncoder encoder, int bufferBytes,
                  long maxRecords, long maxBytes, long maxAgeMs) {
        this.dir = dir;
        this.tp = tp;
        this.encoder = encoder;
        this.prefix = tp.topic() + "-" + tp.partition();
        this.inProgress = dir.resolve(prefix + ".inprogress");
        this.checkpoint = dir.resolve(prefix + ".checkpoint");
        this.bufferBytes = bufferBytes;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxAgeMs = maxAgeMs;
    }

    /**
     * Restores the durable state from the files: returns the offset after the last durably written record,
     * or -1 when nothing of this partition was written yet.
     */
    long recover() throws IOException {
        long finishedNext = -1;
        Pattern finished = Pattern.compile(Pattern.quote(prefix) + "-(\\d{20})-(\\d{20})" + Pattern.quote(encoder.extension()));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = finished.matcher(p.getFileName().toString());
                if (m.matches()) {
                    finishedNext = Math.max(finishedNext, Long.parseLong(m.group(2)) + 1);
                }
            }
        }
        long[] cp = readCheckpoint();
        // a checkpoint is the open file's only if no finished file already covers its first offset
        boolean valid = cp != null && cp[0] >= finishedNext && Files.exists(inProgress);
        if (valid) {
            start = cp[0];
            next = cp[1];
            count = cp[2];
            out = new FileOutput(inProgress, cp[3], bufferBytes);
            openedAtMs = System.currentTimeMillis();
            log.info("{}: resuming {} at offset {} ({} durable bytes kept)", tp, inProgress, next, cp[3]);
        } else {
            if (Files.deleteIfExists(inProgress)) {
                log.info("{}: discarded {}: nothing in it was committed", tp, inProgress);
            }
            next = finishedNext;
        }
        return next;
    }

    /** Appends a record; records before the durable position (redelivered) are skipped. */
    void write(SinkRecord record, long nowMs) throws IOException {
        long offset = record.kafkaOffset();
        if (next >= 0 && offset < next) {
            return;
        }
        if (out == null) {
            out = new FileOutput(inProgress, 0, bufferBytes);
            encoder.header(record, out);
            start = offset;
            count = 0;
            openedAtMs = nowMs;
        }
        encoder.encode(record, out);
        next = offset + 1;
        count++;
        dirty = true;
        if ((maxRecords > 0 && count >= maxRecords) || (maxBytes > 0 && out.size() >= maxBytes)) {
            rotate();
        }
    }

    /** Hands what put() wrote to the operating system, so readers see it before the next commit's fsync. */
    void flushToOs() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /** Rotates the open file when it is older than the age limit. */
    void rotateIfOld(long nowMs) throws IOException {
        if (out != null && maxAgeMs > 0 && nowMs - openedAtMs >= maxAgeMs && count > 0) {
            rotate();
        }
    }

    /** Makes everything written durable and records it in the checkpoint; returns the next offset. */
    long commit() throws IOException {
        if (out != null && dirty) {
            out.force();
            writeCheckpoint();
            dirty = false;
        }
        return next;
    }

    /**
     * fsyncs the open file and renames it, atomically, to its final name. The file stays open until the rename
     * succeeded: if it fails, this object still describes the open file truthfully (a later commit checkpoints
     * it, a restart cuts it back to its checkpoint) instead of forgetting the records it holds.
     */
    private void rotate() throws IOException {
        out.force();
        Path target = dir.resolve(String.format("%s-%020d-%020d%s", prefix, start, next - 1, encoder.extension()));
        DurableWrites.move(inProgress, target);
        try {
            out.close();
        } finally {
            out = null; // the file has its final name now: nothing may be appended to it
            dirty = false;
        }
        log.debug("{}: rotated {} records into {}", tp, count, target.getFileName());
        count = 0;
        DurableWrites.syncDirectory(dir);
    }

    private long[] readCheckpoint() throws IOException {
        if (!Files.exists(checkpoint)) {
            return null;
        }
        String[] parts = Files.readString(checkpoint, StandardCharsets.US_ASCII).trim().split(" ");
        if (parts.length != 4) {
            log.warn("{}: ignoring unreadable checkpoint {}", tp, checkpoint);
            return null;
        }
        long[] values = new long[4];
        for (int i = 0; i < 4; i++) {
            values[i] = Long.parseLong(parts[i]);
        }
        return values;
    }

    private void writeCheckpoint() throws IOException {
        DurableWrites.replace(checkpoint, start + " " + next + " " + count + " " + out.size() + "\n");
    }

    /** Closes the open file without committing: what was not committed is cut off when it is next opened. */
    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
