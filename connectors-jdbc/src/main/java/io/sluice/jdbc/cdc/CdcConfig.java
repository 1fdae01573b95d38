package io.sluice.jdbc.cdc;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The PostgreSQL CDC source's configuration: the module's connection keys, and Debezium's PostgreSQL connector
 * vocabulary (names, values and, unless the README says otherwise, defaults) for everything about capture, so a
 * Debezium config switches by changing connector.class and the connection keys.
 */
public final class CdcConfig extends AbstractConfig {

    /** When the existing rows are read. */
    public enum SnapshotMode { INITIAL, INITIAL_ONLY, WHEN_NEEDED, NO_DATA }

    /** How NUMERIC, DECIMAL and MONEY become Connect values. */
    public enum DecimalMode { PRECISE, DOUBLE, STRING }

    /** How dates and times become Connect values. */
    public enum TimePrecision { ADAPTIVE, ADAPTIVE_TIME_MICROSECONDS, CONNECT }

    /** How intervals become Connect values. */
    public enum IntervalMode { NUMERIC, STRING }

    /** How bytea becomes a Connect value. */
    public enum BinaryMode { BYTES, BASE64, BASE64_URL_SAFE, HEX }

    /** Which publication is created when none exists. */
    public enum PublicationMode { FILTERED, ALL_TABLES, DISABLED }

    /** What each change record looks like. */
    public enum OutputFormat { DEBEZIUM, FLAT }

    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String PLUGIN_NAME = "plugin.name";
    public static final String SLOT_NAME = "slot.name";
    public static final String PUBLICATION_NAME = "publication.name";
    public static final String PUBLICATION_AUTOCREATE = "publication.autocreate.mode";
    public static final String SCHEMA_INCLUDE = "schema.include.list";
    public static final String SCHEMA_EXCLUDE = "schema.exclude.list";
    public static final String TABLE_INCLUDE = "table.include.list";
    public static final String TABLE_EXCLUDE = "table.exclude.list";
    public static final String SNAPSHOT_MODE = "snapshot.mode";
    public static final String SNAPSHOT_THREADS = "snapshot.max.threads";
    public static final String MAX_BATCH_SIZE = "max.batch.size";
    public static final String MAX_QUEUE_SIZE = "max.queue.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String DECIMAL_MODE = "decimal.handling.mode";
    public static final String TIME_PRECISION = "time.precision.mode";
    public static final String INTERVAL_MODE = "interval.handling.mode";
    public static final String BINARY_MODE = "binary.handling.mode";
    public static final String MONEY_DIGITS = "money.fraction.digits";
    public static final String TOMBSTONES = "tombstones.on.delete";
    public static final String SKIPPED_OPERATIONS = "skipped.operations";
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String TRANSACTION_METADATA = "provide.transaction.metadata";
    public static final String TRANSACTION_TOPIC = "topic.transaction";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String HEARTBEAT_ACTION_QUERY = "heartbeat.action.query";
    public static final String HEARTBEAT_TOPIC_PREFIX = "topic.heartbeat.prefix";
    public static final String TOPIC_DELIMITER = "topic.delimiter";
    public static final String SIGNAL_TABLE = "signal.data.collection";
    public static final String CHUNK_SIZE = "incremental.snapshot.chunk.size";
    public static final String STATUS_INTERVAL_MS = "status.update.interval.ms";
    public static final String SLOT_MAX_RETRIES = "slot.max.retries";
    public static final String SLOT_RETRY_DELAY_MS = "slot.retry.delay.ms";
    public static final String SLOT_LAG_WARNING_BYTES = "slot.lag.warning.bytes";
    public static final String DROP_ON_RESET = "slot.drop.on.offsets.reset";
    public static final String DROP_ON_STOP = "slot.drop.on.stop";
    public static final String MAX_RETRIES = "errors.max.retries";
    public static final String RETRY_WAIT_MS = "retriable.restart.connector.wait.ms";
    public static final String UNAVAILABLE_PLACEHOLDER = "unavailable.value.placeholder";
    public static final String NAME_ADJUSTMENT = "schema.name.adjustment.mode";
    public static final String PROPAGATE_SOURCE_TYPE = "column.propagate.source.type";

    private static final String CAPTURE = "Capture";
    private static final String SNAPSHOT = "Snapshot";
    private static final String EVENTS = "Events";
    private static final String SLOT = "Replication slot";

