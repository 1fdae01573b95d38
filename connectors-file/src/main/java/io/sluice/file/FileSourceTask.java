package io.sluice.file;

import io.sluice.file.FileSourceConfig.CleanupPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this task's share of the files as records, in batches, resuming each file at the committed byte
 * position when its identity (file key) is unchanged; tails growing files, follows rotation and truncation,
 * and applies the cleanup policy to a file only once all its records are committed.
 */
public final class FileSourceTask extends SourceTask implements TailedFile.LineSink {

    static final String PATH = "path";
    static final String POSITION = "position";
    static final String FILE_KEY = "file.key";
    static final String LINE = "line";
    static final String HEADER_FILE_NAME = "file.name";
    static final String HEADER_FILE_LINE = "file.line";

    private static final Logger log = LoggerFactory.getLogger(FileSourceTask.class);

    private FileSourceConfig config;
    private FileDiscovery discovery;
    private String topic;
    private int batchSize;
    private long pollIntervalMs;
    private long scanIntervalNanos;
    private long finishedIdleNanos;
    private int bufferBytes;
    private boolean fileHeaders;
    private MalformedLines malformed;
    private CleanupPolicy cleanup;
    private final LineParser.ParsedLine parsed = new LineParser.ParsedLine();
    private final Map<Path, TailedFile> files = new LinkedHashMap<>();
    /** Files by path for commitRecord, which runs on the producer's thread. */
    private final Map<String, TailedFile> byPath = new ConcurrentHashMap<>();
    private final Set<Path> finished = ConcurrentHashMap.newKeySet();
    private List<SourceRecord> batch;
    /** Records read while finishing a file (its unterminated last line), sent with the next batch. */
    private final List<SourceRecord> pending = new ArrayList<>();
    private long nextScanNanos;
    private boolean stopping;

    @Override
    public String version() {
        return FileSourceConnector.VERSION;
    }

