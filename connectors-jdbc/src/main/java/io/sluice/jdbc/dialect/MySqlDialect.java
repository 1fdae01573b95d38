package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.kafka.connect.data.Schema;

/** MySQL and MariaDB: backtick quoting and INSERT ... ON DUPLICATE KEY UPDATE upserts. */
public class MySqlDialect extends AnsiDialect {

    public MySqlDialect(ZoneId zone) {
        super(zone);
    }

    @Override
    public String name() {
        return DatabaseDialects.MYSQL;
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /**
     * Backslashes escaped (MySQL reads them as escapes by default), and in parentheses: MySQL takes a TEXT column's
     * default only as an expression (8.0.13 on; MariaDB takes either).
     */
    @Override
    protected String stringLiteral(String value) {
        return "(" + super.stringLiteral(value.replace("\\", "\\\\")) + ")";
    }

    @Override
    public String sessionInitSql() {
        // named zones need the server's time zone tables; an offset always works
        ZoneOffset offset = zone.getRules().getOffset(Instant.now());
        return "SET time_zone = '" + (offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId()) + "'";
    }

    @Override
    public Map<String, String> driverProperties() {
        // MySQL Connector/J rewrites batches into multi-row INSERTs; MariaDB's driver sends them in bulk
        return Map.of("rewriteBatchedStatements", "true", "useBulkStmts", "true");
    }

    @Override
    public Map<String, String> connectTimeoutProperties(int seconds) {
        // both MySQL Connector/J and MariaDB's driver take milliseconds
        return Map.of("connectTimeout", String.valueOf(seconds * 1000L));
    }

    /** MySQL spells it MODIFY COLUMN with the whole definition (length, charset), which a description lacks. */
    @Override
    public Optional<String> dropNotNullSql(TableId table, ColumnDefinition column) {
        return Optional.empty();
    }

    @Override
    public String upsertSql(TableId table, List<SinkColumn> columns) {
        StringJoiner set = new StringJoiner(", ");
        List<SinkColumn> nonKeys = nonKeys(columns);
        // with no non-key column, a no-op assignment keeps an existing row as it is
        (nonKeys.isEmpty() ? keys(columns) : nonKeys)
                .forEach(c -> set.add(quote(c.name()) + " = VALUES(" + quote(c.name()) + ")"));
        return insertSql(table, columns) + " ON DUPLICATE KEY UPDATE " + set;
    }

    @Override
    public String sqlType(Schema schema, boolean key) {
        switch (LogicalType.of(schema)) {
            case DECIMAL -> {
                int precision = LogicalType.precision(schema);
                int scale = LogicalType.scale(schema);
                // MySQL's widest: 65 digits, 30 of them after the point (a variable scale takes all 30)
                return "DECIMAL(" + (precision > 0 ? Math.min(precision, 65) : 65) + ","
                        + (scale < 0 ? 30 : Math.min(scale, 30)) + ")";
            }
            case DATE -> {
                return "DATE";
            }
            case TIME -> {
                return "TIME(" + LogicalType.fractionDigits(schema) + ")";
            }
            case TIMESTAMP, LOCAL_TIMESTAMP, ZONED_TIMESTAMP -> {
                return "DATETIME(" + LogicalType.fractionDigits(schema) + ")";
            }
            case JSON -> {
                if (!key) {
                    return "JSON";
                }
            }
            default -> {
            }
        }
        return switch (schema.type()) {
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOLEAN -> "TINYINT(1)";
            // keys need a bounded length to be indexed
            case STRING -> key ? "VARCHAR(256)" : "TEXT";
            case BYTES -> key ? "VARBINARY(255)" : "BLOB";
            default -> throw unsupported(schema);
        };
    }

    /** Connect strings are Unicode: utf8mb4 stores all of it, where a server default (latin1, utf8mb3) may not. */
    @Override
    public String createTableSql(TableId table, List<SinkColumn> columns) {
        return super.createTableSql(table, columns) + " DEFAULT CHARACTER SET utf8mb4";
    }

    @Override
    protected String createTableKeyword() {
        return "CREATE TABLE IF NOT EXISTS ";
    }

    /** MySQL's databases are JDBC catalogs: a table's "schema" part names its database. */
    @Override
    protected String catalogOf(Connection connection, TableId table) throws SQLException {
        return table.schema() != null ? table.schema() : connection.getCatalog();
    }

    @Override
    protected String schemaOf(Connection connection, TableId table) {
        return null;
    }

    @Override
    public Optional<ColumnTypeChange> columnTypeChange(TableId table, ColumnDefinition existing, Schema schema) {
        if (schema.name() != null) {
            return Optional.empty();
        }
        Schema.Type type = schema.type();
        String wider = switch (existing.typeName().toUpperCase(Locale.ROOT)) {
            case "TINYINT" -> type == Schema.Type.INT16 ? "SMALLINT" : type == Schema.Type.INT32 ? "INT"
                    : type == Schema.Type.INT64 ? "BIGINT" : null;
            case "SMALLINT" -> type == Schema.Type.INT32 ? "INT" : type == Schema.Type.INT64 ? "BIGINT" : null;
            case "MEDIUMINT", "INT" -> type == Schema.Type.INT64 ? "BIGINT" : null;
            case "FLOAT" -> type == Schema.Type.FLOAT64 ? "DOUBLE" : null;
            case "VARCHAR" -> type == Schema.Type.STRING ? "TEXT" : null;
            default -> null;
        };
        // MODIFY restates the whole column: keep its nullability
        return Optional.ofNullable(wider).map(t -> new ColumnTypeChange("ALTER TABLE " + quote(table)
                + " MODIFY COLUMN " + quote(existing.name()) + " " + t + (existing.nullable() ? " NULL" : " NOT NULL"),
                existing.typeName(), t, false));
    }

    /** UTC_TIMESTAMP needs no time zone tables and is unaffected by the session zone. */
    @Override
    public Instant currentTimestamp(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT UTC_TIMESTAMP(6)")) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
    }
}
