package io.sluice.jdbc.source;

import io.sluice.jdbc.source.JdbcSourceConfig.NumericMapping;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Maps a result set's columns to a Connect struct schema once, then converts each row with one
 * reader per column. PostgreSQL types are mapped by name; others by their JDBC type.
 */
final class ColumnMapper {

    /** Reads one column of the current row as a Connect value. */
    @FunctionalInterface
    private interface Reader {
        Object read(ResultSet rs, int index) throws SQLException;
    }

    private final Schema schema;
    private final Reader[] readers;

    ColumnMapper(ResultSetMetaData meta, String schemaName, NumericMapping numericMapping, ZoneId zone)
            throws SQLException {
        SchemaBuilder builder = SchemaBuilder.struct();
        if (schemaName != null) {
            builder.name(schemaName);
        }
        int n = meta.getColumnCount();
        readers = new Reader[n];
        for (int i = 1; i <= n; i++) {
            boolean optional = meta.isNullable(i) != DatabaseMetaData.columnNoNulls;
            Column column = column(meta.getColumnTypeName(i).toLowerCase(Locale.ROOT), meta.getColumnType(i),
                    meta.getPrecision(i), meta.getScale(i), numericMapping, zone);
            Schema fieldSchema = optional ? optional(column.schema) : column.schema;
            builder.field(meta.getColumnLabel(i), fieldSchema);
            readers[i - 1] = column.reader;
        }
        schema = builder.build();
    }

    private record Column(Schema schema, Reader reader) {
    }

    Schema schema() {
        return schema;
    }

    Struct read(ResultSet rs) throws SQLException {
        Struct struct = new Struct(schema);
        for (int i = 0; i < readers.length; i++) {
            Object v = readers[i].read(rs, i + 1);
            if (v != null) {
                struct.put(schema.fields().get(i), v);
            }
        }
        return struct;
    }

    private static Schema optional(Schema schema) {
        SchemaBuilder b = new SchemaBuilder(schema.type());
        if (schema.name() != null) {
            b.name(schema.name());
        }
        if (schema.parameters() != null) {
            b.parameters(schema.parameters());
        }
        if (schema.type() == Schema.Type.ARRAY) {
            b = SchemaBuilder.array(schema.valueSchema());
        }
        if (schema.version() != null) {
            b.version(schema.version());
        }
        return b.optional().build();
    }

