package io.sluice.jdbc.source;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** The JDBC source's configuration; key names follow Confluent's JDBC source connector. */
public final class JdbcSourceConfig extends AbstractConfig {

    /** How new rows are found. */
    public enum Mode {
        BULK, INCREMENTING, TIMESTAMP, TIMESTAMP_INCREMENTING;

        static Mode parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('+', '_'));
        }
    }

    /** How NUMERIC columns become Connect types. */
    public enum NumericMapping { NONE, PRECISION_ONLY, BEST_FIT }

    public static final String MODE = "mode";
    public static final String INCREMENTING_COLUMN = "incrementing.column.name";
    public static final String TIMESTAMP_COLUMNS = "timestamp.column.name";
    public static final String QUERY = "query";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String BATCH_MAX_ROWS = "batch.max.rows";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TIMESTAMP_DELAY_MS = "timestamp.delay.interval.ms";
    public static final String TIMESTAMP_INITIAL = "timestamp.initial";
    public static final String NUMERIC_MAPPING = "numeric.mapping";
    public static final String TABLE_WHITELIST = "table.whitelist";
    public static final String TABLE_INCLUDE_LIST = "table.include.list";
    public static final String TABLE_BLACKLIST = "table.blacklist";
    public static final String TABLE_EXCLUDE_LIST = "table.exclude.list";
    public static final String SCHEMA_PATTERN = "schema.pattern";
    public static final String TABLE_TYPES = "table.types";
    public static final String TABLE_POLL_INTERVAL_MS = "table.poll.interval.ms";
    public static final String QUERY_RETRY_ATTEMPTS = "query.retry.attempts";
    /** Set by the connector for each task: the tables it reads. */
    public static final String TASK_TABLES = "tables";

    private static final String MODE_GROUP = "Mode";
    private static final String TABLES_GROUP = "Tables";
    private static final String CONNECTOR_GROUP = "Connector";

    public static final ConfigDef CONFIG_DEF = define();

    public JdbcSourceConfig(Map<String, String> props) {
        // not logged ("values: ..."): a connection.url may carry the database password, which only PASSWORD keys hide
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef define() {
        ConfigDef def = ConnectionKeys.define(new ConfigDef());
        int m = 0;
        int t = 0;
        int c = 0;
        return def
                .define(MODE, Type.STRING, "bulk", ConfigDef.CaseInsensitiveValidString.in("bulk", "incrementing",
                                "timestamp", "timestamp+incrementing"), Importance.HIGH,
                        "bulk: the whole table each poll; incrementing: rows with a larger id; timestamp: rows "
                                + "with a newer timestamp; timestamp+incrementing: both, ties on the timestamp "
                                + "ordered by the id, so no row is missed or repeated.",
                        MODE_GROUP, ++m, Width.MEDIUM, "Mode")
                .define(INCREMENTING_COLUMN, Type.STRING, "", Importance.MEDIUM,
                        "Strictly increasing integer column (incrementing modes).", MODE_GROUP, ++m, Width.MEDIUM,
                        "Incrementing column")
                .define(TIMESTAMP_COLUMNS, Type.LIST, "", Importance.MEDIUM,
                        "Timestamp column(s); with several, the first non-null (COALESCE) counts.",
                        MODE_GROUP, ++m, Width.MEDIUM, "Timestamp columns")
                .define(TIMESTAMP_DELAY_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.HIGH,
                        "Only rows whose timestamp is older than the database's now minus this delay are read, "
                                + "so transactions that commit late within the delay are not missed.",
                        MODE_GROUP, ++m, Width.SHORT, "Timestamp delay (ms)")
                .define(TIMESTAMP_INITIAL, Type.LONG, null, Importance.LOW,
                        "Epoch milliseconds to start timestamp modes from when there is no offset; -1 is now; "
                                + "unset reads from the beginning.", MODE_GROUP, ++m, Width.SHORT, "Initial timestamp")
                .define(QUERY, Type.STRING, "", Importance.MEDIUM,
                        "A custom SELECT instead of tables; incremental modes filter it as a subquery.",
                        MODE_GROUP, ++m, Width.LONG, "Query")
                .define(NUMERIC_MAPPING, Type.STRING, "none", ConfigDef.CaseInsensitiveValidString.in("none",
                                "precision_only", "best_fit"), Importance.LOW,
                        "none: NUMERIC as Decimal; precision_only: integer types for NUMERIC(p,0) with p < 19; "
                                + "best_fit: also FLOAT64 for NUMERIC(p,s>0) with p < 19.",
                        MODE_GROUP, ++m, Width.SHORT, "Numeric mapping")
                .define(TABLE_WHITELIST, Type.LIST, "", Importance.MEDIUM, "Tables to read (alias of "
                        + TABLE_INCLUDE_LIST + "); table or schema.table.", TABLES_GROUP, ++t, Width.LONG, "Include")
                .define(TABLE_INCLUDE_LIST, Type.LIST, "", Importance.MEDIUM, "Tables to read; empty reads all.",
                        TABLES_GROUP, ++t, Width.LONG, "Include list")
                .define(TABLE_BLACKLIST, Type.LIST, "", Importance.MEDIUM, "Tables to skip (alias of "
                        + TABLE_EXCLUDE_LIST + ").", TABLES_GROUP, ++t, Width.LONG, "Exclude")
                .define(TABLE_EXCLUDE_LIST, Type.LIST, "", Importance.MEDIUM, "Tables to skip.",
                        TABLES_GROUP, ++t, Width.LONG, "Exclude list")
                .define(SCHEMA_PATTERN, Type.STRING, null, Importance.MEDIUM,
                        "Schema name pattern (SQL LIKE) for table discovery; unset: all but system schemas.",
                        TABLES_GROUP, ++t, Width.MEDIUM, "Schema pattern")
                .define(TABLE_TYPES, Type.LIST, "TABLE", Importance.LOW, "Table types to read, e.g. TABLE,VIEW.",
                        TABLES_GROUP, ++t, Width.SHORT, "Table types")
                .define(TABLE_POLL_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                        "How often to look for new or dropped tables.", TABLES_GROUP, ++t, Width.SHORT,
                        "Table refresh (ms)")
                .define(TOPIC_PREFIX, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                        "Prefix of topic names (the topic is prefix + table name; the prefix alone for a query).",
                        CONNECTOR_GROUP, ++c, Width.MEDIUM, "Topic prefix")
                .define(POLL_INTERVAL_MS, Type.INT, 5000, ConfigDef.Range.atLeast(1), Importance.HIGH,
                        "How often each table is queried for new rows.", CONNECTOR_GROUP, ++c, Width.SHORT,
                        "Poll interval (ms)")
                .define(BATCH_MAX_ROWS, Type.INT, 100, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Rows per poll and JDBC fetch size: the result set streams, never held whole.",
                        CONNECTOR_GROUP, ++c, Width.SHORT, "Max rows per batch")
                .define(QUERY_RETRY_ATTEMPTS, Type.INT, -1, ConfigDef.Range.atLeast(-1), Importance.LOW,
                        "How many times in a row a query failing because the database is away (refused or lost "
                                + "connection, failover, shutdown) is retried, with a backoff growing from 1 s to "
                                + "30 s, before the task fails; -1 retries until the database is back. Errors a "
                                + "retry cannot mend (authentication, permissions, missing columns) fail at once.",
                        CONNECTOR_GROUP, ++c, Width.SHORT, "Query retry attempts")
                .define(TASK_TABLES, Type.STRING, "", Importance.LOW, "Internal: the tables of one task.");
    }

    public Mode mode() {
        return Mode.parse(getString(MODE));
    }

    public NumericMapping numericMapping() {
        return NumericMapping.valueOf(getString(NUMERIC_MAPPING).toUpperCase(Locale.ROOT));
    }

    public String query() {
        return getString(QUERY).trim();
    }

    public List<String> includes() {
        List<String> all = new ArrayList<>(getList(TABLE_WHITELIST));
        all.addAll(getList(TABLE_INCLUDE_LIST));
        return all;
    }

    public List<String> excludes() {
        List<String> all = new ArrayList<>(getList(TABLE_BLACKLIST));
        all.addAll(getList(TABLE_EXCLUDE_LIST));
        return all;
    }

    public List<TableId> taskTables() {
        return TableId.parseList(getString(TASK_TABLES));
    }

    /** Rules across keys: validation reports them, start refuses them. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> problems = new ArrayList<>();
        Mode mode = mode();
        String name = getString(MODE).toLowerCase(Locale.ROOT);
        boolean incrementing = mode == Mode.INCREMENTING || mode == Mode.TIMESTAMP_INCREMENTING;
        boolean timestamp = mode == Mode.TIMESTAMP || mode == Mode.TIMESTAMP_INCREMENTING;
        if (incrementing && getString(INCREMENTING_COLUMN).isBlank()) {
            problems.add(new ConfigProblem(INCREMENTING_COLUMN, "mode=" + name
                    + " needs the name of a strictly increasing integer column"));
        }
        if (timestamp && getList(TIMESTAMP_COLUMNS).isEmpty()) {
            problems.add(new ConfigProblem(TIMESTAMP_COLUMNS, "mode=" + name + " needs a timestamp column"));
        }
        if (!query().isEmpty() && !includes().isEmpty()) {
            problems.add(new ConfigProblem(QUERY, "Use either query or a table list (" + TABLE_INCLUDE_LIST + ", "
                    + TABLE_WHITELIST + "), not both"));
        }
        if (!query().isEmpty() && getString(TOPIC_PREFIX).isEmpty()) {
            problems.add(new ConfigProblem(TOPIC_PREFIX, "With a query, topic.prefix is the whole topic name"));
        }
        return problems;
    }
}
