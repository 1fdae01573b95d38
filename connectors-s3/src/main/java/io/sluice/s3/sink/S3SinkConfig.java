package io.sluice.s3.sink;

import io.sluice.s3.ChoiceValidator;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.format.RecordFormat;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Every key of the S3 sink, with Confluent's names where Confluent's S3 sink has one. */
public final class S3SinkConfig extends AbstractConfig {

    public static final String FORMAT = "format.class";
    public static final String COMPRESSION = "s3.compression.type";
    public static final String BYTEARRAY_SEPARATOR = "format.bytearray.separator";
    public static final String AVRO_CODEC = "avro.codec";
    public static final String PARQUET_CODEC = "parquet.codec";
    public static final String AVRO_ENVELOPE = "avro.envelope";
    public static final String PARQUET_ROW_GROUP_BYTES = "parquet.block.size";
    public static final String FLUSH_SIZE = "flush.size";
    public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
    public static final String ROTATE_SCHEDULE_INTERVAL_MS = "rotate.schedule.interval.ms";
    public static final String PART_SIZE = "s3.part.size";
    public static final String BUFFER_BUDGET = "s3.buffer.budget.bytes";
    public static final String UPLOAD_THREADS = "s3.upload.threads";
    public static final String NULL_VALUES = "behavior.on.null.values";

    public static final String PARTITIONER = "partitioner.class";
    public static final String PARTITION_FIELD = "partition.field.name";
    public static final String PATH_FORMAT = "path.format";
    public static final String PARTITION_DURATION_MS = "partition.duration.ms";
    public static final String LOCALE = "locale";
    public static final String TIMEZONE = "timezone";
    public static final String TIMESTAMP_EXTRACTOR = "timestamp.extractor";
    public static final String TIMESTAMP_FIELD = "timestamp.field";

    /** S3's smallest part size (except the last part of an upload). */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    public static final ConfigDef CONFIG_DEF = define();

