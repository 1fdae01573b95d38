package io.sluice.file.sink;

import io.sluice.file.SingleCharValidator;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The file sink's configuration: where files go, how records are written and when a file is rotated.
 * Rotation keys follow Confluent's HDFS/S3 sinks ({@code flush.size}, {@code rotate.interval.ms}).
 */
public final class FileSinkConfig extends AbstractConfig {

    public static final String OUTPUT_PATH = "output.path";
    public static final String FORMAT = "format";
    public static final String FLUSH_SIZE = "flush.size";
    public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
    public static final String ROTATE_SIZE_BYTES = "rotate.size.bytes";
    public static final String WRITE_BUFFER_BYTES = "write.buffer.bytes";
    public static final String CSV_SEPARATOR = "csv.separator.char";
    public static final String CSV_HEADER = "csv.first.row.as.header";
    public static final String OUTPUT_MODE = "output.mode";
    public static final String OUTPUT_FILE_PREFIX = "output.file.prefix";

    /** Task-only key the connector adds: the task's index, which names its file stream in connector mode. */
    static final String TASK_INDEX = "task.index";

    /** How a record is written as one line. */
    public enum Format { RAW, JSON, CSV }

    /** Which records share a file: those of one topic partition, or all of a connector's task. */
    public enum OutputMode { PARTITION, CONNECTOR }

    private static final String OUTPUT = "Output";
    private static final String ROTATION = "Rotation";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(OUTPUT_PATH, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "The directory files are written to.", OUTPUT, 1, Width.LONG, "Output directory")
            .define(OUTPUT_MODE, Type.STRING, "partition", ConfigDef.CaseInsensitiveValidString.in("partition", "connector"),
                    Importance.HIGH, "partition: one file stream per topic partition (<topic>-<partition>.inprogress, "
                            + "finished files <topic>-<partition>-<first offset>-<last offset>.<ext>); connector: every "
                            + "record of the connector in one file stream (<prefix>-<task>.inprogress, finished files "
                            + "<prefix>-<task>-<sequence>.<ext>), one stream per task when tasks.max > 1.",
                    OUTPUT, 2, Width.SHORT, "Output mode")
            .define(OUTPUT_FILE_PREFIX, Type.STRING, "", Importance.MEDIUM,
                    "The file name prefix in connector mode; empty: the connector's name.", OUTPUT, 3, Width.MEDIUM,
                    "File prefix")
            .define(FORMAT, Type.STRING, "raw", ConfigDef.CaseInsensitiveValidString.in("raw", "json", "csv"),
                    Importance.HIGH, "raw: the value as text (bytes as they are); json: the value as one JSON "
                            + "document per line; csv: a struct's fields (or a map's values) as a CSV row.",
                    OUTPUT, 4, Width.SHORT, "Format")
            .define(CSV_SEPARATOR, Type.STRING, ",", new SingleCharValidator(), Importance.LOW,
                    "The CSV column separator (one character; \\t for tab).", OUTPUT, 5, Width.SHORT, "Separator")
            .define(CSV_HEADER, Type.BOOLEAN, false, Importance.MEDIUM,
                    "For csv: start every file with a header row naming the columns (a struct's field names or a "
                            + "map's keys, from the file's first record).", OUTPUT, 6, Width.SHORT, "Header row")
            .define(WRITE_BUFFER_BYTES, Type.INT, 1 << 20, ConfigDef.Range.atLeast(1024), Importance.LOW,
                    "Write buffer per open file.", OUTPUT, 7, Width.SHORT, "Write buffer")
            .define(FLUSH_SIZE, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Rotate the open file after this many records (0: no limit).", ROTATION, 1, Width.SHORT, "Records per file")
            .define(ROTATE_SIZE_BYTES, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Rotate the open file once it holds this many bytes (0: no limit).", ROTATION, 2, Width.SHORT,
                    "Bytes per file")
            .define(ROTATE_INTERVAL_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Rotate the open file once it is this old (wall clock, checked at each write and commit; "
                            + "0: never).", ROTATION, 3, Width.SHORT, "File age");

    public FileSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        problems(this, (key, message) -> {
            throw new ConfigException(key, props.get(key), message);
        });
    }

    /** The rules across keys, as the source's: validation lists them, the constructor throws the first. */
    static void problems(AbstractConfig config, BiConsumer<String, String> report) {
        String prefix = config.getString(OUTPUT_FILE_PREFIX).trim();
        if (prefix.indexOf('/') >= 0 || prefix.indexOf('\\') >= 0) {
            report.accept(OUTPUT_FILE_PREFIX, "is a file name prefix, not a path: put the directory in output.path");
        }
    }

    public OutputMode outputMode() {
        return OutputMode.valueOf(getString(OUTPUT_MODE).toUpperCase(Locale.ROOT));
    }

    /** The file name prefix of connector mode: the configured one, else the connector's name. */
    public String filePrefix(Map<String, String> props) {
        String prefix = getString(OUTPUT_FILE_PREFIX).trim();
        return prefix.isEmpty() ? props.getOrDefault("name", "sink") : prefix;
    }

    public Format format() {
        return Format.valueOf(getString(FORMAT).toUpperCase(Locale.ROOT));
    }
}