    @Override
    public synchronized void start(Map<String, String> props) {
        config = new FileSourceConfig(props);
        int index = Integer.parseInt(props.getOrDefault(FileSourceConfig.TASK_INDEX, "0"));
        int count = Integer.parseInt(props.getOrDefault(FileSourceConfig.TASK_COUNT, "1"));
        discovery = new FileDiscovery(config, index, count);
        topic = config.topic();
        batchSize = config.batchSize();
        pollIntervalMs = config.getLong(FileSourceConfig.POLL_INTERVAL_MS);
        scanIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(FileSourceConfig.SCAN_INTERVAL_MS));
        finishedIdleNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(FileSourceConfig.FINISHED_IDLE_MS));
        bufferBytes = config.getInt(FileSourceConfig.READ_BUFFER_BYTES);
        fileHeaders = config.getBoolean(FileSourceConfig.FILE_HEADERS);
        cleanup = config.cleanupPolicy();
        malformed = new MalformedLines(props, config);
        stopping = false;
        nextScanNanos = System.nanoTime();
        log.info("File source task {} of {} reading {} as {} into topic {}; malformed lines {}", index, count,
                describeInput(), config.format(), topic, malformed.describe());
    }

    @Override
    public synchronized List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        try {
            if (System.nanoTime() - nextScanNanos >= 0) {
                scan();
                nextScanNanos = System.nanoTime() + scanIntervalNanos;
            }
            batch = new ArrayList<>(Math.min(batchSize, 8192));
            batch.addAll(pending);
            pending.clear();
            for (TailedFile file : files.values()) {
                file.read(batchSize - batch.size(), this);
                if (batch.size() >= batchSize) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new ConnectException("Cannot read files of " + describeInput() + ": " + e.getMessage(), e);
        }
        List<SourceRecord> result = batch;
        batch = null;
        if (result.isEmpty()) {
            // nothing new anywhere: wait, but wake up at once when stop() is called
            wait(pollIntervalMs);
            return null;
        }
        log.debug("Read {} records", result.size());
        return result;
    }

    @Override
    public void line(TailedFile file, byte[] buf, int off, int len, long nextPosition, long lineNumber) {
        try {
            if (!file.parser.parse(buf, off, len, parsed)) {
                return;
            }
        } catch (IllegalArgumentException | org.apache.kafka.connect.errors.DataException e) {
            SourceRecord dlq = malformed.handle(file, buf, off, len, file.position(), offset(file, nextPosition, lineNumber),
                    lineNumber, e);
            if (dlq != null) {
                batch.add(dlq);
                file.emitted++;
            }
            return;
        }
        Map<String, Object> offset = offset(file, nextPosition, lineNumber);
        ConnectHeaders headers = null;
        if (fileHeaders) {
            headers = new ConnectHeaders();
            headers.addString(HEADER_FILE_NAME, file.fileName);
            headers.addLong(HEADER_FILE_LINE, lineNumber);
        }
        batch.add(new SourceRecord(file.partition, offset, topic, null, parsed.keySchema, parsed.key,
                parsed.valueSchema, parsed.value, null, headers));
        file.emitted++;
    }

    private static Map<String, Object> offset(TailedFile file, long nextPosition, long lineNumber) {
        return Map.of(POSITION, nextPosition, FILE_KEY, file.fileKey, LINE, lineNumber);
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (cleanup == CleanupPolicy.NONE) {
            return;
        }
        TailedFile file = byPath.get((String) record.sourcePartition().get(PATH));
        if (file != null && file.fileKey.equals(record.sourceOffset().get(FILE_KEY))) {
            file.committed.incrementAndGet();
        }
    }

    /** Opens new files, follows rotated and truncated ones, and finishes idle ones. */
    private void scan() throws IOException {
        for (Iterator<TailedFile> it = files.values().iterator(); it.hasNext(); ) {
            TailedFile file = it.next();
            TailedFile.Change change = file.check();
            switch (change) {
                case TRUNCATED -> {
                    log.warn("File {} was truncated; reading it again from the start", file.path);
                    file.rewind();
                }
                case REPLACED, GONE -> {
                    // drain what the old file still holds before letting it go
                    if (file.fullyRead()) {
                        if (change == TailedFile.Change.REPLACED) {
                            log.info("File {} was rotated; reading the new file from the start", file.path);
                        }
                        close(file);
                        it.remove();
                    }
                }
                case NONE -> {
                    if (cleanup != CleanupPolicy.NONE && finishIfDone(file)) {
                        it.remove();
                    }
                }
            }
        }
        List<Path> found = discovery.find();
        List<Path> added = new ArrayList<>();
        for (Path path : found) {
            if (!files.containsKey(path) && !finished.contains(path)) {
                added.add(path);
            }
        }
        if (!added.isEmpty()) {
            open(added);
        }
        finished.retainAll(found);
    }

    private void open(List<Path> paths) throws IOException {
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (Path path : paths) {
            partitions.add(Map.of(PATH, path.toString()));
        }
        Map<Map<String, Object>, Map<String, Object>> stored = context.offsetStorageReader().offsets(partitions);
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            Map<String, Object> partition = partitions.get(i);
            String key;
            long size;
            try {
                key = FileIdentity.keyOf(path);
                size = Files.size(path);
            } catch (NoSuchFileException e) {
                continue;
            }
            long position = 0;
            long line = 0;
            Map<String, Object> offset = stored == null ? null : stored.get(partition);
            if (offset != null && key.equals(offset.get(FILE_KEY))) {
                long storedPosition = ((Number) offset.get(POSITION)).longValue();
                if (storedPosition <= size) {
                    position = storedPosition;
                    line = ((Number) offset.getOrDefault(LINE, 0L)).longValue();
                } else {
                    log.warn("File {} is shorter than its committed position {}; reading it from the start",
                            path, storedPosition);
                }
            }
            TailedFile file = new TailedFile(path, key, partition, position, line, bufferBytes);
            file.parser = parserFor(path, position);
            files.put(path, file);
            byPath.put(path.toString(), file);
            log.info("Reading {} from byte {} (line {})", path, position, line + 1);
        }
    }

    private LineParser parserFor(Path path, long position) throws IOException {
        LineParser parser = LineParsers.create(config);
        if (parser instanceof CsvLineParser csv && csv.needsHeader() && position > 0) {
            try (var reader = Files.newBufferedReader(path)) {
                String header = reader.readLine();
                if (header != null) {
                    csv.header(header);
                }
            }
        }
        return parser;
    }

    /** Applies the cleanup policy once the file is read, idle and every record of it is committed. */
    private boolean finishIfDone(TailedFile file) throws IOException {
        if (!file.fullyRead() || file.idleNanos() < finishedIdleNanos) {
            return false;
        }
        batch = new ArrayList<>(1);
        file.readUnterminatedTail(this);
        if (!batch.isEmpty()) {
            // the last line had no terminator: it goes out with the next batch, finish after its commit
            pending.addAll(batch);
            batch = null;
            return false;
        }
        batch = null;
        if (file.committed.get() < file.emitted) {
            return false;
        }
        close(file);
        finished.add(file.path);
        if (cleanup == CleanupPolicy.DELETE) {
            Files.deleteIfExists(file.path);
            log.info("Deleted finished file {} after its {} records were committed", file.path, file.emitted);
        } else {
            Path dir = Path.of(config.getString(FileSourceConfig.FINISHED_PATH));
            Files.createDirectories(dir);
            Path target = dir.resolve(file.fileName);
            Files.move(file.path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info("Moved finished file {} to {} after its {} records were committed", file.path, target,
                    file.emitted);
        }
        return true;
    }

    private void close(TailedFile file) {
        byPath.remove(file.path.toString(), file);
        try {
            file.close();
        } catch (IOException e) {
            log.warn("Cannot close {}", file.path, e);
        }
    }

    private String describeInput() {
        return config.file().isEmpty() ? config.inputPath() : config.file();
    }

    @Override
    public synchronized void stop() {
        stopping = true;
        notifyAll();
        for (TailedFile file : files.values()) {
            close(file);
        }
        files.clear();
    }
}