    public S3SinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        problems(props, (key, message) -> {
            throw new ConfigException(key, props.get(key), message);
        });
    }

    private static ConfigDef define() {
        ConfigDef def = S3ConnectionConfig.define(new ConfigDef());
        String group = "Storage";
        int order = 0;
        def.define(FORMAT, Type.STRING, "json", new ChoiceValidator(RecordFormat.NAMES), Importance.HIGH,
                        "Object format: json (one JSON value per line, Confluent's JsonFormat), bytes (raw value bytes "
                                + "with a separator, Confluent's ByteArrayFormat), envelope (one JSON object per line "
                                + "with key, value, headers, timestamp and offset: restores records exactly), avro "
                                + "(Avro object container files of the values), parquet (Parquet files of Struct "
                                + "values). Avro and Parquet need value schemas; a new schema starts a new object. "
                                + "Confluent format class names are accepted.",
                        group, ++order, Width.MEDIUM, "Format")
                .define(COMPRESSION, Type.STRING, "none", new ChoiceValidator(java.util.List.of("none", "gzip")),
                        Importance.MEDIUM, "Compression of json, bytes and envelope objects: none or gzip "
                                + "(adds .gz to the name). Avro and Parquet use their own codecs (avro.codec, "
                                + "parquet.codec).",
                        group, ++order, Width.SHORT, "Compression")
                .define(AVRO_CODEC, Type.STRING, "null", new ChoiceValidator(RecordFormat.AVRO_CODECS),
                        Importance.LOW, "Block codec of Avro files: null, deflate, snappy, bzip2 or zstandard.",
                        group, ++order, Width.SHORT, "Avro codec")
                .define(AVRO_ENVELOPE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Avro files of whole records (offset, timestamp, key, value, headers; .records.avro) "
                                + "instead of values only, so the S3 source restores records exactly. A new key or "
                                + "value schema starts a new object.", group, ++order, Width.SHORT, "Avro envelope")
                .define(PARQUET_CODEC, Type.STRING, "snappy", new ChoiceValidator(RecordFormat.PARQUET_CODECS),
                        Importance.LOW, "Page codec of Parquet files: none, snappy, gzip or zstd (the codec is "
                                + "part of the name, e.g. .snappy.parquet).", group, ++order, Width.SHORT,
                        "Parquet codec")
                .define(PARQUET_ROW_GROUP_BYTES, Type.INT, 8 * 1024 * 1024, ConfigDef.Range.atLeast(64 * 1024),
                        Importance.LOW, "Row group size of Parquet files. Parquet holds a row group in memory "
                                + "until it is full; that memory counts against s3.buffer.budget.bytes.",
                        group, ++order, Width.SHORT, "Parquet row group size")
                .define(BYTEARRAY_SEPARATOR, Type.STRING, "\\n", Importance.LOW,
                        "Separator written after each value by the bytes format; \\n, \\r and \\t escapes "
                                + "are understood (config values are trimmed, so a literal newline cannot be given).",
                        group, ++order, Width.SHORT, "Bytes separator")
                .define(FLUSH_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.HIGH,
                        "Records per object: an object is completed when it holds this many records.",
                        group, ++order, Width.SHORT, "Flush size")
                .define(ROTATE_INTERVAL_MS, Type.LONG, -1L, Importance.HIGH,
                        "Record-time rotation: an object is completed when a record's timestamp (from "
                                + "timestamp.extractor) is this far past the object's first record. -1 disables. "
                                + "Depends only on the data, so replays make the same objects.",
                        group, ++order, Width.SHORT, "Rotate interval")
                .define(ROTATE_SCHEDULE_INTERVAL_MS, Type.LONG, -1L, Importance.MEDIUM,
                        "Wall-clock rotation: open objects are completed at each multiple of this interval "
                                + "(in timezone). Object boundaries then depend on timing, not data; exactly-once "
                                + "still holds because recovery reads the offset ranges from the object names. "
                                + "-1 disables.", group, ++order, Width.SHORT, "Scheduled rotation")
                .define(PART_SIZE, Type.INT, 25 * 1024 * 1024, ConfigDef.Range.atLeast(MIN_PART_SIZE),
                        Importance.LOW, "Part size of multipart uploads: objects larger than this are uploaded in "
                                + "parts while they are written, so one object never needs more memory than a part.",
                        group, ++order, Width.SHORT, "Part size")
                .define(BUFFER_BUDGET, Type.LONG, -1L, Importance.MEDIUM,
                        "Bytes all S3 sink tasks of the worker may buffer together. Past it, tasks upload or "
                                + "complete their largest buffers early and pause their partitions instead of running "
                                + "out of memory. -1: a quarter of the JVM's maximum heap.",
                        group, ++order, Width.SHORT, "Buffer budget")
                .define(UPLOAD_THREADS, Type.INT, 2, ConfigDef.Range.between(1, 64), Importance.LOW,
                        "Background threads per task sending completed objects and multipart parts, so the task "
                                + "keeps consuming while they are sent. Bytes being sent count against the buffer "
                                + "budget.", group, ++order, Width.SHORT, "Upload threads")
                .define(NULL_VALUES, Type.STRING, "fail", new ChoiceValidator(java.util.List.of("fail", "ignore")),
                        Importance.LOW, "What to do with records whose value is null (tombstones): fail or ignore. "
                                + "The envelope format stores them either way.",
                        group, ++order, Width.SHORT, "Null values");
        String pgroup = "Partitioner";
        order = 0;
        def.define(PARTITIONER, Type.STRING, "default", new ChoiceValidator(Partitioner.NAMES), Importance.HIGH,
                        "How objects are laid out under <topics.dir>/<topic>/: default (partition=<p>), field "
                                + "(<field>=<value> of partition.field.name), time (path.format of the record time "
                                + "floored to partition.duration.ms), hourly, daily. Confluent partitioner class names "
                                + "are accepted.", pgroup, ++order, Width.MEDIUM, "Partitioner")
                .define(PARTITION_FIELD, Type.LIST, "", Importance.MEDIUM,
                        "Record value fields the field partitioner uses, in path order.",
                        pgroup, ++order, Width.MEDIUM, "Partition fields")
                .define(PATH_FORMAT, Type.STRING, "", Importance.MEDIUM,
                        "Time partitioner path pattern (Joda/Java date pattern, quote literals), e.g. "
                                + "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH.",
                        pgroup, ++order, Width.LONG, "Path format")
                .define(PARTITION_DURATION_MS, Type.LONG, -1L, Importance.MEDIUM,
                        "Time partitioner bucket length in milliseconds.", pgroup, ++order, Width.SHORT, "Duration")
                .define(LOCALE, Type.STRING, "en", Importance.LOW,
                        "Locale of path.format (e.g. en, de-DE).", pgroup, ++order, Width.SHORT, "Locale")
                .define(TIMEZONE, Type.STRING, "UTC", new ZoneValidator(), Importance.MEDIUM,
                        "Time zone of path.format and of scheduled rotation (e.g. UTC, Europe/Berlin).",
                        pgroup, ++order, Width.SHORT, "Time zone")
                .define(TIMESTAMP_EXTRACTOR, Type.STRING, "Record",
                        new ChoiceValidator(java.util.List.of("Record", "RecordField", "Wallclock")), Importance.MEDIUM,
                        "Where a record's time comes from: Record (the Kafka timestamp), RecordField "
                                + "(timestamp.field of the value) or Wallclock (the time it is written).",
                        pgroup, ++order, Width.SHORT, "Timestamp extractor")
                .define(TIMESTAMP_FIELD, Type.STRING, "timestamp", Importance.LOW,
                        "Value field with the record time for RecordField: epoch millis, an ISO-8601 string or a "
                                + "Connect Timestamp.", pgroup, ++order, Width.SHORT, "Timestamp field");
        return def;
    }

    /**
     * The rules across keys: avro (but for avro.envelope, which also stores bytes and strings) and parquet need value
     * schemas, which the connector's own value converter may be known not to give (the worker's default converter is
     * not known here).
     */
    static void problems(Map<String, String> props, BiConsumer<String, String> report) {
        String format = RecordFormat.canonical(props.getOrDefault(FORMAT, "json"));
        String converter = props.getOrDefault("value.converter", "").trim();
        boolean schemaless = converter.endsWith("StringConverter") || converter.endsWith("ByteArrayConverter")
                || converter.endsWith("JsonConverter")
                && "false".equalsIgnoreCase(props.getOrDefault("value.converter.schemas.enable", "true").trim());
        boolean envelope = "true".equalsIgnoreCase(props.getOrDefault(AVRO_ENVELOPE, "false").trim());
        if ((format.equals("avro") && !envelope || format.equals("parquet")) && schemaless) {
            report.accept(FORMAT, format + " needs value schemas, and value.converter=" + converter
                    + (converter.endsWith("JsonConverter") ? " with value.converter.schemas.enable=false" : "")
                    + " gives none: use JsonConverter with schemas.enable=true, or a converter of a schema registry");
        }
    }

    public RecordFormat format() {
        return RecordFormat.create(getString(FORMAT), new RecordFormat.Options(byteArraySeparator(),
                getString(AVRO_CODEC), getBoolean(AVRO_ENVELOPE), getString(PARQUET_CODEC),
                getInt(PARQUET_ROW_GROUP_BYTES)));
    }

    /** The bytes format's separator with escapes resolved; empty means a newline. */
    public String byteArraySeparator() {
        String raw = getString(BYTEARRAY_SEPARATOR);
        String s = raw.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");
        return s.isEmpty() ? "\n" : s;
    }

    public boolean gzip() {
        return "gzip".equals(getString(COMPRESSION));
    }

    /** Accepts a time zone java.time knows (an id like Europe/Berlin, or an offset like +02:00). */
    static final class ZoneValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                ZoneId.of(String.valueOf(value).trim());
            } catch (DateTimeException e) {
                throw new ConfigException(name, value, "not a time zone: use an id such as UTC or Europe/Berlin");
            }
        }
    }

    /** The budget in bytes, resolving -1 to a quarter of the heap. */
    public long bufferBudget() {
        long configured = getLong(BUFFER_BUDGET);
        return configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 4;
    }
}
