package io.sluice.file.source;

import io.sluice.file.SingleCharValidator;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * The file source's configuration: which files, how to read them, how lines become records and what
 * happens to a file once it is finished. Keys follow Apache's FileStreamSource ({@code file},
 * {@code topic}, {@code batch.size}) and Confluent's SpoolDir connector where those exist.
 */
public final class FileSourceConfig extends AbstractConfig {

    public static final String FILE = "file";
    public static final String INPUT_PATH = "input.path";
    public static final String INPUT_FILE_PATTERN = "input.file.pattern";
    public static final String TOPIC = "topic";
    public static final String BATCH_SIZE = "batch.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String SCAN_INTERVAL_MS = "input.scan.interval.ms";
    public static final String READ_BUFFER_BYTES = "read.buffer.bytes";
    public static final String FORMAT = "format";
    public static final String KEY_FIELD = "key.field";
    public static final String VALUE_SCHEMA = "value.schema";
    public static final String SCHEMA_INFERENCE = "schema.generation.enabled";
    public static final String FILE_HEADERS = "file.headers.enabled";
    public static final String CSV_HEADER = "csv.first.row.as.header";
    public static final String CSV_SEPARATOR = "csv.separator.char";
    public static final String CSV_QUOTE = "csv.quote.char";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String FINISHED_PATH = "finished.path";
    public static final String FINISHED_IDLE_MS = "finished.idle.ms";
    public static final String ENCODING_ERRORS = "encoding.errors";

    /** Task-only keys the connector adds so each task knows its share of the files. */
    static final String TASK_INDEX = "task.index";
    static final String TASK_COUNT = "task.count";

    /** The record formats a line can be read as. */
    public enum Format { TEXT, JSON, CSV }

    /** What happens to a file after all its records are committed and it stopped growing. */
    public enum CleanupPolicy { NONE, MOVE, DELETE }

    /** What a line that is not valid UTF-8 becomes: an error, text with U+FFFD, or (text format) its bytes. */
    public enum EncodingErrors { FAIL, REPLACE, KEEP }

