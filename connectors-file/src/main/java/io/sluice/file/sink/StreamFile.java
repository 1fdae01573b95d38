package io.sluice.file.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output mode connector: every record of a task, whatever its partition, in one file stream
 * ({@code <prefix>-<task>.inprogress}, finished files {@code <prefix>-<task>-<sequence>.<ext>}). Exactly once
 * rests on the stream's checkpoint, which holds every partition's next offset: on start the bytes past it are
 * cut off; on open each partition is rewound to the highest next offset any task's stream durably holds, so a
 * partition that moved between tasks is neither lost nor written twice.
 */
final class StreamFile implements SinkFiles {

    private static final Logger log = LoggerFactory.getLogger(StreamFile.class);

    /** Where one partition stands in this stream: next offset to write, first offset written since the last commit. */
    private static final class Position {
        long next = -1;
        long firstUncommitted = -1;
    }

    private final Path dir;
    private final String name;
    private final Path inProgress;
    private final Path checkpoint;
    private final Pattern peerCheckpoint;
    private final RecordEncoder encoder;
    private final int bufferBytes;
    private final long maxRecords;
    private final long maxBytes;
    private final long maxAgeMs;
    private final Map<TopicPartition, Position> positions = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private StreamCheckpoint durable = StreamCheckpoint.EMPTY;
    private FileOutput out;
    private long seq;
    private long count;
    private long openedAtMs;
    private boolean dirty;
    private TopicPartition lastTp;
    private Position lastPosition;

    StreamFile(Path dir, String prefix, int task, FileSinkConfig config) {
        this.dir = dir;
        this.name = prefix + "-" + task;
        this.inProgress = dir.resolve(name + ".inprogress");
        this.checkpoint = dir.resolve(name + ".checkpoint");
        this.peerCheckpoint = Pattern.compile(Pattern.quote(prefix) + "-\\d+\\.checkpoint");
        this.encoder = RecordEncoder.of(config);
        this.bufferBytes = config.getInt(FileSinkConfig.WRITE_BUFFER_BYTES);
        this.maxRecords = config.getLong(FileSinkConfig.FLUSH_SIZE);
        this.maxBytes = config.getLong(FileSinkConfig.ROTATE_SIZE_BYTES);
        this.maxAgeMs = config.getLong(FileSinkConfig.ROTATE_INTERVAL_MS);
    }

    /** Restores the stream from its checkpoint: completes an interrupted rotation, cuts off what was never committed. */
    void recover() throws IOException {
        StreamCheckpoint cp = StreamCheckpoint.read(checkpoint);
        if (cp == null) {
            cp = StreamCheckpoint.EMPTY;
        }
        if (cp.rotating()) {
            if (Files.exists(inProgress)) {
                // the crash came between the checkpoint and the rename: the file is complete up to its length
                new FileOutput(inProgress, cp.length(), bufferBytes).close();
                DurableWrites.rename(inProgress, finished(cp.seq()));
                log.info("{}: completed the interrupted rotation into {}", name, finished(cp.seq()).getFileName());
            }
            cp = new StreamCheckpoint(cp.seq() + 1, 0, 0, false, cp.next());
            DurableWrites.replace(checkpoint, cp.format());
        }
        durable = cp;
        seq = cp.seq();
        cp.next().forEach((tp, next) -> position(tp).next = next);
        if (cp.length() > 0 && Files.exists(inProgress)) {
            out = new FileOutput(inProgress, cp.length(), bufferBytes);
            count = cp.records();
            openedAtMs = System.currentTimeMillis();
            log.info("{}: resuming {} ({} durable bytes kept, {} partitions known)", name, inProgress,
                    cp.length(), cp.next().size());
        } else if (Files.deleteIfExists(inProgress)) {
            log.info("{}: discarded {}: nothing in it was committed", name, inProgress);
        }
    }