    public static final ConfigDef CONFIG_DEF = define();
    private static final String POSTGRES_URL = "jdbc:postgresql:";

    public CdcConfig(Map<String, String> props) {
        // not logged ("values: ..."): a connection.url may carry the database password, which only PASSWORD keys hide
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef define() {
        ConfigDef def = ConnectionKeys.define(new ConfigDef());
        int c = 0;
        int s = 0;
        int e = 0;
        int r = 0;
        def.define(TOPIC_PREFIX, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, topicPart(), Importance.HIGH,
                        "Names the database server: topics are <topic.prefix>.<schema>.<table>, and it is the source "
                                + "partition of the offsets (Debezium's key).", CAPTURE, ++c, Width.MEDIUM, "Topic prefix")
                .define(SCHEMA_INCLUDE, Type.LIST, "", new Patterns(), Importance.MEDIUM,
                        "Regular expressions of the schemas to capture (whole names); empty: every schema but "
                                + "PostgreSQL's own.", CAPTURE, ++c, Width.LONG, "Schemas")
                .define(SCHEMA_EXCLUDE, Type.LIST, "", new Patterns(), Importance.MEDIUM,
                        "Regular expressions of schemas not to capture.", CAPTURE, ++c, Width.LONG, "Excluded schemas")
                .define(TABLE_INCLUDE, Type.LIST, "", new Patterns(), Importance.HIGH,
                        "Regular expressions matched against schema.table of the tables to capture; empty: all.",
                        CAPTURE, ++c, Width.LONG, "Tables")
                .define(TABLE_EXCLUDE, Type.LIST, "", new Patterns(), Importance.MEDIUM,
                        "Regular expressions of schema.table not to capture.", CAPTURE, ++c, Width.LONG,
                        "Excluded tables")
                .define(PLUGIN_NAME, Type.STRING, "pgoutput", ConfigDef.ValidString.in("pgoutput"), Importance.LOW,
                        "Logical decoding plugin: PostgreSQL's built-in pgoutput (nothing to install).",
                        CAPTURE, ++c, Width.SHORT, "Decoding plugin")
                .define(PUBLICATION_NAME, Type.STRING, "sluice_publication", new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM, "The publication pgoutput reads.", CAPTURE, ++c, Width.MEDIUM,
                        "Publication")
                .define(PUBLICATION_AUTOCREATE, Type.STRING, "all_tables", enumValues(PublicationMode.values()),
                        Importance.MEDIUM, "all_tables (Debezium's default): CREATE PUBLICATION ... FOR ALL TABLES "
                                + "(superuser), so a table created later streams from its first row; filtered: "
                                + "create it for the captured tables, adding ones it lacks at start (a table "
                                + "created later is added at the next start); disabled: the publication must "
                                + "exist.", CAPTURE, ++c, Width.SHORT,
                        "Publication creation")
                .define(SNAPSHOT_MODE, Type.STRING, "initial", ConfigDef.CaseInsensitiveValidString.in("initial",
                                "initial_only", "when_needed", "no_data", "never"), Importance.HIGH,
                        "initial: read the existing rows first, then stream changes; initial_only: read them and "
                                + "stop; when_needed: also read them again when the slot or its position was lost; "
                                + "no_data (or never): only stream changes from the slot.", SNAPSHOT, ++s,
                        Width.SHORT, "Snapshot mode")
                .define(SNAPSHOT_THREADS, Type.INT, 2, ConfigDef.Range.between(1, 64), Importance.MEDIUM,
                        "Tables read at the same time during the snapshot, each with COPY on its own connection "
                                + "in the same exported snapshot.", SNAPSHOT, ++s, Width.SHORT, "Snapshot threads")
                .define(SIGNAL_TABLE, Type.STRING, "", Importance.MEDIUM,
                        "schema.table of Debezium's signal table (id, type, data): an 'execute-snapshot' row starts "
                                + "an incremental snapshot of the tables it names while streaming goes on.",
                        SNAPSHOT, ++s, Width.MEDIUM, "Signal table")
                .define(CHUNK_SIZE, Type.INT, 1024, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Rows per chunk of an incremental snapshot.", SNAPSHOT, ++s, Width.SHORT, "Chunk size")
                .define(OUTPUT_FORMAT, Type.STRING, "debezium", enumValues(OutputFormat.values()), Importance.HIGH,
                        "debezium: Debezium's change event envelope (before, after, source, op, ts_ms); flat: the row "
                                + "itself with the operation in the __op header (c, u, d, r, t), as the JDBC sink "
                                + "applies it.", EVENTS, ++e, Width.SHORT, "Output format")
                .define(TOMBSTONES, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Follow each delete with a tombstone (null value) so compacted topics drop the key.",
                        EVENTS, ++e, Width.SHORT, "Tombstones")
                .define(SKIPPED_OPERATIONS, Type.LIST, "t", new Operations(), Importance.MEDIUM,
                        "Operations not emitted: c (insert), u (update), d (delete), t (truncate); none emits all.",
                        EVENTS, ++e, Width.SHORT, "Skipped operations")
                .define(DECIMAL_MODE, Type.STRING, "precise", enumValues(DecimalMode.values()), Importance.MEDIUM,
                        "precise: Connect Decimal (numeric without scale: Debezium's VariableScaleDecimal); double; "
                                + "string.", EVENTS, ++e, Width.SHORT, "Decimal handling")
                .define(TIME_PRECISION, Type.STRING, "adaptive", enumValues(TimePrecision.values()), Importance.MEDIUM,
                        "adaptive: Debezium's time types at the column's precision; adaptive_time_microseconds: "
                                + "times in microseconds; connect: Connect's Date, Time, Timestamp (milliseconds).",
                        EVENTS, ++e, Width.SHORT, "Time precision")
                .define(INTERVAL_MODE, Type.STRING, "numeric", enumValues(IntervalMode.values()), Importance.LOW,
                        "numeric: microseconds (MicroDuration); string: ISO 8601 (P1Y2M3DT4H5M6.78S).",
                        EVENTS, ++e, Width.SHORT, "Interval handling")
                .define(BINARY_MODE, Type.STRING, "bytes", enumValues(BinaryMode.values()), Importance.LOW,
                        "bytea as bytes, or as base64, base64_url_safe or hex text.", EVENTS, ++e, Width.SHORT,
                        "Binary handling")
                .define(MONEY_DIGITS, Type.INT, 2, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Fraction digits of money values in precise mode.", EVENTS, ++e, Width.SHORT, "Money digits")
                .define(UNAVAILABLE_PLACEHOLDER, Type.STRING, "__debezium_unavailable_value", Importance.LOW,
                        "Stands for an unchanged TOASTed value PostgreSQL did not send (Debezium format; the flat "
                                + "format leaves such columns out instead).", EVENTS, ++e, Width.MEDIUM,
                        "Unavailable value placeholder")
                .define(TRANSACTION_METADATA, Type.BOOLEAN, false, Importance.LOW,
                        "Emit BEGIN and END records to <topic.prefix>.<topic.transaction> and a transaction block "
                                + "in each event.", EVENTS, ++e, Width.SHORT, "Transaction metadata")
                .define(TRANSACTION_TOPIC, Type.STRING, "transaction", topicPart(), Importance.LOW,
                        "Suffix of the transaction metadata topic.", EVENTS, ++e, Width.SHORT, "Transaction topic")
                .define(TOPIC_DELIMITER, Type.STRING, ".", topicPart(), Importance.LOW,
                        "Between the parts of topic names.", EVENTS, ++e, Width.SHORT, "Topic delimiter")
                .define(NAME_ADJUSTMENT, Type.STRING, "none", ConfigDef.CaseInsensitiveValidString.in("none", "avro"),
                        Importance.LOW, "avro: replace characters Avro does not allow in schema names with _.",
                        EVENTS, ++e, Width.SHORT, "Schema name adjustment")
                .define(PROPAGATE_SOURCE_TYPE, Type.LIST, "", new Patterns(), Importance.LOW,
                        "Regular expressions matched against schema.table.column: those columns' schemas carry "
                                + "their PostgreSQL type as Debezium's __debezium.source.column.type, .length and "
                                + ".scale parameters (a sink can then create bit varying rather than bit(n), "
                                + "varchar(n) rather than text).", EVENTS, ++e, Width.LONG, "Propagate source types")
                .define(MAX_BATCH_SIZE, Type.INT, 2048, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Records per poll at most.", EVENTS, ++e, Width.SHORT, "Max batch size")
                .define(MAX_QUEUE_SIZE, Type.INT, 8192, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Records read ahead of the worker at most.", EVENTS, ++e, Width.SHORT, "Max queue size")
                .define(POLL_INTERVAL_MS, Type.LONG, 500L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "How long a poll waits for changes.", EVENTS, ++e, Width.SHORT, "Poll interval (ms)")
                .define(SLOT_NAME, Type.STRING, "sluice", slotNameRule(), Importance.HIGH,
                        "The logical replication slot: one per connector (names are per server).", SLOT, ++r,
                        Width.MEDIUM, "Slot")
                .define(STATUS_INTERVAL_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(100), Importance.LOW,
                        "How often the position Kafka acknowledged is confirmed to the server (so it can recycle "
                                + "WAL) and the slot's lag measured.", SLOT, ++r, Width.SHORT, "Status interval (ms)")
                .define(HEARTBEAT_INTERVAL_MS, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Emit a heartbeat record this often (0: never), so the stored offset follows the slot on "
                                + "quiet tables.", SLOT, ++r, Width.SHORT, "Heartbeat interval (ms)")
                .define(HEARTBEAT_ACTION_QUERY, Type.STRING, "", Importance.LOW,
                        "SQL run with each heartbeat (e.g. an UPDATE of a heartbeat table in the publication), so the "
                                + "slot advances even when the captured tables are idle but others are not.",
                        SLOT, ++r, Width.LONG, "Heartbeat query")
                .define(HEARTBEAT_TOPIC_PREFIX, Type.STRING, "__debezium-heartbeat", topicPart(), Importance.LOW,
                        "Heartbeat topic: <prefix>.<topic.prefix>.", SLOT, ++r, Width.MEDIUM, "Heartbeat topic prefix")
                .define(SLOT_LAG_WARNING_BYTES, Type.LONG, 1L << 30, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "WAL the slot may keep (from its restart_lsn) before the running task logs a warning (at "
                                + "most once a minute); 0: never.",
                        SLOT, ++r, Width.SHORT, "Slot lag warning (bytes)")
                .define(SLOT_MAX_RETRIES, Type.INT, 6, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Attempts to take a slot another connection still holds (a previous instance shutting down).",
                        SLOT, ++r, Width.SHORT, "Slot retries")
                .define(SLOT_RETRY_DELAY_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Wait between those attempts.", SLOT, ++r, Width.SHORT, "Slot retry delay (ms)")
                .define(DROP_ON_RESET, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Drop the slot, and the publication unless publication.autocreate.mode=disabled, when the "
                                + "connector's offsets are reset (PUT /connectors/{name}/stop, then DELETE "
                                + "/connectors/{name}/offsets): the way to remove a connector without leaving its slot "
                                + "holding WAL. A slot another connector started in this worker is configured with is "
                                + "kept.", SLOT, ++r, Width.SHORT, "Drop slot on offsets reset")
                .define(DROP_ON_STOP, Type.BOOLEAN, false, Importance.LOW,
                        "Drop the slot whenever the task stops (Debezium's key): a stop for a restart or a "
                                + "rebalance drops it too, and the next start then needs snapshot.mode=when_needed "
                                + "(the changes meanwhile are not kept). For tests and development.", SLOT, ++r,
                        Width.SHORT, "Drop slot on stop")
                .define(MAX_RETRIES, Type.INT, -1, ConfigDef.Range.atLeast(-1), Importance.LOW,
                        "Times in a row the stream reconnects (or the snapshot starts again) after the database "
                                + "went away before the task fails; -1: until it is back.", SLOT, ++r, Width.SHORT, "Reconnect attempts")
                .define(RETRY_WAIT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Wait before reconnecting.", SLOT, ++r, Width.SHORT, "Reconnect wait (ms)");
        return def;
    }

    private static ConfigDef.Validator enumValues(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            names[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return ConfigDef.CaseInsensitiveValidString.in(names);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text) {
        return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    }

    public SnapshotMode snapshotMode() {
        String mode = getString(SNAPSHOT_MODE).trim().toLowerCase(Locale.ROOT);
        return mode.equals("never") ? SnapshotMode.NO_DATA : enumValue(SnapshotMode.class, mode);
    }

    public DecimalMode decimalMode() {
        return enumValue(DecimalMode.class, getString(DECIMAL_MODE));
    }

    public TimePrecision timePrecision() {
        return enumValue(TimePrecision.class, getString(TIME_PRECISION));
    }

    public IntervalMode intervalMode() {
        return enumValue(IntervalMode.class, getString(INTERVAL_MODE));
    }

    public BinaryMode binaryMode() {
        return enumValue(BinaryMode.class, getString(BINARY_MODE));
    }

    public PublicationMode publicationMode() {
        return enumValue(PublicationMode.class, getString(PUBLICATION_AUTOCREATE));
    }

    public OutputFormat outputFormat() {
        return enumValue(OutputFormat.class, getString(OUTPUT_FORMAT));
    }

    public String slotName() {
        return getString(SLOT_NAME);
    }

    public String publicationName() {
        return getString(PUBLICATION_NAME);
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    /** The operations (c, u, d, t) not to emit. */
    public Set<String> skippedOperations() {
        Set<String> skipped = new HashSet<>();
        for (String op : getList(SKIPPED_OPERATIONS)) {
            String o = op.trim().toLowerCase(Locale.ROOT);
            if (!o.equals("none") && !o.isEmpty()) {
                skipped.add(o);
            }
        }
        return skipped;
    }

    public CdcTableFilter tableFilter() {
        return new CdcTableFilter(getList(SCHEMA_INCLUDE), getList(SCHEMA_EXCLUDE), getList(TABLE_INCLUDE),
                getList(TABLE_EXCLUDE));
    }

    /** Rules across keys: validation reports them, start refuses them. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> problems = new ArrayList<>();
        String url = getString(ConnectionKeys.URL).strip();
        if (!url.regionMatches(true, 0, POSTGRES_URL, 0, POSTGRES_URL.length())) {
            // the driver alone says "No suitable driver" (tryout17 gave jdbc:mysql://x); only the scheme is echoed,
            // a URL may carry a password
            int scheme = url.indexOf(':', url.indexOf(':') + 1);
            problems.add(new ConfigProblem(ConnectionKeys.URL, "The PostgreSQL CDC source reads PostgreSQL's "
                    + "logical replication: give a PostgreSQL JDBC URL (" + POSTGRES_URL + "//host:5432/database)"
                    + (scheme > 0 && scheme < 40 ? ", not " + url.substring(0, scheme + 1) + "..." : "")));
        }
        if (!getList(TABLE_INCLUDE).isEmpty() && !getList(TABLE_EXCLUDE).isEmpty()) {
            problems.add(new ConfigProblem(TABLE_EXCLUDE, "Use either " + TABLE_INCLUDE + " or " + TABLE_EXCLUDE
                    + ", not both (as Debezium)"));
        }
        if (!getList(SCHEMA_INCLUDE).isEmpty() && !getList(SCHEMA_EXCLUDE).isEmpty()) {
            problems.add(new ConfigProblem(SCHEMA_EXCLUDE, "Use either " + SCHEMA_INCLUDE + " or " + SCHEMA_EXCLUDE
                    + ", not both (as Debezium)"));
        }
        String signal = getString(SIGNAL_TABLE).trim();
        if (!signal.isEmpty() && io.sluice.jdbc.TableId.parse(signal).schema() == null) {
            problems.add(new ConfigProblem(SIGNAL_TABLE, "Name the signal table with its schema (schema.table), "
                    + "e.g. public.debezium_signal"));
        }
        return problems;
    }

    /** A whole-value regular expression, and what to say when a value does not match it. */
    private record Matches(String regex, String rule) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !((String) value).matches(regex)) {
                throw new ConfigException(name, value, rule);
            }
        }
    }

    /** Topic name parts: what Kafka allows in topic names (a method: CONFIG_DEF is built before static fields). */
    private static Matches topicPart() {
        return new Matches("[a-zA-Z0-9._-]+", "must be non-empty and hold only letters, digits, '.', '_' and '-' (it "
                + "becomes part of topic names)");
    }

    /** PostgreSQL's rule for slot names. */
    private static Matches slotNameRule() {
        return new Matches("[a-z0-9_]{1,63}", "slot names hold only lower case letters, digits and _ (at most 63)");
    }

    /** Every entry compiles as a regular expression. */
    private static final class Patterns implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            for (String entry : list) {
                try {
                    Pattern.compile(entry.trim());
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, entry, "not a regular expression: " + e.getDescription());
                }
            }
        }
    }

    /** c, u, d, t or none. */
    private static final class Operations implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            for (String entry : list) {
                String op = entry.trim().toLowerCase(Locale.ROOT);
                if (!Set.of("c", "u", "d", "t", "none").contains(op)) {
                    throw new ConfigException(name, entry, "operations are c, u, d, t, or none");
                }
            }
        }
    }
}
