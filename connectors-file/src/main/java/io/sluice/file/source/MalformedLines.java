package io.sluice.file.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a line that cannot be parsed, by {@code errors.tolerance}: none fails the task naming file and
 * line; all sends the raw line to {@code errors.deadletterqueue.topic.name} when one is set, else logs and skips it.
 * The runtime gives source tasks no dead letter queue, so the task emits the DLQ record itself, in its own batch:
 * its offset is the line's, so the line counts as read only once the DLQ record is acknowledged.
 */
final class MalformedLines {

    static final String TOLERANCE = "errors.tolerance";
    static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";
    /** Apache's DLQ context header prefix; the file headers are ours. */
    static final String PREFIX = "__connect.errors.";
    static final String HEADER_TOPIC = PREFIX + "topic";
    static final String HEADER_CONNECTOR = PREFIX + "connector.name";
    static final String HEADER_TASK = PREFIX + "task.id";
    static final String HEADER_STAGE = PREFIX + "stage";
    static final String HEADER_CLASS = PREFIX + "class.name";
    static final String HEADER_EXCEPTION = PREFIX + "exception.class.name";
    static final String HEADER_MESSAGE = PREFIX + "exception.message";
    static final String HEADER_FILE = PREFIX + "file.name";
    static final String HEADER_LINE = PREFIX + "file.line";
    static final String HEADER_POSITION = PREFIX + "file.position";
    /** For a line that is not UTF-8 and a value converter that takes text: the line's exact bytes, base64. */
    static final String HEADER_BYTES = PREFIX + "file.line.base64";

    private static final Logger log = LoggerFactory.getLogger(MalformedLines.class);
    /** A file of bad lines must not flood the log: one WARN a minute at most, the rest at DEBUG, counted. */
    private static final long LOG_INTERVAL_MS = 60_000;

    private final String format;
    private final String topic;
    private final boolean tolerateAll;
    private final String dlqTopic;
    private final boolean rawBytes;
    private final String connector;
    private final String task;
    private long lastLoggedMs = Long.MIN_VALUE;
    private long notLogged;

    MalformedLines(Map<String, String> props, FileSourceConfig config) {
        this.format = config.format().name().toLowerCase(Locale.ROOT);
        this.topic = config.topic();
        this.tolerateAll = "all".equalsIgnoreCase(props.getOrDefault(TOLERANCE, "none").trim());
        this.dlqTopic = props.getOrDefault(DLQ_TOPIC, "").trim();
        // the DLQ record goes through the connector's value converter: give ByteArrayConverter bytes, others a string
        this.rawBytes = props.getOrDefault("value.converter", "").endsWith("ByteArrayConverter");
        this.connector = props.getOrDefault("name", "");
        this.task = props.getOrDefault(FileSourceConfig.TASK_INDEX, "0");
    }

    /** Where malformed lines go, for the start-up log. */
    String describe() {
        return !tolerateAll ? "fail the task" : dlqTopic.isEmpty() ? "are logged and skipped" : "go to topic " + dlqTopic;
    }

    private void logTolerated(String message, String action) {
        long now = System.currentTimeMillis();
        if (lastLoggedMs != Long.MIN_VALUE && now - lastLoggedMs < LOG_INTERVAL_MS) {
            notLogged++;
            log.debug("{}; {}", message, action);
            return;
        }
        log.warn("{}; {}{} (at most one such line a minute is logged at WARN)", message, action,
                notLogged == 0 ? "" : "; " + notLogged + " more malformed lines since the last such message");
        lastLoggedMs = now;
        notLogged = 0;
    }

    /**
     * Handles one malformed line: returns the record for the dead letter queue, or null when it is only logged;
     * throws when errors are not tolerated.
     */
    SourceRecord handle(TailedFile file, byte[] buf, int off, int len, long lineStart, Map<String, Object> offset,
                        long lineNumber, RuntimeException error) {
        String message = "Malformed " + format + " at line " + lineNumber + " of file " + file.path + ": "
                + error.getMessage();
        if (!tolerateAll) {
            throw new ConnectException(message, error);
        }
        if (dlqTopic.isEmpty()) {
            logTolerated(message, "skipping it (errors.tolerance=all, no " + DLQ_TOPIC + ")");
            return null;
        }
        logTolerated(message, "sending it to the dead letter queue " + dlqTopic);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_TOPIC, topic);
        headers.addString(HEADER_CONNECTOR, connector);
        headers.addString(HEADER_TASK, task);
        headers.addString(HEADER_STAGE, "TASK_POLL");
        // as Apache's TASK_POLL stage: the task that polled (a parser may be a generated lambda class)
        headers.addString(HEADER_CLASS, FileSourceTask.class.getName());
        headers.addString(HEADER_EXCEPTION, error.getClass().getName());
        headers.addString(HEADER_MESSAGE, message);
        headers.addString(HEADER_FILE, file.path.toString());
        headers.addString(HEADER_LINE, Long.toString(lineNumber));
        headers.addString(HEADER_POSITION, Long.toString(lineStart));
        if (!rawBytes && error instanceof Utf8Text.InvalidUtf8Exception) {
            // as text the value shows U+FFFD where the invalid bytes were; the header keeps them
            headers.addString(HEADER_BYTES, Base64.getEncoder().encodeToString(Arrays.copyOfRange(buf, off, off + len)));
        }
        Object value = rawBytes ? Arrays.copyOfRange(buf, off, off + len) : new String(buf, off, len, StandardCharsets.UTF_8);
        return new SourceRecord(file.partition, offset, dlqTopic, null, null, null,
                rawBytes ? Schema.BYTES_SCHEMA : Schema.STRING_SCHEMA, value, null, headers);
    }
}