    @Override
    public Map<TopicPartition, Long> open(Collection<TopicPartition> partitions) throws IOException {
        Map<TopicPartition, Long> peers = peerOffsets();
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Position p = position(tp);
            long at = Math.max(p.next, peers.getOrDefault(tp, -1L));
            if (at >= 0) {
                p.next = at;
                rewind.put(tp, at);
            }
            assigned.add(tp);
        }
        return rewind;
    }

    /** The highest next offset of each partition over the other tasks' streams of this connector. */
    private Map<TopicPartition, Long> peerOffsets() throws IOException {
        Map<TopicPartition, Long> max = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.equals(checkpoint) && peerCheckpoint.matcher(p.getFileName().toString()).matches()) {
                    StreamCheckpoint peer = StreamCheckpoint.read(p);
                    if (peer != null) {
                        peer.next().forEach((tp, next) -> max.merge(tp, next, Math::max));
                    }
                }
            }
        }
        return max;
    }

    @Override
    public void write(SinkRecord record, long nowMs) throws IOException {
        if (lastTp == null || record.kafkaPartition() != lastTp.partition() || !record.topic().equals(lastTp.topic())) {
            lastTp = new TopicPartition(record.topic(), record.kafkaPartition());
            if (!assigned.contains(lastTp)) {
                throw new ConnectException("Received a record of " + lastTp + ", which is not assigned");
            }
            lastPosition = position(lastTp);
        }
        Position p = lastPosition;
        long offset = record.kafkaOffset();
        if (offset < p.next) {
            return;
        }
        if (out == null) {
            out = new FileOutput(inProgress, 0, bufferBytes);
            encoder.header(record, out);
            count = 0;
            openedAtMs = nowMs;
        }
        encoder.encode(record, out);
        if (p.firstUncommitted < 0) {
            p.firstUncommitted = offset;
        }
        p.next = offset + 1;
        count++;
        dirty = true;
        if ((maxRecords > 0 && count >= maxRecords) || (maxBytes > 0 && out.size() >= maxBytes)) {
            rotate();
        }
    }

    @Override
    public void afterPut(long nowMs) throws IOException {
        rotateIfOld(nowMs);
        if (out != null) {
            out.flush();
        }
    }

    @Override
    public void commit(long nowMs) throws IOException {
        if (out != null && dirty) {
            out.force();
            writeCheckpoint(false);
        }
        rotateIfOld(nowMs);
    }

    private void rotateIfOld(long nowMs) throws IOException {
        if (out != null && maxAgeMs > 0 && nowMs - openedAtMs >= maxAgeMs && count > 0) {
            rotate();
        }
    }

    /**
     * fsyncs the open file, records in the checkpoint that it is being rotated (so a crash before the rename
     * completes it on recovery), renames it to its final name, then checkpoints the next, empty file. The file
     * stays open until the rename succeeded: if it fails, the stream still describes it truthfully (a later write
     * appends to it and a later commit checkpoints it as open again) instead of starting an empty file over it.
     */
    private void rotate() throws IOException {
        out.force();
        writeCheckpoint(true);
        Path target = finished(seq);
        DurableWrites.move(inProgress, target);
        try {
            out.close();
        } finally {
            out = null; // the file has its final name now: nothing may be appended to it
        }
        log.debug("{}: rotated {} records into {}", name, count, target.getFileName());
        seq++;
        count = 0;
        DurableWrites.syncDirectory(dir);
        durable = new StreamCheckpoint(seq, 0, 0, false, durable.next());
        DurableWrites.replace(checkpoint, durable.format());
    }

    private void writeCheckpoint(boolean rotating) throws IOException {
        Map<TopicPartition, Long> next = new HashMap<>(positions.size() * 2);
        positions.forEach((tp, p) -> {
            if (p.next >= 0) {
                next.put(tp, p.next);
            }
            p.firstUncommitted = -1;
        });
        durable = new StreamCheckpoint(seq, out.size(), count, rotating, next);
        DurableWrites.replace(checkpoint, durable.format());
        dirty = false;
    }

    @Override
    public Map<TopicPartition, Long> close(Collection<TopicPartition> partitions) throws IOException {
        Map<TopicPartition, Long> rewind = Map.of();
        if (dirty) {
            // partitions lost without a commit: their uncommitted records sit among the others' in the open file,
            // so cut the file back to its last commit and rewind every partition still assigned
            rewind = cutBackToCheckpoint(partitions);
        }
        assigned.removeAll(partitions);
        lastTp = null;
        lastPosition = null;
        return rewind;
    }

    private Map<TopicPartition, Long> cutBackToCheckpoint(Collection<TopicPartition> closing) throws IOException {
        out.close();
        out = null;
        if (durable.length() > 0) {
            out = new FileOutput(inProgress, durable.length(), bufferBytes);
        } else {
            Files.deleteIfExists(inProgress);
        }
        count = durable.records();
        Map<TopicPartition, Long> rewind = new HashMap<>();
        positions.forEach((tp, p) -> {
            if (p.firstUncommitted >= 0) {
                if (assigned.contains(tp) && !closing.contains(tp)) {
                    rewind.put(tp, p.firstUncommitted);
                }
                p.next = durable.next().getOrDefault(tp, -1L);
                p.firstUncommitted = -1;
            }
        });
        dirty = false;
        log.info("{}: cut back to its last commit; rewinding {}", name, rewind);
        return rewind;
    }

    private Position position(TopicPartition tp) {
        return positions.computeIfAbsent(tp, k -> new Position());
    }

    private Path finished(long sequence) {
        return dir.resolve(String.format("%s-%010d%s", name, sequence, encoder.extension()));
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
