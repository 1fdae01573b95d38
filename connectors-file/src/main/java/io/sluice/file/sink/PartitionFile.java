package io.sluice.file.sink;

import java.io.Closeable;
import java.io.IOException;
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
 * last offset they hold; the checkpoint (see {@link PartitionCheckpoint}) is written after each fsync and around
 * each rotation, so it always says which file it describes. On open, the bytes past the checkpoint are cut off
 * and the next offset to consume is taken from it, so a crash never loses nor repeats a record.
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
    /** The last checkpoint written: a new open file may be created only once it says that none is open. */
    private PartitionCheckpoint durable = PartitionCheckpoint.none(-1);

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
     * or -1 when nothing of this partition was written yet. The checkpoint alone says which records are durable
     * and whether the open file holds any of them, so finished files may have been shipped away meanwhile.
     */
    long recover() throws IOException {
        PartitionCheckpoint cp = PartitionCheckpoint.read(checkpoint);
        if (cp == null || cp.state() == PartitionCheckpoint.State.LEGACY) {
            cp = fromLegacy(cp);
        }
        switch (cp.state()) {
            case OPEN -> {
                if (Files.exists(inProgress)) {
                    out = new FileOutput(inProgress, cp.length(), bufferBytes);
                    start = cp.start();
                    next = cp.next();
                    count = cp.records();
                    openedAtMs = System.currentTimeMillis();
                    durable = cp;
                    log.info("{}: resuming {} (offsets {} to {}, {} durable bytes kept)", tp, inProgress, start,
                            next - 1, cp.length());
                    return next;
                }
                // removed by hand: its records are written again from the topic, into a new file
                log.warn("{}: {} is missing; writing its records again from offset {}", tp, inProgress, cp.start());
                next = cp.start();
            }
            case ROTATING -> {
                if (Files.exists(inProgress)) {
                    // the crash came between the checkpoint and the rename: the file is complete up to its length
                    new FileOutput(inProgress, cp.length(), bufferBytes).close();
                    Path target = finished(cp.start(), cp.next() - 1);
                    DurableWrites.rename(inProgress, target);
                    log.info("{}: completed the interrupted rotation into {}", tp, target.getFileName());
                }
                next = cp.next();
            }
            default -> {
                if (Files.deleteIfExists(inProgress)) {
                    log.info("{}: discarded {}: nothing in it was committed", tp, inProgress);
                }
                next = cp.next();
            }
        }
        if (!PartitionCheckpoint.none(next).equals(cp)) {
            checkpoint(PartitionCheckpoint.none(next)); // before any new open file can take the name
        } else {
            durable = cp;
        }
        return next;
    }

    /**
     * Reads what an earlier version left: its checkpoint (written only at commits) describes the open file only if
     * no finished file already covers its first offset; without one the finished files' names give the offset.
     */
    private PartitionCheckpoint fromLegacy(PartitionCheckpoint cp) throws IOException {
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
        if (cp != null && cp.start() >= finishedNext && Files.exists(inProgress)) {
            return new PartitionCheckpoint(PartitionCheckpoint.State.OPEN, cp.start(), cp.next(), cp.records(), cp.length());
        }
        return PartitionCheckpoint.none(finishedNext);
    }

    /** Appends a record; records before the durable position (redelivered) are skipped. */
    void write(SinkRecord record, long nowMs) throws IOException {
        long offset = record.kafkaOffset();
        if (next >= 0 && offset < next) {
            return;
        }
        if (out == null) {
            if (durable.state() != PartitionCheckpoint.State.NONE) {
                // the last rotation could not record its end: do it before a new file takes the open file's name
                checkpoint(PartitionCheckpoint.none(next));
            }
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
            writeCheckpoint(PartitionCheckpoint.State.OPEN);
            dirty = false;
        }
        return next;
    }

    /**
     * fsyncs the open file, records in the checkpoint that it is being rotated (so a restart completes a rename a
     * crash interrupted, and never takes a later file for this one), renames it atomically to its final name, then
     * checkpoints that no file is open. The file stays open until the rename succeeded: if it fails, this object
     * still describes the open file truthfully (a later commit checkpoints it as open again) instead of forgetting
     * the records it holds.
     */
    private void rotate() throws IOException {
        out.force();
        writeCheckpoint(PartitionCheckpoint.State.ROTATING);
        Path target = finished(start, next - 1);
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
        checkpoint(PartitionCheckpoint.none(next));
    }

    private Path finished(long first, long last) {
        return dir.resolve(String.format("%s-%020d-%020d%s", prefix, first, last, encoder.extension()));
    }

    private void writeCheckpoint(PartitionCheckpoint.State state) throws IOException {
        checkpoint(new PartitionCheckpoint(state, start, next, count, out.size()));
    }

    private void checkpoint(PartitionCheckpoint cp) throws IOException {
        DurableWrites.replace(checkpoint, cp.format());
        durable = cp;
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
