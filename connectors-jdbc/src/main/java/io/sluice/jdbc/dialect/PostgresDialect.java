package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** PostgreSQL: INSERT ... ON CONFLICT upserts, COPY for plain inserts, native arrays, jsonb/uuid through untyped strings. */
public class PostgresDialect extends AnsiDialect {

    /** Largest precision numeric(p,s) takes; pgjdbc reports an unconstrained numeric as 0 (older drivers 1000). */
    private static final int NUMERIC_MAX_PRECISION = 1000;

    /** One per dialect, and a dialect per task: its buffer is reused across puts. */
    private CopyTextEncoder encoder;

    public PostgresDialect(ZoneId zone) {
        super(zone);
    }

    @Override
    public String name() {
        return DatabaseDialects.POSTGRES;
    }

    @Override
    public String sessionInitSql() {
        return "SET TIME ZONE '" + zone.getId().replace("'", "''") + "'";
    }

    @Override
    public Map<String, String> driverProperties() {
        // rewrite batches into multi-row statements; send strings untyped so uuid, json, enums accept them
        return Map.of("reWriteBatchedInserts", "true", "stringtype", "unspecified");
    }

    @Override
    public Map<String, String> connectTimeoutProperties(int seconds) {
        // without loginTimeout a server that accepts the socket but never answers would hold the connect forever
        return Map.of("connectTimeout", String.valueOf(seconds), "loginTimeout", String.valueOf(seconds));
    }

    @Override
    public String driverClassName() {
        return "org.postgresql.Driver";
    }

    /**
     * pgjdbc turns a statement run five times into a server-side prepared statement, whose plan fixes the result
     * columns: after an ALTER TABLE, SELECT * then fails with "cached plan must not change result type". A poll
     * query runs once per poll and streams many rows, so parsing it each time costs nothing that matters.
     */
    @Override
    public PreparedStatement prepareQuery(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = super.prepareQuery(connection, sql);
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        return statement;
    }