    private static final String INPUT = "Input";
    private static final String RECORDS = "Records";
    private static final String CSV = "CSV";
    private static final String FINISHED = "Finished files";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FILE, Type.STRING, "", Importance.HIGH,
                    "A file to read, or a glob of files (e.g. /var/log/app/*.log). Either this or input.path.",
                    INPUT, 1, Width.LONG, "File or glob")
            .define(INPUT_PATH, Type.STRING, "", Importance.HIGH,
                    "A directory watched for files whose name matches input.file.pattern.",
                    INPUT, 2, Width.LONG, "Input directory")
            .define(INPUT_FILE_PATTERN, Type.STRING, ".*", new RegexValidator(), Importance.MEDIUM,
                    "Regular expression a file name in input.path must match to be read.",
                    INPUT, 3, Width.MEDIUM, "File name pattern")
            .define(SCAN_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "How often to look for new, rotated, truncated or finished files.",
                    INPUT, 4, Width.SHORT, "Scan interval")
            .define(POLL_INTERVAL_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "How long a poll waits when no file has new data.",
                    INPUT, 5, Width.SHORT, "Poll interval")
            .define(READ_BUFFER_BYTES, Type.INT, 1 << 20, ConfigDef.Range.atLeast(1024), Importance.LOW,
                    "The most bytes one read of an open file takes. Each file's buffer starts at 8 KiB, doubles "
                            + "up to this while the file has more to read (beyond it only for a longer line) and "
                            + "shrinks back to 8 KiB once the file is read to its end.",
                    INPUT, 6, Width.SHORT, "Read buffer")
            .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The topic records are written to.", RECORDS, 1, Width.MEDIUM, "Topic")
            .define(BATCH_SIZE, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "The largest number of records one poll returns.", RECORDS, 2, Width.SHORT, "Batch size")
            .define(FORMAT, Type.STRING, "text", ConfigDef.CaseInsensitiveValidString.in("text", "json", "csv"),
                    Importance.HIGH, "How a line is read: text (the line as a string), json (one JSON object per "
                            + "line) or csv.", RECORDS, 3, Width.SHORT, "Format")
            .define(KEY_FIELD, Type.STRING, "", Importance.MEDIUM,
                    "For json and csv: the field whose value becomes the record key. Empty: no key.",
                    RECORDS, 4, Width.MEDIUM, "Key field")
            .define(VALUE_SCHEMA, Type.STRING, "", new SchemaSpec.Validator(), Importance.MEDIUM,
                    "For json and csv: the declared value schema as name:type pairs, e.g. "
                            + "'id:int64,name:string,price:float64,active:boolean?' (a trailing ? makes a field "
                            + "optional). Types: string, int8, int16, int32, int64, float32, float64, boolean.",
                    RECORDS, 5, Width.LONG, "Value schema")
            .define(SCHEMA_INFERENCE, Type.BOOLEAN, false, Importance.MEDIUM,
                    "For json and csv without value.schema: infer a Connect schema (json: from each object's "
                            + "value types; csv: optional strings named by the header). False: json values are "
                            + "schemaless maps.", RECORDS, 6, Width.SHORT, "Infer schema")
            .define(FILE_HEADERS, Type.BOOLEAN, false, Importance.LOW,
                    "Add the headers file.name and file.line (1-based) to every record.",
                    RECORDS, 7, Width.SHORT, "File headers")
            .define(ENCODING_ERRORS, Type.STRING, "fail", ConfigDef.CaseInsensitiveValidString.in("fail", "replace", "keep"),
                    Importance.MEDIUM, "Lines are read as UTF-8. What a line that is not valid UTF-8 becomes: fail: a "
                            + "malformed line, handled by errors.tolerance (the task fails naming file, line and byte, "
                            + "or the line goes to the dead letter queue); replace: the line with U+FFFD in place of "
                            + "the invalid bytes (logged once per file); keep (format=text only): every line's value "
                            + "is its bytes, unchanged (a BYTES schema): use it with value.converter="
                            + "org.apache.kafka.connect.converters.ByteArrayConverter so the topic holds the file's bytes.",
                    RECORDS, 8, Width.SHORT, "Invalid UTF-8")
            .define(CSV_HEADER, Type.BOOLEAN, true, Importance.MEDIUM,
                    "The first line of each file names the columns.", CSV, 1, Width.SHORT, "Header row")
            .define(CSV_SEPARATOR, Type.STRING, ",", new SingleCharValidator(), Importance.MEDIUM,
                    "The column separator (one character; \\t for tab).", CSV, 2, Width.SHORT, "Separator")
            .define(CSV_QUOTE, Type.STRING, "\"", new SingleCharValidator(), Importance.LOW,
                    "The quote character; a quote inside a quoted field is doubled.", CSV, 3, Width.SHORT, "Quote")
            .define(CLEANUP_POLICY, Type.STRING, "NONE", ConfigDef.CaseInsensitiveValidString.in("NONE", "MOVE", "DELETE"),
                    Importance.MEDIUM, "What to do with a finished file (read to the end, idle for finished.idle.ms, "
                            + "every record committed): NONE keeps tailing it, MOVE moves it to finished.path, "
                            + "DELETE deletes it.", FINISHED, 1, Width.SHORT, "Cleanup policy")
            .define(FINISHED_PATH, Type.STRING, "", Importance.MEDIUM,
                    "Where cleanup.policy=MOVE moves finished files.", FINISHED, 2, Width.LONG, "Finished directory")
            .define(FINISHED_IDLE_MS, Type.LONG, 5000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long a fully read file must stay unchanged before it counts as finished.",
                    FINISHED, 3, Width.SHORT, "Finished after idle");

    public FileSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        problems(this, props, (key, message) -> {
            throw new ConfigException(key, props.get(key), message);
        });
    }

    /**
     * The rules across keys, each reported on the key to change: validation lists them all, the constructor (at
     * connector and task start) throws the first, so a config that validates also starts.
     */
    static void problems(AbstractConfig config, Map<String, String> props, BiConsumer<String, String> report) {
        String file = config.getString(FILE).trim();
        String dir = config.getString(INPUT_PATH).trim();
        boolean oneInput = file.isEmpty() != dir.isEmpty();
        if (!oneInput) {
            report.accept(FILE, "Set exactly one of 'file' (a file or glob) and 'input.path' (a directory)");
        } else if (FileDiscovery.isGlob(file)) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + Path.of(file).toAbsolutePath().normalize());
            } catch (PatternSyntaxException e) {
                report.accept(FILE, "not a valid glob: " + e.getDescription() + " near index " + e.getIndex());
            } catch (InvalidPathException e) {
                report.accept(FILE, "not a valid path: " + e.getReason());
            }
        }
        String finished = config.getString(FINISHED_PATH).trim();
        if (finished.isEmpty() && cleanupPolicy(config) == CleanupPolicy.MOVE) {
            report.accept(FINISHED_PATH, "cleanup.policy=MOVE needs a directory to move files to");
        } else if (!finished.isEmpty() && oneInput && FileDiscovery.inputDirectory(file, dir)
                .startsWith(Path.of(finished).toAbsolutePath().normalize())) {
            // files under finished.path are never read, so that moved files are not read again
            report.accept(FINISHED_PATH, "holds the files to read (" + (file.isEmpty() ? INPUT_PATH : FILE)
                    + "), which would then never be read; name a directory outside them, e.g. beside them");
        }
        String keepProblem = keepProblem(props);
        if (keepProblem != null) {
            report.accept(ENCODING_ERRORS, keepProblem);
        }
        String keyField = config.getString(KEY_FIELD).trim();
        String spec = config.getString(VALUE_SCHEMA);
        if (!keyField.isEmpty() && !spec.isBlank() && !"text".equalsIgnoreCase(config.getString(FORMAT))) {
            Schema declared = SchemaSpec.parse(spec);
            if (declared.field(keyField) == null) {
                report.accept(KEY_FIELD, "'" + keyField + "' is not a field of value.schema ("
                        + declared.fields().stream().map(Field::name).collect(Collectors.joining(", ")) + ")");
            }
        }
        if ("csv".equalsIgnoreCase(config.getString(FORMAT))
                && config.getString(CSV_SEPARATOR).equals(config.getString(CSV_QUOTE))) {
            report.accept(CSV_QUOTE, "must differ from csv.separator.char");
        }
    }

    /**
     * Why encoding.errors=keep cannot work with these settings, or null: it needs format=text and a value converter
     * that writes bytes (StringConverter would write the text of a Java array reference instead).
     */
    static String keepProblem(Map<String, String> props) {
        if (!"keep".equalsIgnoreCase(props.getOrDefault(ENCODING_ERRORS, "").trim())) {
            return null;
        }
        if (!"text".equalsIgnoreCase(props.getOrDefault(FORMAT, "text").trim())) {
            return "keep applies to format=text only; json and csv lines must be text";
        }
        String converter = props.getOrDefault("value.converter", "").trim();
        if (converter.isEmpty() || converter.endsWith("StringConverter")) {
            return "keep passes each line's bytes unchanged: set value.converter="
                    + "org.apache.kafka.connect.converters.ByteArrayConverter on the connector (the topic then holds "
                    + "the file's bytes), or another converter that writes bytes";
        }
        return null;
    }

    public EncodingErrors encodingErrors() {
        return EncodingErrors.valueOf(getString(ENCODING_ERRORS).toUpperCase(Locale.ROOT));
    }

    public String file() {
        return getString(FILE).trim();
    }

    public String inputPath() {
        return getString(INPUT_PATH).trim();
    }

    public String topic() {
        return getString(TOPIC);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public Format format() {
        return Format.valueOf(getString(FORMAT).toUpperCase(Locale.ROOT));
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy(this);
    }

    static CleanupPolicy cleanupPolicy(AbstractConfig config) {
        return CleanupPolicy.valueOf(config.getString(CLEANUP_POLICY).toUpperCase(Locale.ROOT));
    }

    public char csvSeparator() {
        return SingleCharValidator.charOf(getString(CSV_SEPARATOR));
    }

    public char csvQuote() {
        return SingleCharValidator.charOf(getString(CSV_QUOTE));
    }

    /** Accepts a valid regular expression. */
    static final class RegexValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                java.util.regex.Pattern.compile((String) value);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigException(name, value, "not a regular expression: " + e.getDescription());
            }
        }
    }
}
