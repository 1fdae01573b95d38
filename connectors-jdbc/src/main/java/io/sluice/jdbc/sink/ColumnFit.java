package io.sluice.jdbc.sink;

import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.dialect.SinkColumn;
import io.sluice.jdbc.dialect.Utf8Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which column a data error is about when the database does not say: PostgreSQL's "numeric field overflow",
 * "value too long for type character varying(5)" and "smallint out of range" name none. The failed rows' values are
 * checked against the table's column types as the driver describes them for an empty query (a number's digits before
 * the point against precision minus scale, a string's length, an integer's range). Runs only after a write failed;
 * the message names the column and the record, never the value (a row's data does not belong in logs).
 */
final class ColumnFit {
    private static final Logger log = LoggerFactory.getLogger(ColumnFit.class);
    /** Precisions at or above this mean "no limit" (PostgreSQL's text: Integer.MAX_VALUE; numeric caps at 1000). */
    private static final int UNLIMITED = 1_000_000;

    /** A column's type as the database declares it. */
    private record Declared(String typeName, int jdbcType, int precision, int scale) {
        /** Why this value cannot be stored in the column, or null when it fits (or this cannot tell). */
        String refuses(Object value) {
            if (value == null || precision <= 0 || precision >= UNLIMITED) {
                return integerRange(value);
            }
            BigDecimal d = decimal(value);
            if ((jdbcType == Types.NUMERIC || jdbcType == Types.DECIMAL) && d != null) {
                int before = Math.max(0, d.precision() - d.scale());
                return before > precision - scale ? "a value with " + before + " digits before the point does not fit "
                        + typeName + "(" + precision + "," + scale + ")" : null;
            }
            if (isCharacter() && (value instanceof String || value instanceof Utf8Text)) {
                String s = value.toString();
                int length = s.codePointCount(0, s.length());
                return length > precision ? "a value of " + length + " characters does not fit " + typeName + "("
                        + precision + ")" : null;
            }
            return integerRange(value);
        }

        private boolean isCharacter() {
            return jdbcType == Types.VARCHAR || jdbcType == Types.CHAR || jdbcType == Types.NVARCHAR
                    || jdbcType == Types.NCHAR;
        }

        private String integerRange(Object value) {
            long min;
            long max;
            switch (jdbcType) {
                case Types.SMALLINT -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
                case Types.INTEGER -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
                case Types.BIGINT -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
                default -> {
                    return null;
                }
            }
            BigDecimal d = decimal(value);
            if (d == null) {
                return null;
            }
            BigInteger whole = d.toBigInteger();
            return whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0
                    ? "a value out of the range of " + typeName : null;
        }

        private static BigDecimal decimal(Object value) {
            if (value instanceof BigDecimal d) {
                return d;
            }
            if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
                return BigDecimal.valueOf(((Number) value).longValue());
            }
            if (value instanceof Float || value instanceof Double) {
                double v = ((Number) value).doubleValue();
                return Double.isFinite(v) ? BigDecimal.valueOf(v) : null;
            }
            return null;
        }
    }

    private ColumnFit() {
    }

    /**
     * The first value of these rows that does not fit its column, as "column c: a value with 12 digits before the
     * point does not fit numeric(10,2) (record t-0@41)"; null when every value fits or the table cannot be described.
     */
    static String misfit(Connection connection, DatabaseDialect dialect, List<SinkRow> rows) {
        Map<String, Declared> declared;
        try {
            declared = declared(connection, dialect, rows.get(0));
        } catch (SQLException e) {
            log.debug("Describing table {} to find the column at fault failed: {}", rows.get(0).table(), e.getMessage());
            return null;
        }
        for (SinkRow row : rows) {
            if (row.truncate() || row.values() == null) {
                continue;
            }
            List<SinkColumn> columns = row.shape().columns();
            for (int i = 0; i < columns.size() && i < row.values().length; i++) {
                String name = columns.get(i).name();
                Declared type = declared.getOrDefault(name, declared.get(name.toLowerCase(Locale.ROOT)));
                String why = type == null ? null : type.refuses(row.values()[i]);
                if (why != null) {
                    return "column " + name + ": " + why + " (" + row.describeRecord() + ")";
                }
            }
        }
        return null;
    }

    /** The table's columns by name (and lower-cased name), from the metadata of a query that reads no row. */
    private static Map<String, Declared> declared(Connection connection, DatabaseDialect dialect, SinkRow row)
            throws SQLException {
        Map<String, Declared> columns = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + dialect.quote(row.table()) + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Declared type = new Declared(meta.getColumnTypeName(i), meta.getColumnType(i), meta.getPrecision(i),
                        meta.getScale(i));
                columns.put(meta.getColumnName(i), type);
                columns.putIfAbsent(meta.getColumnName(i).toLowerCase(Locale.ROOT), type);
            }
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // the pooled connection goes back with no transaction open
            }
        }
        return columns;
    }
}