    private static Column column(String typeName, int jdbcType, int precision, int scale, NumericMapping mapping,
                                 ZoneId zone) {
        switch (typeName) {
            case "tinyint":
                // the driver reports TINYINT(1), MySQL's boolean, as BIT or BOOLEAN
                if (jdbcType == Types.BIT || jdbcType == Types.BOOLEAN) {
                    break;
                }
                return new Column(Schema.INT8_SCHEMA, (rs, i) -> nullable(rs, rs.getByte(i)));
            case "int2", "smallint", "tinyint unsigned":
                return new Column(Schema.INT16_SCHEMA, (rs, i) -> nullable(rs, (short) rs.getInt(i)));
            case "int4", "serial", "integer", "int", "mediumint", "smallint unsigned", "mediumint unsigned":
                return new Column(Schema.INT32_SCHEMA, (rs, i) -> nullable(rs, rs.getInt(i)));
            case "int8", "bigserial", "bigint", "int unsigned":
                return new Column(Schema.INT64_SCHEMA, (rs, i) -> nullable(rs, rs.getLong(i)));
            case "float4", "real", "float":
                return new Column(Schema.FLOAT32_SCHEMA, (rs, i) -> nullable(rs, rs.getFloat(i)));
            case "float8", "double precision", "double":
                return new Column(Schema.FLOAT64_SCHEMA, (rs, i) -> nullable(rs, rs.getDouble(i)));
            case "bool", "boolean":
                return new Column(Schema.BOOLEAN_SCHEMA, (rs, i) -> nullable(rs, rs.getBoolean(i)));
            case "numeric", "decimal":
                return numeric(precision, scale, mapping);
            case "bytea":
                return new Column(Schema.BYTES_SCHEMA, ResultSet::getBytes);
            case "date":
                return new Column(Date.SCHEMA, (rs, i) -> {
                    LocalDate d = rs.getObject(i, LocalDate.class);
                    return d == null ? null : new java.util.Date(d.toEpochDay() * 86_400_000L);
                });
            case "time":
                return new Column(Time.SCHEMA, (rs, i) -> {
                    LocalTime t = rs.getObject(i, LocalTime.class);
                    return t == null ? null : new java.util.Date(t.toNanoOfDay() / 1_000_000L);
                });
            case "timestamptz":
                return new Column(Timestamp.SCHEMA, (rs, i) -> {
                    OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                    return t == null ? null : java.util.Date.from(t.toInstant());
                });
            case "timestamp", "datetime":
                return new Column(Timestamp.SCHEMA, (rs, i) -> {
                    LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                    return t == null ? null : java.util.Date.from(t.atZone(zone).toInstant());
                });
            default:
                break;
        }
        if (typeName.startsWith("_") || jdbcType == Types.ARRAY) {
            return array(typeName.startsWith("_") ? typeName.substring(1) : typeName);
        }
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT -> new Column(Schema.INT16_SCHEMA,
                    (rs, i) -> nullable(rs, (short) rs.getInt(i)));
            case Types.INTEGER -> new Column(Schema.INT32_SCHEMA, (rs, i) -> nullable(rs, rs.getInt(i)));
            case Types.BIGINT -> new Column(Schema.INT64_SCHEMA, (rs, i) -> nullable(rs, rs.getLong(i)));
            case Types.REAL -> new Column(Schema.FLOAT32_SCHEMA, (rs, i) -> nullable(rs, rs.getFloat(i)));
            case Types.FLOAT, Types.DOUBLE -> new Column(Schema.FLOAT64_SCHEMA, (rs, i) -> nullable(rs, rs.getDouble(i)));
            // MySQL's TINYINT(1) and BIT(1) are how it spells boolean
            case Types.BOOLEAN, Types.BIT -> precision <= 1
                    ? new Column(Schema.BOOLEAN_SCHEMA, (rs, i) -> nullable(rs, rs.getBoolean(i)))
                    : new Column(Schema.BYTES_SCHEMA, ResultSet::getBytes);
            case Types.DATE -> column("date", jdbcType, precision, scale, mapping, zone);
            case Types.TIME -> column("time", jdbcType, precision, scale, mapping, zone);
            case Types.TIMESTAMP -> column("timestamp", jdbcType, precision, scale, mapping, zone);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                    new Column(Schema.BYTES_SCHEMA, ResultSet::getBytes);
            case Types.DECIMAL, Types.NUMERIC -> numeric(precision, scale, mapping);
            // text, varchar, char, uuid, json, jsonb, enums, xml, intervals...: their text form
            default -> new Column(Schema.STRING_SCHEMA, ResultSet::getString);
        };
    }

    private static Object nullable(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    private static Column numeric(int precision, int scale, NumericMapping mapping) {
        // NUMERIC without precision (PostgreSQL reports 0 or its maximum): no fixed scale fits every value
        boolean unconstrained = precision <= 0 || precision > 1000;
        if (unconstrained) {
            return mapping == NumericMapping.BEST_FIT
                    ? new Column(Schema.FLOAT64_SCHEMA, (rs, i) -> nullable(rs, rs.getDouble(i)))
                    : new Column(Schema.STRING_SCHEMA, (rs, i) -> {
                        BigDecimal d = rs.getBigDecimal(i);
                        return d == null ? null : d.toPlainString();
                    });
        }
        if (mapping != NumericMapping.NONE && scale <= 0 && precision < 19) {
            if (precision < 3) {
                return new Column(Schema.INT8_SCHEMA, (rs, i) -> nullable(rs, rs.getByte(i)));
            }
            if (precision < 5) {
                return new Column(Schema.INT16_SCHEMA, (rs, i) -> nullable(rs, rs.getShort(i)));
            }
            if (precision < 10) {
                return new Column(Schema.INT32_SCHEMA, (rs, i) -> nullable(rs, rs.getInt(i)));
            }
            return new Column(Schema.INT64_SCHEMA, (rs, i) -> nullable(rs, rs.getLong(i)));
        }
        if (mapping == NumericMapping.BEST_FIT && scale > 0 && precision < 19) {
            return new Column(Schema.FLOAT64_SCHEMA, (rs, i) -> nullable(rs, rs.getDouble(i)));
        }
        int s = Math.max(scale, 0);
        return new Column(Decimal.schema(s), (rs, i) -> {
            BigDecimal d = rs.getBigDecimal(i);
            return d == null ? null : d.setScale(s, RoundingMode.UNNECESSARY);
        });
    }

    private static Column array(String elementType) {
        Schema element;
        switch (elementType) {
            case "int2" -> element = Schema.OPTIONAL_INT16_SCHEMA;
            case "int4" -> element = Schema.OPTIONAL_INT32_SCHEMA;
            case "int8" -> element = Schema.OPTIONAL_INT64_SCHEMA;
            case "float4" -> element = Schema.OPTIONAL_FLOAT32_SCHEMA;
            case "float8" -> element = Schema.OPTIONAL_FLOAT64_SCHEMA;
            case "bool" -> element = Schema.OPTIONAL_BOOLEAN_SCHEMA;
            default -> element = Schema.OPTIONAL_STRING_SCHEMA;
        }
        Schema arraySchema = SchemaBuilder.array(element).build();
        Schema.Type type = element.type();
        return new Column(arraySchema, (rs, i) -> {
            Array array = rs.getArray(i);
            if (array == null) {
                return null;
            }
            Object[] values = (Object[]) array.getArray();
            List<Object> out = new ArrayList<>(values.length);
            for (Object v : values) {
                out.add(v == null ? null : switch (type) {
                    case INT16 -> ((Number) v).shortValue();
                    case INT32 -> ((Number) v).intValue();
                    case INT64 -> ((Number) v).longValue();
                    case FLOAT32 -> ((Number) v).floatValue();
                    case FLOAT64 -> ((Number) v).doubleValue();
                    case BOOLEAN -> v;
                    default -> v.toString();
                });
            }
            array.free();
            return out;
        });
    }
}
