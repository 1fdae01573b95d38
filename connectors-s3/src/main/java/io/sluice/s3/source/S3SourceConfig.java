package io.sluice.s3.source;

import io.sluice.s3.ChoiceValidator;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.format.RecordFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Keys of the S3 source: the shared connection keys, what to read (sink topics or prefixes) and how. */
public final class S3SourceConfig extends AbstractConfig {

    public static final String FORMAT = "format.class";
    public static final String BYTEARRAY_SEPARATOR = "format.bytearray.separator";
    public static final String TOPICS = "topics";
    public static final String TOPIC_MAPPING = "topic.mapping";
    public static final String PREFIXES = "s3.prefixes";
    public static final String TOPIC = "topic";
    public static final String POLL_INTERVAL_MS = "s3.poll.interval.ms";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String CSV_SEPARATOR = "csv.separator";
    public static final String CSV_HEADER = "csv.header";

    /** Formats the source reads: the sink's (but Parquet) and CSV. */
    public static final List<String> FORMATS = List.of("envelope", "json", "bytes", "avro", "csv",
            "io.confluent.connect.s3.format.json.JsonFormat",
            "io.confluent.connect.s3.format.bytearray.ByteArrayFormat",
            "io.confluent.connect.s3.format.avro.AvroFormat");
    /** Set by the connector for each task: the units (sink partitions or prefixes) it reads. */
    public static final String TASK_UNITS = "sluice.s3.task.units";
    /** Set by the connector for each task: topic=partitions of each restored topic's archive (its highest + 1). */
    public static final String TASK_ARCHIVE_PARTITIONS = "sluice.s3.task.archive.partitions";

    public static final ConfigDef CONFIG_DEF = define();

    public S3SourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        problems(this, (key, message) -> {
            throw new ConfigException(key, props.get(key), message);
        });
    }

    /**
     * The rules across keys, each reported on the key to change: validation lists them all, the constructor (at
     * connector and task start) throws the first.
     */
    static void problems(AbstractConfig config, BiConsumer<String, String> report) {
        List<String> topics = config.getList(TOPICS);
        boolean restore = !topics.isEmpty();
        boolean prefixes = !config.getList(PREFIXES).isEmpty();
        if (restore == prefixes) {
            report.accept(TOPICS, "Set exactly one of " + TOPICS + " (restore topics the S3 sink wrote) and " + PREFIXES
                    + " (read arbitrary prefixes)");
        }
        if (prefixes && config.getString(TOPIC).isBlank()) {
            report.accept(TOPIC, TOPIC + " is required with " + PREFIXES);
        }
        for (String pair : config.getList(TOPIC_MAPPING)) {
            String[] parts = pair.split(":", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                report.accept(TOPIC_MAPPING, "Expected source:target, got '" + pair + "'");
            } else if (restore && !topics.contains(parts[0].trim())) {
                // a typo here would restore the records into the topic they came from
                report.accept(TOPIC_MAPPING, "'" + parts[0].trim() + "' is not one of topics " + topics);
            }
        }
        if (config.getString(CSV_SEPARATOR).replace("\\t", "\t").length() != 1) {
            report.accept(CSV_SEPARATOR, "Expected one character (\\t for a tab)");
        }
    }

    private static ConfigDef define() {
        ConfigDef def = S3ConnectionConfig.define(new ConfigDef());
        String group = "Source";
        int order = 0;
        return def
                .define(FORMAT, Type.STRING, "envelope", new ChoiceValidator(FORMATS), Importance.HIGH,
                        "Format of the objects: envelope (the sink's exact format: key, value, headers, timestamp; "
                                + "restores records exactly), json (one JSON value per line, schemaless), bytes "
                                + "(raw bytes split at format.bytearray.separator), avro (Avro container files: "
                                + "values with their schema) or csv (rows as Structs of strings). Objects ending "
                                + "in .gz are decompressed (not Avro: it has its own codecs).",
                        group, ++order, Width.SHORT, "Format")
                .define(CSV_SEPARATOR, Type.STRING, ",", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Field separator of csv objects: one character; \\t for a tab.",
                        group, ++order, Width.SHORT, "CSV separator")
                .define(CSV_HEADER, Type.BOOLEAN, true, Importance.LOW,
                        "Whether the first row of each csv object names the fields (else column1, column2, ...).",
                        group, ++order, Width.SHORT, "CSV header")
                .define(BYTEARRAY_SEPARATOR, Type.STRING, "\\n", Importance.LOW,
                        "Separator between records of the bytes format (\\n, \\r, \\t escapes); empty: one record "
                                + "per object.", group, ++order, Width.SHORT, "Bytes separator")
                .define(TOPICS, Type.LIST, "", Importance.HIGH,
                        "Topics to restore from objects the S3 sink wrote under <topics.dir>/<topic>/; records go "
                                + "to the partition they came from.", group, ++order, Width.LONG, "Topics")
                .define(TOPIC_MAPPING, Type.LIST, "", Importance.MEDIUM,
                        "Restore into other topics: source:target pairs, e.g. orders:orders-restored. Unmapped "
                                + "topics keep their name.", group, ++order, Width.LONG, "Topic mapping")
                .define(PREFIXES, Type.LIST, "", Importance.HIGH,
                        "Key prefixes of arbitrary objects to read (in key order) instead of sink topics.",
                        group, ++order, Width.LONG, "Prefixes")
                .define(TOPIC, Type.STRING, "", Importance.HIGH,
                        "Topic the records of s3.prefixes go to (partitioned by the producer).",
                        group, ++order, Width.MEDIUM, "Topic")
                .define(POLL_INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                        "How often a task that has read everything lists the bucket for new objects.",
                        group, ++order, Width.SHORT, "Poll interval")
                .define(BATCH_MAX_RECORDS, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Most records one poll returns.", group, ++order, Width.SHORT, "Batch size")
                .defineInternal(TASK_UNITS, Type.LIST, "", Importance.LOW)
                .defineInternal(TASK_ARCHIVE_PARTITIONS, Type.LIST, "", Importance.LOW);
    }

    /** Restoring sink topics (true) or reading prefixes (false). */
    public boolean restore() {
        return !getList(TOPICS).isEmpty();
    }

    /** The target topic of a restored source topic. */
    public Map<String, String> topicMapping() {
        Map<String, String> mapping = new HashMap<>();
        for (String pair : getList(TOPIC_MAPPING)) {
            String[] parts = pair.split(":", 2);
            mapping.put(parts[0].trim(), parts[1].trim());
        }
        return mapping;
    }

    /** The separator bytes of the bytes format, empty for one record per object. */
    public String byteArraySeparator() {
        return getString(BYTEARRAY_SEPARATOR).replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");
    }

    public String format() {
        return RecordFormat.canonical(getString(FORMAT));
    }

    /** How csv objects are read. */
    public CsvSettings csvSettings() {
        return new CsvSettings(getString(CSV_SEPARATOR).replace("\\t", "\t").charAt(0), getBoolean(CSV_HEADER));
    }

    public List<String> units() {
        return getList(TASK_UNITS);
    }

    /** How many partitions each restored topic's archive holds (its highest partition + 1), as the connector listed. */
    public Map<String, Integer> archivePartitions() {
        Map<String, Integer> partitions = new HashMap<>();
        for (String pair : getList(TASK_ARCHIVE_PARTITIONS)) {
            int eq = pair.lastIndexOf('=');
            partitions.put(pair.substring(0, eq), Integer.valueOf(pair.substring(eq + 1)));
        }
        return partitions;
    }
}