    @Override
    public Set<String> missingPrivileges(Connection connection, TableId table, Set<String> privileges)
            throws SQLException {
        Set<String> missing = new TreeSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT has_table_privilege(?, ?)")) {
            for (String privilege : privileges) {
                ps.setString(1, quote(table));
                ps.setString(2, privilege);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        missing.add(privilege);
                    }
                }
            }
        }
        return missing;
    }

    @Override
    public String upsertSql(TableId table, List<SinkColumn> columns) {
        return insertSql(table, columns) + onConflict(columns);
    }

    private String onConflict(List<SinkColumn> columns) {
        StringJoiner set = new StringJoiner(", ");
        nonKeys(columns).forEach(c -> set.add(quote(c.name()) + " = EXCLUDED." + quote(c.name())));
        return " ON CONFLICT (" + columnList(keys(columns)) + ") DO "
                + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
    }

    @Override
    protected String createTableKeyword() {
        return "CREATE TABLE IF NOT EXISTS ";
    }

    @Override
    protected String addColumnKeyword() {
        return " ADD COLUMN IF NOT EXISTS ";
    }

    @Override
    public String describeError(SQLException e) {
        StringBuilder sb = new StringBuilder(super.describeError(e));
        for (Throwable t = e; t != null; t = t instanceof SQLException s && s.getNextException() != null
                ? s.getNextException() : t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                ServerErrorMessage m = p.getServerErrorMessage();
                append(sb, "table", m.getTable());
                append(sb, "column", m.getColumn());
                append(sb, "detail", m.getDetail());
                break;
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String label, String value) {
        if (value != null) {
            sb.append("; ").append(label).append(": ").append(value);
        }
    }

    /**
     * The column type a replica needs to equal its source column, as far as the schema tells it: Debezium's and
     * Connect's logical types carry precision and scale, the time unit, the zone; not a varchar's length, nor whether
     * json was jsonb (written as jsonb) or a bit string varying (written as bit(n)).
     */
    @Override
    public String sqlType(Schema schema, boolean key) {
        switch (LogicalType.of(schema)) {
            case DECIMAL -> {
                int precision = LogicalType.precision(schema);
                int scale = LogicalType.scale(schema);
                return precision > 0 && scale >= 0 ? "numeric(" + precision + "," + scale + ")" : "numeric";
            }
            case DATE -> {
                return "date";
            }
            case TIME -> {
                // Connect's Time stays time as before; microseconds are PostgreSQL's default precision
                return Time.LOGICAL_NAME.equals(schema.name()) || LogicalType.fractionDigits(schema) == 6 ? "time"
                        : "time(3)";
            }
            case TIMESTAMP, ZONED_TIMESTAMP -> {
                return "timestamptz";
            }
            case LOCAL_TIMESTAMP -> {
                return LogicalType.fractionDigits(schema) == 6 ? "timestamp" : "timestamp(3)";
            }
            case ZONED_TIME -> {
                return "timetz";
            }
            case UUID -> {
                return "uuid";
            }
            case JSON -> {
                return "jsonb";
            }
            case XML -> {
                return "xml";
            }
            case BITS -> {
                int length = LogicalType.bitLength(schema);
                if (LogicalType.varyingBits(schema)) {
                    return length > 0 ? "bit varying(" + length + ")" : "bit varying";
                }
                return "bit(" + length + ")";
            }
            case INTERVAL -> {
                return "interval";
            }
            default -> {
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case BOOLEAN -> "boolean";
            case STRING -> "text";
            case BYTES -> "bytea";
            case ARRAY -> arrayElementType(schema) + "[]";
            default -> throw unsupported(schema);
        };
    }

    private String arrayElementType(Schema arraySchema) {
        Schema element = arraySchema.valueSchema();
        if (element.type() == Schema.Type.ARRAY) {
            throw unsupported(arraySchema);
        }
        return sqlType(element, false);
    }

    /**
     * Lossless widenings: integers and floats to wider ones, varchar to text, a numeric to more integer digits or
     * more scale (never fewer of either) or to an unconstrained one, a time or timestamp to microseconds; each when
     * the record's schema says its values need it, since PostgreSQL would round them silently otherwise. Else, when
     * the column is of another kind of type (number, string, date/time, boolean, interval) than auto.create would
     * make for the field, the conversion to that type with {@code USING col::type}; types of no such kind (uuid,
     * jsonb, inet, an enum, ...) are the user's, and take the field's text as they are.
     */
    @Override
    public Optional<ColumnTypeChange> columnTypeChange(TableId table, ColumnDefinition existing, Schema schema) {
        String wider = widerType(existing, schema);
        if (wider != null) {
            return Optional.of(new ColumnTypeChange(alterType(table, existing, wider), existing.typeName(), wider,
                    false));
        }
        char from = typeKind(existing.typeName());
        if (from == 0 || LogicalType.of(schema) == LogicalType.NONE && !schema.type().isPrimitive()) {
            return Optional.empty();
        }
        String made = sqlType(schema, false);
        char to = typeKind(made.replaceFirst("\\(.*\\)", ""));
        if (to == 0 || from == to) {
            return Optional.empty();
        }
        return Optional.of(new ColumnTypeChange(alterType(table, existing, made) + " USING "
                + quote(existing.name()) + "::" + made, existing.typeName(), made, true));
    }

    private String alterType(TableId table, ColumnDefinition existing, String type) {
        return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(existing.name()) + " TYPE " + type;
    }

    /** PostgreSQL's type category (pg_type.typcategory) of the built-in types records map to, else 0. */
    private static char typeKind(String type) {
        return switch (type) {
            case "int2", "int4", "int8", "float4", "float8", "numeric", "smallint", "integer", "bigint", "real",
                    "double precision" -> 'N';
            case "text", "varchar", "bpchar" -> 'S';
            case "date", "time", "timetz", "timestamp", "timestamptz" -> 'D';
            case "bool", "boolean" -> 'B';
            case "interval" -> 'T';
            default -> 0;
        };
    }

    private static String widerType(ColumnDefinition existing, Schema schema) {
        return switch (LogicalType.of(schema)) {
            case DECIMAL -> widerNumeric(existing, schema);
            case TIME, LOCAL_TIMESTAMP -> finerTime(existing, LogicalType.fractionDigits(schema));
            case ZONED_TIME, ZONED_TIMESTAMP -> finerTime(existing, 6);
            case TIMESTAMP -> finerTime(existing, 3);
            case NONE -> switch (existing.typeName()) {
                case "int2" -> schema.type() == Schema.Type.INT32 ? "integer"
                        : schema.type() == Schema.Type.INT64 ? "bigint" : null;
                case "int4" -> schema.type() == Schema.Type.INT64 ? "bigint" : null;
                case "float4" -> schema.type() == Schema.Type.FLOAT64 ? "double precision" : null;
                case "varchar" -> schema.type() == Schema.Type.STRING ? "text" : null;
                default -> null;
            };
            default -> null;
        };
    }

    private static String widerNumeric(ColumnDefinition existing, Schema schema) {
        int size = existing.size();
        if (!"numeric".equals(existing.typeName()) || size <= 0 || size >= NUMERIC_MAX_PRECISION) {
            return null;
        }
        int scale = LogicalType.scale(schema);
        int precision = LogicalType.precision(schema);
        if (scale < 0 || precision > NUMERIC_MAX_PRECISION) {
            return "numeric"; // Debezium's variable-scale decimal: the source column has no limits any more
        }
        int digits = Math.max(existing.digits(), scale);
        int integerDigits = Math.max(size - existing.digits(), precision > 0 ? precision - scale : 0);
        if (digits == existing.digits() && integerDigits + digits == size) {
            return null;
        }
        return integerDigits + digits > NUMERIC_MAX_PRECISION ? "numeric"
                : "numeric(" + (integerDigits + digits) + "," + digits + ")";
    }

    private static String finerTime(ColumnDefinition existing, int needed) {
        return switch (existing.typeName()) {
            case "time", "timetz", "timestamp", "timestamptz" -> existing.digits() < needed
                    ? existing.typeName() + "(" + needed + ")" : null;
            default -> null;
        };
    }

    /** Bits, MicroDuration and zoned timestamps go as their input text, untyped (stringtype=unspecified). */
    @Override
    public void bind(PreparedStatement statement, int index, Schema schema, Object value) throws SQLException {
        if (value != null && LogicalType.postgresTextual(LogicalType.of(schema))) {
            statement.setString(index, LogicalType.postgresText(schema, value, zone));
        } else {
            super.bind(statement, index, schema, value);
        }
    }

    /** A NULL of a type bound as text must stay untyped too: a bytea or bigint NULL would not fit the column. */
    @Override
    protected int jdbcType(Schema schema) {
        return LogicalType.postgresTextual(LogicalType.of(schema)) ? Types.OTHER : super.jdbcType(schema);
    }

    @Override
    protected void bindArray(PreparedStatement statement, int index, Schema schema, List<?> value)
            throws SQLException {
        Schema element = schema.valueSchema();
        String[] texts = new String[value.size()];
        for (int i = 0; i < texts.length; i++) {
            Object v = value.get(i);
            texts[i] = v == null ? null : CopyTextEncoder.plainText(element, v, zone);
        }
        // createArrayOf looks the element type up by name, which has no type modifier: numeric, not numeric(5,2)
        String elementType = arrayElementType(schema).replaceFirst("\\(.*\\)", "");
        statement.setArray(index, statement.getConnection().createArrayOf(elementType, texts));
    }

    @Override
    public boolean hasBulkInsert() {
        return true;
    }

    @Override
    public boolean bulkInsert(Connection connection, TableId table, List<SinkColumn> columns, List<Object[]> rows)
            throws SQLException {
        copy(connection, quote(table), columns, rows);
        return true;
    }

    /** Below this many rows the staging table costs more than it saves. */
    private static final int BULK_UPSERT_MIN_ROWS = 500;
    private static final String STAGE = "\"sluice_upsert_stage\"";

    /**
     * COPY into a transaction-scoped TEMP table (no WAL, no index), then one INSERT ... SELECT ... ON
     * CONFLICT: the rows travel in COPY's cheap encoding instead of one bound statement per row.
     */
    @Override
    public boolean bulkUpsert(Connection connection, TableId table, List<SinkColumn> columns, List<Object[]> rows)
            throws SQLException {
        if (rows.size() < BULK_UPSERT_MIN_ROWS || connection.getAutoCommit()) {
            return false;
        }
        String columnList = columnList(columns);
        try (Statement statement = connection.createStatement()) {
            // only the written columns, without constraints; dropped at commit or rollback
            statement.execute("CREATE TEMP TABLE " + STAGE + " ON COMMIT DROP AS SELECT " + columnList + " FROM "
                    + quote(table) + " WITH NO DATA");
            copy(connection, STAGE, columns, rows);
            statement.executeUpdate("INSERT INTO " + quote(table) + " (" + columnList + ") SELECT " + columnList
                    + " FROM " + STAGE + onConflict(columns));
            statement.execute("DROP TABLE " + STAGE);
        }
        return true;
    }

    private void copy(Connection connection, String quotedTable, List<SinkColumn> columns, List<Object[]> rows)
            throws SQLException {
        if (encoder == null) {
            encoder = new CopyTextEncoder(zone);
        }
        CopyIn copyIn = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + quotedTable + " (" + columnList(columns) + ") FROM STDIN");
        encoder.copy(copyIn, columns, rows);
    }
}
