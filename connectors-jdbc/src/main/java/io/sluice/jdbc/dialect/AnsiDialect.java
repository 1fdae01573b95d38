package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;

/** The generic ANSI SQL dialect (MERGE for upserts, metadata through JDBC); other dialects refine it. */
public class AnsiDialect implements DatabaseDialect {

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "pg_catalog", "pg_toast",
            "mysql", "performance_schema", "sys");

    protected final ZoneId zone;

    public AnsiDialect(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String name() {
        return DatabaseDialects.GENERIC;
    }

    @Override
    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String sessionInitSql() {
        return null;
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of();
    }

    @Override
    public String driverClassName() {
        return null;
    }

    protected String columnList(List<SinkColumn> columns) {
        StringJoiner j = new StringJoiner(", ");
        columns.forEach(c -> j.add(quote(c.name())));
        return j.toString();
    }

    protected static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    protected static List<SinkColumn> keys(List<SinkColumn> columns) {
        return columns.stream().filter(SinkColumn::key).toList();
    }

    protected static List<SinkColumn> nonKeys(List<SinkColumn> columns) {
        return columns.stream().filter(c -> !c.key()).toList();
    }

    @Override
    public String insertSql(TableId table, List<SinkColumn> columns) {
        return "INSERT INTO " + quote(table) + " (" + columnList(columns) + ") VALUES ("
                + placeholders(columns.size()) + ")";
    }

    @Override
    public String upsertSql(TableId table, List<SinkColumn> columns) {
        StringJoiner on = new StringJoiner(" AND ");
        keys(columns).forEach(k -> on.add("t." + quote(k.name()) + " = s." + quote(k.name())));
        StringJoiner set = new StringJoiner(", ");
        nonKeys(columns).forEach(c -> set.add(quote(c.name()) + " = s." + quote(c.name())));
        StringJoiner values = new StringJoiner(", ");
        columns.forEach(c -> values.add("s." + quote(c.name())));
        return "MERGE INTO " + quote(table) + " t USING (VALUES (" + placeholders(columns.size()) + ")) s ("
                + columnList(columns) + ") ON (" + on + ")"
                + (set.length() == 0 ? "" : " WHEN MATCHED THEN UPDATE SET " + set)
                + " WHEN NOT MATCHED THEN INSERT (" + columnList(columns) + ") VALUES (" + values + ")";
    }

    /** Parameters: the non-key columns, then the key columns. */
    @Override
    public String updateSql(TableId table, List<SinkColumn> columns) {
        StringJoiner set = new StringJoiner(", ");
        nonKeys(columns).forEach(c -> set.add(quote(c.name()) + " = ?"));
        return "UPDATE " + quote(table) + " SET " + set + " WHERE " + keyPredicate(keys(columns));
    }

    @Override
    public String deleteSql(TableId table, List<SinkColumn> keyColumns) {
        return "DELETE FROM " + quote(table) + " WHERE " + keyPredicate(keyColumns);
    }

    protected String keyPredicate(List<SinkColumn> keyColumns) {
        StringJoiner where = new StringJoiner(" AND ");
        keyColumns.forEach(k -> where.add(quote(k.name()) + " = ?"));
        return where.toString();
    }

    @Override
    public String createTableSql(TableId table, List<SinkColumn> columns) {
        StringJoiner defs = new StringJoiner(",\n  ");
        for (SinkColumn c : columns) {
            defs.add(columnDefinition(c));
        }
        List<SinkColumn> keys = keys(columns);
        if (!keys.isEmpty()) {
            defs.add("PRIMARY KEY (" + columnList(keys) + ")");
        }
        return createTableKeyword() + quote(table) + " (\n  " + defs + ")";
    }

    protected String columnDefinition(SinkColumn c) {
        boolean notNull = c.key() || !c.schema().isOptional();
        return quote(c.name()) + " " + sqlType(c.schema(), c.key()) + defaultClause(c.schema())
                + (notNull ? " NOT NULL" : "");
    }

    /**
     * " DEFAULT x" for a schema whose default is a plain number, boolean, string or decimal, else "": a column added
     * for it gives the rows already in the table that value, as the source's own ADD COLUMN ... DEFAULT did (tryout17:
     * a CDC replica's 831 existing rows held NULL where the source held 3). Temporal and other logical types carry
     * their defaults in encodings (days, micros) that are no SQL literal, so they add no clause.
     */
    protected String defaultClause(Schema schema) {
        Object value = schema.defaultValue();
        if (value == null) {
            return "";
        }
        LogicalType logical = LogicalType.of(schema);
        if (logical == LogicalType.DECIMAL) {
            return value instanceof BigDecimal d ? " DEFAULT " + d.toPlainString() : "";
        }
        if (logical != LogicalType.NONE) {
            return "";
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> " DEFAULT " + value;
            case FLOAT32, FLOAT64 -> Double.isFinite(((Number) value).doubleValue()) ? " DEFAULT " + value : "";
            case BOOLEAN -> " DEFAULT " + (Boolean.TRUE.equals(value) ? "TRUE" : "FALSE");
            case STRING -> " DEFAULT " + stringLiteral(value.toString());
            default -> "";
        };
    }

    /** A string as an SQL literal in this dialect. */
    protected String stringLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** How CREATE TABLE starts; dialects that can tolerate a concurrent creator say IF NOT EXISTS. */
    protected String createTableKeyword() {
        return "CREATE TABLE ";
    }

    protected String addColumnKeyword() {
        return " ADD ";
    }

    @Override
    public List<String> addColumnsSql(TableId table, List<SinkColumn> columns) {
        List<String> sql = new ArrayList<>();
        for (SinkColumn c : columns) {
            // added columns are nullable: rows already in the table have no value for them but their default
            sql.add("ALTER TABLE " + quote(table) + addColumnKeyword() + quote(c.name()) + " "
                    + sqlType(c.schema(), false) + defaultClause(c.schema()));
        }
        return sql;
    }

    @Override
    public Optional<String> dropNotNullSql(TableId table, ColumnDefinition column) {
        return Optional.of("ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column.name()) + " DROP NOT NULL");
    }

    @Override
    public String sqlType(Schema schema, boolean key) {
        LogicalType logical = LogicalType.of(schema);
        switch (logical) {
            case DECIMAL -> {
                int precision = LogicalType.precision(schema);
                int scale = LogicalType.scale(schema);
                // a variable scale has no ANSI type: 18 digits of fraction keep every common value exact
                return "DECIMAL(" + (precision > 0 ? precision : 38) + "," + (scale < 0 ? 18 : scale) + ")";
            }
            case DATE -> {
                return "DATE";
            }
            case TIME -> {
                return "TIME";
            }
            case TIMESTAMP, LOCAL_TIMESTAMP, ZONED_TIMESTAMP -> {
                return "TIMESTAMP";
            }
            default -> {
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "REAL";
            case FLOAT64 -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> key ? "VARCHAR(256)" : "VARCHAR(4000)";
            case BYTES -> "BLOB";
            default -> throw unsupported(schema);
        };
    }

    protected ConnectException unsupported(Schema schema) {
        return new ConnectException("Dialect " + name() + " has no column type for Connect schema "
                + schema.type() + (schema.name() == null ? "" : " (" + schema.name() + ")"));
    }

    @Override
    public Optional<TableDefinition> describe(Connection connection, TableId table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String catalog = catalogOf(connection, table);
        String schema = schemaOf(connection, table);
        Map<String, ColumnDefinition> columns = new LinkedHashMap<>();
        TreeMap<Integer, ColumnDefinition> ordered = new TreeMap<>();
        String escape = meta.getSearchStringEscape();
        try (ResultSet rs = meta.getColumns(catalog, escapePattern(schema, escape),
                escapePattern(table.table(), escape), null)) {
            while (rs.next()) {
                // patterns may still match more than asked for on drivers that ignore the escape
                if (!table.table().equals(rs.getString("TABLE_NAME"))
                        || (schema != null && rs.getString("TABLE_SCHEM") != null
                        && !schema.equals(rs.getString("TABLE_SCHEM")))) {
                    continue;
                }
                boolean hasDefault = rs.getString("COLUMN_DEF") != null
                        || "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"));
                ordered.put(rs.getInt("ORDINAL_POSITION"), new ColumnDefinition(rs.getString("COLUMN_NAME"),
                        rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls, hasDefault, rs.getInt("COLUMN_SIZE"),
                        rs.getInt("DECIMAL_DIGITS")));
            }
        }
        if (ordered.isEmpty()) {
            return Optional.empty();
        }
        ordered.values().forEach(c -> columns.put(c.name(), c));
        TreeMap<Integer, String> keys = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table.table())) {
            while (rs.next()) {
                keys.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return Optional.of(new TableDefinition(table, columns, List.copyOf(keys.values())));
    }

    /** The metadata catalog holding the table: the connection's. */
    protected String catalogOf(Connection connection, TableId table) throws SQLException {
        return connection.getCatalog();
    }

    /** The metadata schema holding the table: its own, else the connection's. */
    protected String schemaOf(Connection connection, TableId table) throws SQLException {
        return table.schema() != null ? table.schema() : connection.getSchema();
    }

    private static String escapePattern(String name, String escape) {
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    @Override
    public void bind(PreparedStatement statement, int index, Schema schema, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, jdbcType(schema));
            return;
        }
        LogicalType logical = LogicalType.of(schema);
        if (logical.portable()) {
            Object v = LogicalType.value(schema, value, zone);
            if (v instanceof BigDecimal d) {
                statement.setBigDecimal(index, d);
            } else {
                // java.time values: the driver sends them as what they are (LocalDateTime.MAX is infinity)
                statement.setObject(index, v);
            }
            return;
        }
        switch (schema.type()) {
            case INT8 -> statement.setShort(index, (Byte) value);
            case INT16 -> statement.setShort(index, (Short) value);
            case INT32 -> statement.setInt(index, (Integer) value);
            case INT64 -> statement.setLong(index, (Long) value);
            case FLOAT32 -> statement.setFloat(index, (Float) value);
            case FLOAT64 -> statement.setDouble(index, ((Number) value).doubleValue()); // a Double, or JSON digits
            case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
            case STRING -> statement.setString(index, value.toString()); // a String, or Utf8Text from JSON
            case BYTES -> statement.setBytes(index, bytes(value));
            case ARRAY -> bindArray(statement, index, schema, (List<?>) value);
            default -> throw unsupported(schema);
        }
    }

    protected void bindArray(PreparedStatement statement, int index, Schema schema, List<?> value)
            throws SQLException {
        throw unsupported(schema);
    }

    protected static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    protected int jdbcType(Schema schema) {
        switch (LogicalType.of(schema)) {
            case DECIMAL -> {
                return Types.NUMERIC;
            }
            case DATE -> {
                return Types.DATE;
            }
            case TIME -> {
                return Types.TIME;
            }
            case TIMESTAMP, LOCAL_TIMESTAMP, ZONED_TIMESTAMP -> {
                return Types.TIMESTAMP;
            }
            default -> {
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> Types.SMALLINT;
            case INT32 -> Types.INTEGER;
            case INT64 -> Types.BIGINT;
            case FLOAT32 -> Types.REAL;
            case FLOAT64 -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case STRING -> Types.VARCHAR;
            case BYTES -> Types.BINARY;
            case ARRAY -> Types.ARRAY;
            default -> Types.OTHER;
        };
    }

    @Override
    public List<TableId> listTables(Connection connection, String schemaPattern, List<String> tableTypes)
            throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (ResultSet rs = connection.getMetaData().getTables(connection.getCatalog(), schemaPattern, "%",
                tableTypes.toArray(String[]::new))) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema == null) {
                    schema = rs.getString("TABLE_CAT");
                }
                if (schema != null && SYSTEM_SCHEMAS.contains(schema.toLowerCase(java.util.Locale.ROOT))) {
                    continue;
                }
                tables.add(new TableId(schema, rs.getString("TABLE_NAME")));
            }
        }
        return tables;
    }

    @Override
    public Instant currentTimestamp(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
