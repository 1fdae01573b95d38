package io.sluice.file.source;

import io.sluice.file.Versions;
import io.sluice.file.source.FileSourceConfig.CleanupPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this task's share of the files as records, in batches: each line becomes a record whose offset is the
 * file's identity and the byte position after the line, so a restart resumes exactly. Which files are read, and
 * how rotation, truncation and finished files are followed, is {@link TrackedFiles}' job.
 */
public final class FileSourceTask extends SourceTask implements TailedFile.LineSink {

    static final String PATH = "path";
    static final String POSITION = "position";
    static final String FILE_KEY = "file.key";
    static final String LINE = "line";
    static final String HISTORY = "history";
    static final String FINGERPRINT = "fingerprint";
    static final String HEADER_FILE_NAME = "file.name";
    static final String HEADER_FILE_LINE = "file.line";

    private static final Logger log = LoggerFactory.getLogger(FileSourceTask.class);

    private FileSourceConfig config;
    private String topic;
    private int batchSize;
    private long pollIntervalMs;
    private long scanIntervalNanos;
    private boolean fileHeaders;
    private boolean countCommits;
    private MalformedLines malformed;
    /** Read by commitRecord on the producer's thread. */
    private volatile TrackedFiles files;
    private final LineParser.ParsedLine parsed = new LineParser.ParsedLine();
    private List<SourceRecord> batch;
    private long nextScanNanos;
    private boolean stopping;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public synchronized void start(Map<String, String> props) {
        config = new FileSourceConfig(props);
        int index = Integer.parseInt(props.getOrDefault(FileSourceConfig.TASK_INDEX, "0"));
        int count = Integer.parseInt(props.getOrDefault(FileSourceConfig.TASK_COUNT, "1"));
        topic = config.topic();
        batchSize = config.batchSize();
        pollIntervalMs = config.getLong(FileSourceConfig.POLL_INTERVAL_MS);
        scanIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(FileSourceConfig.SCAN_INTERVAL_MS));
        fileHeaders = config.getBoolean(FileSourceConfig.FILE_HEADERS);
        // only a cleanup policy needs to know when every record of a file is committed
        countCommits = config.cleanupPolicy() != CleanupPolicy.NONE;
        malformed = new MalformedLines(props, config);
        files = new TrackedFiles(config, new FileDiscovery(config, index, count), context.offsetStorageReader());
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
        batch = new ArrayList<>(Math.min(batchSize, 65_536));
        try {
            if (System.nanoTime() - nextScanNanos >= 0) {
                files.scan(this);
                nextScanNanos = System.nanoTime() + scanIntervalNanos;
            }
            for (TailedFile file : files.reading()) {
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
        parsed.replacedInvalidBytes = false;
        try {
            if (!file.parser.parse(buf, off, len, parsed)) {
                return;
            }
            if (parsed.replacedInvalidBytes) {
                replaced(file, lineNumber);
            }
        } catch (IllegalArgumentException | DataException e) {
            SourceRecord dlq = malformed.handle(file, buf, off, len, file.position(), offset(file, nextPosition, lineNumber),
                    lineNumber, e);
            if (dlq != null) {
                batch.add(dlq);
                file.emitted++;
            }
            return;
        }
        ConnectHeaders headers = null;
        if (fileHeaders) {
            headers = new ConnectHeaders();
            headers.addString(HEADER_FILE_NAME, file.fileName);
            headers.addLong(HEADER_FILE_LINE, lineNumber);
        }
        batch.add(new SourceRecord(file.partition, offset(file, nextPosition, lineNumber), topic, null,
                parsed.keySchema, parsed.key, parsed.valueSchema, parsed.value, null, headers));
        file.emitted++;
    }

    /** encoding.errors=replace altered a line: said once per file at WARN, so it is never silent nor per line. */
    private static void replaced(TailedFile file, long lineNumber) {
        if (file.replacedLines++ == 0) {
            log.warn("Line {} of {} is not valid UTF-8: read with U+FFFD in place of the invalid bytes "
                    + "(encoding.errors=replace); later such lines of this file are logged at DEBUG only", lineNumber, file.path);
        } else {
            log.debug("Line {} of {} is not valid UTF-8: read with U+FFFD ({} such lines so far)", lineNumber, file.path,
                    file.replacedLines);
        }
    }

    private static Map<String, Object> offset(TailedFile file, long nextPosition, long lineNumber) {
        return new LineOffset(nextPosition, file.fileKey, lineNumber, file.fingerprint(), file.history);
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (!countCommits) {
            return;
        }
        TailedFile file = files.fileOf(record.sourcePartition(), record.sourceOffset());
        if (file != null) {
            file.committed.incrementAndGet();
        }
    }

    private String describeInput() {
        return config.file().isEmpty() ? config.inputPath() : config.file();
    }

    @Override
    public synchronized void stop() {
        stopping = true;
        notifyAll();
        if (files != null) {
            files.closeAll();
        }
    }
}
