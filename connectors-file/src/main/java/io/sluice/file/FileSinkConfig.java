package io.sluice.file;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

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

    /** How a record is written as one line. */
    public enum Format { RAW, JSON, CSV }

    private static final String OUTPUT = "Output";
    private static final String ROTATION = "Rotation";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(OUTPUT_PATH, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "The directory files are written to: one open file per topic partition "
                            + "(<topic>-<partition>.inprogress) and finished files named "
                            + "<topic>-<partition>-<first offset>-<last offset>.<ext>.", OUTPUT, 1, Width.LONG, "Output directory")
            .define(FORMAT, Type.STRING, "raw", ConfigDef.CaseInsensitiveValidString.in("raw", "json", "csv"),
                    Importance.HIGH, "raw: the value as text (bytes as they are); json: the value as one JSON "
                            + "document per line; csv: a struct's fields (or a map's values) as a CSV row.",
                    OUTPUT, 2, Width.SHORT, "Format")
            .define(CSV_SEPARATOR, Type.STRING, ",", new FileSourceConfig.SingleCharValidator(), Importance.LOW,
                    "The CSV column separator (one character; \\t for tab).", OUTPUT, 3, Width.SHORT, "Separator")
            .define(WRITE_BUFFER_BYTES, Type.INT, 1 << 20, ConfigDef.Range.atLeast(1024), Importance.LOW,
                    "Write buffer per open file.", OUTPUT, 4, Width.SHORT, "Write buffer")
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
    }

    public Format format() {
        return Format.valueOf(getString(FORMAT).toUpperCase(Locale.ROOT));
    }
}
