package io.sluice.jdbc.sink;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sluice.jdbc.dialect.ColumnDefinition;
import io.sluice.jdbc.dialect.JsonDecimal;
import io.sluice.jdbc.dialect.Utf8Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Types for schemaless values (JsonConverter with schemas.enable=false, or JSON text): a column that exists takes
 * the Connect type its SQL type stands for, and each value is converted to it; a column auto.create or auto.evolve
 * adds takes the type of the JSON value that brought it. Once typed, rows go through the same COPY and statements
 * as rows from schemas.
 *
 * <p>Conversions: integers and floats from JSON numbers or numeric strings; booleans from true/false; date and time
 * columns from epoch milliseconds (Connect's convention) or ISO 8601 text (without offset: in db.timezone); binary
 * columns from base64 text (JsonConverter's encoding of bytes); numeric and every other column (text, json, jsonb,
 * uuid, enums...) from the value's text, nested objects and arrays as their JSON text, which the database parses.
 */
final class SchemalessColumns {
    /** Debezium's MicroTime (int64 microseconds of the day), which every dialect binds as a LocalTime. */
    private static final String MICRO_TIME = "io.debezium.time.MicroTime";

    private SchemalessColumns() {
    }

    /** The Connect type standing for an existing column's SQL type. */
    static Schema schemaOf(ColumnDefinition column, boolean key) {
        SchemaBuilder builder = switch (column.jdbcType()) {
            case Types.BIT, Types.BOOLEAN -> SchemaBuilder.bool();
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> SchemaBuilder.int64();
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> SchemaBuilder.float64();
            case Types.DATE -> Date.builder();
            // microseconds of the day: Connect's Time (a java.util.Date) would keep only milliseconds of ISO text
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> SchemaBuilder.int64().name(MICRO_TIME);
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> Timestamp.builder();
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> SchemaBuilder.bytes();
            default -> SchemaBuilder.string();
        };
        if (!key && column.nullable()) {
            builder.optional();
        }
        return builder.build();
    }

    /** The Connect type of a column auto.create or auto.evolve adds for a member first seen with this value. */
    static Schema inferred(Object value, boolean key) {
        SchemaBuilder builder;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            builder = SchemaBuilder.int64();
        } else if (value instanceof Number) {
            builder = SchemaBuilder.float64();
        } else if (value instanceof Boolean) {
            builder = SchemaBuilder.bool();
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            builder = SchemaBuilder.bytes();
        } else {
            builder = SchemaBuilder.string();
        }
        return key ? builder.build() : builder.optional().build();
    }

    /**
     * The value as the column's Connect type expects it; throws {@link IllegalArgumentException} with what does not
     * fit (never the value itself: it may be a secret).
     */
    static Object convert(Object value, Schema schema, ZoneId zone) {
        if (value == null) {
            return null;
        }
        String logical = schema.name();
        if (value instanceof Utf8Text text) {
            if (logical == null && schema.type() == Schema.Type.STRING) {
                return text; // a text column takes the JSON string's bytes as they are
            }
            value = text.toString();
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            // a java.sql.Timestamp: still the java.util.Date a Connect Timestamp is, but its instant (what the
            // dialects write) keeps ISO text's digits past milliseconds; one class for all, so keys compare equal
            return java.sql.Timestamp.from(value instanceof Number n ? Instant.ofEpochMilli(integral(n))
                    : instant(text(value), zone));
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            long millis = value instanceof Number n ? integral(n)
                    : LocalDate.parse(text(value)).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            return new java.util.Date(Math.floorDiv(millis, 86_400_000L) * 86_400_000L);
        }
        if (MICRO_TIME.equals(logical)) {
            // a number is milliseconds of the day (Connect's convention), text an ISO time to the microsecond
            return value instanceof Number n ? Math.floorMod(integral(n), 86_400_000L) * 1_000L
                    : LocalTime.parse(text(value)).toNanoOfDay() / 1_000L;
        }
        return switch (schema.type()) {
            case INT64 -> value instanceof Long ? value // as the reader boxed it: not boxed again
                    : value instanceof Number n ? Long.valueOf(integral(n))
                    : Long.valueOf(parse(text(value)).longValueExact());
            // a JSON number's digits are already a double's text: COPY takes them, sparing a parse and a format
            case FLOAT64 -> value instanceof JsonDecimal d && d.isDoubleText() ? d
                    : value instanceof Number n ? (Object) n.doubleValue() : Double.valueOf(text(value));
            case BOOLEAN -> bool(value);
            case BYTES -> value instanceof byte[] || value instanceof ByteBuffer ? value
                    : Base64.getDecoder().decode(text(value));
            default -> value instanceof String s ? s : jsonText(value);
        };
    }

    private static long integral(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return n.longValue();
        }
        BigDecimal exact = n instanceof BigDecimal d ? d : n instanceof BigInteger b ? new BigDecimal(b)
                : new BigDecimal(n.toString());
        try {
            return exact.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a number that is not a whole number within 64 bits");
        }
    }

    private static BigDecimal parse(String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("text that is not a number");
        }
    }

    private static Boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.valueOf(s);
        }
        throw new IllegalArgumentException("a " + kind(value) + " where true or false was expected");
    }

    /** The instant of ISO 8601 text, every digit kept: with an offset as written, without one in the database's zone. */
    private static Instant instant(String text, ZoneId zone) {
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
            } catch (DateTimeParseException dateOnly) {
                return LocalDate.parse(t).atStartOfDay(zone).toInstant();
            }
        }
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("a " + kind(value) + " where text or a number was expected");
    }

    /** What a value is, for messages that must not show the value itself. */
    static String kind(Object value) {
        if (value instanceof Map<?, ?> || value instanceof Struct) {
            return "JSON object";
        }
        if (value instanceof List<?>) {
            return "JSON array";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        return value instanceof String || value instanceof Utf8Text ? "string" : "binary value";
    }

    /** A value's JSON text: what a json, jsonb or text column holds for a nested object or array. */
    static String jsonText(Object value) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value);
        return sb.toString();
    }

    private static void writeJson(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String || value instanceof Utf8Text) {
            writeJsonString(sb, value.toString());
        } else if (value instanceof Number || value instanceof Boolean) {
            sb.append(value instanceof BigDecimal d ? d.toString() : value.toString());
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeJsonString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                writeJson(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof byte[] bytes) {
            writeJsonString(sb, Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof Struct struct) {
            sb.append('{');
            boolean first = true;
            for (org.apache.kafka.connect.data.Field f : struct.schema().fields()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeJsonString(sb, f.name());
                sb.append(':');
                writeJson(sb, struct.get(f));
            }
            sb.append('}');
        } else {
            writeJsonString(sb, value.toString());
        }
    }

    /** Jackson's quoting, the one the file sink's JSON lines use too. */
    private static void writeJsonString(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
    }
}
