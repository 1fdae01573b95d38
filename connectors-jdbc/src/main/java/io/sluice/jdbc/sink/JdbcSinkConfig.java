package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** The JDBC sink's configuration; key names follow Confluent's JDBC sink connector. */
public final class JdbcSinkConfig extends AbstractConfig {

    /** How rows are written. */
    public enum InsertMode { INSERT, UPSERT, UPDATE }

    /** Where the primary key comes from. */
    public enum PrimaryKeyMode { NONE, KAFKA, RECORD_KEY, RECORD_VALUE }

    public static final String INSERT_MODE = "insert.mode";
    public static final String PK_MODE = "pk.mode";
    public static final String PK_FIELDS = "pk.fields";
    public static final String DELETE_ENABLED = "delete.enabled";
    public static final String TRUNCATE_ENABLED = "truncate.enabled";
    public static final String AUTO_CREATE = "auto.create";
    public static final String AUTO_EVOLVE = "auto.evolve";
    public static final String TABLE_NAME_FORMAT = "table.name.format";
    public static final String FIELDS_WHITELIST = "fields.whitelist";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_LINGER_MS = "batch.linger.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";

    private static final String WRITES = "Writes";
    private static final String DATA_MAPPING = "Data Mapping";
    private static final String DDL = "DDL Support";
    private static final String RETRIES = "Retries";

    public static final ConfigDef CONFIG_DEF = define();

    public JdbcSinkConfig(Map<String, String> props) {
        // not logged ("values: ..."): a connection.url may carry the database password, which only PASSWORD keys hide
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef define() {
        ConfigDef def = ConnectionKeys.define(new ConfigDef());
        int w = 0;
        int m = 0;
        int d = 0;
        int r = 0;
        return def
                .define(INSERT_MODE, Type.STRING, "insert", enumValidator(InsertMode.values()), Importance.HIGH,
                        "insert: plain INSERT (COPY on PostgreSQL); upsert: insert or update by primary key "
                                + "(idempotent, safe to replay); update: UPDATE by primary key.",
                        WRITES, ++w, Width.MEDIUM, "Insert mode")
                .define(BATCH_SIZE, Type.INT, 3_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                        "Rows gathered across puts into one transaction while the consumer is behind "
                                + "(written earlier once it catches up, and always before offsets are committed).",
                        WRITES, ++w, Width.SHORT, "Batch size")
                .define(BATCH_LINGER_MS, Type.LONG, 200L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Longest time rows stay buffered when no further records arrive.",
                        WRITES, ++w, Width.SHORT, "Batch linger (ms)")
                .define(DELETE_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Delete the row when a record's value is null (a tombstone) or its __op header is d (a CDC "
                                + "source's flat delete). Needs pk.mode=record_key.",
                        WRITES, ++w, Width.SHORT, "Enable deletes")
                .define(TRUNCATE_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Truncate the table when a record's __op header is t (a CDC source's truncate event; "
                                + "Debezium's JDBC sink key).", WRITES, ++w, Width.SHORT, "Enable truncates")
                .define(TABLE_NAME_FORMAT, Type.STRING, "${topic}", new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM, "Destination table name; ${topic} is replaced by the record's topic. "
                                + "A dot separates schema and table unless quoted (\"a.b\").",
                        DATA_MAPPING, ++m, Width.LONG, "Table name format")
                .define(PK_MODE, Type.STRING, "none", enumValidator(PrimaryKeyMode.values()), Importance.HIGH,
                        "none: no key; kafka: __connect_topic, __connect_partition, __connect_offset; "
                                + "record_key: fields of the record key; record_value: fields of the value.",
                        DATA_MAPPING, ++m, Width.MEDIUM, "Primary key mode")
                .define(PK_FIELDS, Type.LIST, "", Importance.MEDIUM,
                        "Primary key column names. kafka: three names for topic, partition, offset; "
                                + "record_key: the key's fields (empty = all), or one name for a primitive key; "
                                + "record_value: the value's fields (empty = all).",
                        DATA_MAPPING, ++m, Width.LONG, "Primary key fields")
                .define(FIELDS_WHITELIST, Type.LIST, "", Importance.MEDIUM,
                        "Value fields to write; empty writes all.", DATA_MAPPING, ++m, Width.LONG, "Fields")
                .define(AUTO_CREATE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Create a missing table from the record schema (primary key from pk.mode).",
                        DDL, ++d, Width.SHORT, "Auto-create")
                .define(AUTO_EVOLVE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Add missing columns (nullable) and widen numeric columns where that is safe.",
                        DDL, ++d, Width.SHORT, "Auto-evolve")
                .define(MAX_RETRIES, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Retries of a batch after a transient database error before the task fails.",
                        RETRIES, ++r, Width.SHORT, "Maximum retries")
                .define(RETRY_BACKOFF_MS, Type.INT, 3000, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Wait before retrying after a transient error.", RETRIES, ++r, Width.SHORT,
                        "Retry backoff (ms)");
    }

    static ConfigDef.Validator enumValidator(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            names[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return ConfigDef.CaseInsensitiveValidString.in(names);
    }

    public InsertMode insertMode() {
        return InsertMode.valueOf(getString(INSERT_MODE).toUpperCase(Locale.ROOT));
    }

    public PrimaryKeyMode pkMode() {
        return PrimaryKeyMode.valueOf(getString(PK_MODE).toUpperCase(Locale.ROOT));
    }

    public List<String> pkFields() {
        return getList(PK_FIELDS);
    }

    public List<String> fieldsWhitelist() {
        return getList(FIELDS_WHITELIST);
    }

    /** Rules across keys (Confluent's sink checks the same): validation reports them, start refuses them. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> problems = new ArrayList<>();
        PrimaryKeyMode pkMode = pkMode();
        String pk = pkMode.name().toLowerCase(Locale.ROOT);
        if (getBoolean(DELETE_ENABLED) && pkMode != PrimaryKeyMode.RECORD_KEY) {
            String message = "delete.enabled=true needs pk.mode=record_key (a tombstone has only its key to say which "
                    + "row to delete), not " + pk;
            problems.add(new ConfigProblem(DELETE_ENABLED, message));
            problems.add(new ConfigProblem(PK_MODE, message));
        }
        InsertMode insertMode = insertMode();
        if (insertMode != InsertMode.INSERT && pkMode == PrimaryKeyMode.NONE) {
            problems.add(new ConfigProblem(PK_MODE, "insert.mode=" + insertMode.name().toLowerCase(Locale.ROOT)
                    + " finds rows by their primary key: set pk.mode to record_key, record_value or kafka"));
        }
        if (pkMode == PrimaryKeyMode.KAFKA && !pkFields().isEmpty() && pkFields().size() != 3) {
            problems.add(new ConfigProblem(PK_FIELDS, "pk.mode=kafka takes three names (the topic, partition and "
                    + "offset columns) or none for __connect_topic, __connect_partition, __connect_offset"));
        }
        return problems;
    }
}
