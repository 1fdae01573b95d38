package io.sluice.jdbc.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * What a sink column stands for beyond its Connect type: Connect's logical types and those Debezium's connectors (and
 * Sluice's CDC source) name, e.g. a date sent as days since the epoch in an int32, or an unconstrained numeric as a
 * {scale, value} struct. Dialects choose column types by it, and {@link #value} gives the one Java value (BigDecimal,
 * java.time) that every dialect binds or writes in COPY text, so each encoding is defined once.
 */
public enum LogicalType {
    /** No logical meaning: the Connect type says it all. */
    NONE,
    /** Connect's Decimal (scale, optional precision) or Debezium's VariableScaleDecimal struct. */
    DECIMAL,
    /** Connect's Date, or Debezium's Date (int32 days since the epoch). */
    DATE,
    /** Connect's Time, or Debezium's Time (int32 ms), MicroTime and NanoTime (int64) of the day. */
    TIME,
    /** Connect's Timestamp: an instant, written as wall-clock time in db.timezone. */
    TIMESTAMP,
    /** Debezium's Timestamp (ms), MicroTimestamp, NanoTimestamp: a wall-clock time without zone (SQL timestamp). */
    LOCAL_TIMESTAMP,
    /** Debezium's ZonedTimestamp: an ISO 8601 string with an offset (SQL timestamptz). */
    ZONED_TIMESTAMP,
    /** Debezium's ZonedTime: an ISO 8601 time with an offset (SQL timetz). */
    ZONED_TIME,
    /** Debezium's Uuid string. */
    UUID,
    /** Debezium's Json string (json and jsonb columns). */
    JSON,
    /** Debezium's Xml string. */
    XML,
    /** Debezium's Bits: little-endian bytes of a bit string of the length parameter. */
    BITS,
    /** Debezium's MicroDuration (int64 microseconds) or Interval (ISO 8601 string). */
    INTERVAL;

    /** Whether every dialect has a column type for it and binds its {@link #value}; the others are PostgreSQL's. */
    public boolean portable() {
        return switch (this) {
            case DECIMAL, DATE, TIME, TIMESTAMP, LOCAL_TIMESTAMP, ZONED_TIMESTAMP -> true;
            default -> false;
        };
    }

    private static final String DEBEZIUM_VARIABLE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
    private static final String CONNECT_PRECISION = "connect.decimal.precision";
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private static final Map<String, LogicalType> BY_NAME = Map.ofEntries(
            Map.entry(Decimal.LOGICAL_NAME, DECIMAL), Map.entry(DEBEZIUM_VARIABLE_DECIMAL, DECIMAL),
            Map.entry(Date.LOGICAL_NAME, DATE), Map.entry("io.debezium.time.Date", DATE),
            Map.entry(Time.LOGICAL_NAME, TIME), Map.entry("io.debezium.time.Time", TIME),
            Map.entry("io.debezium.time.MicroTime", TIME), Map.entry("io.debezium.time.NanoTime", TIME),
            Map.entry(Timestamp.LOGICAL_NAME, TIMESTAMP),
            Map.entry("io.debezium.time.Timestamp", LOCAL_TIMESTAMP),
            Map.entry("io.debezium.time.MicroTimestamp", LOCAL_TIMESTAMP),
            Map.entry("io.debezium.time.NanoTimestamp", LOCAL_TIMESTAMP),
            Map.entry("io.debezium.time.ZonedTimestamp", ZONED_TIMESTAMP),
            Map.entry("io.debezium.time.ZonedTime", ZONED_TIME), Map.entry("io.debezium.data.Uuid", UUID),
            Map.entry("io.debezium.data.Json", JSON), Map.entry("io.debezium.data.Xml", XML),
            Map.entry("io.debezium.data.Bits", BITS), Map.entry("io.debezium.time.MicroDuration", INTERVAL),
            Map.entry("io.debezium.time.Interval", INTERVAL));

    /** The logical type a schema names, NONE for a plain one or a name this sink gives no meaning. */
    public static LogicalType of(Schema schema) {
        return schema.name() == null ? NONE : BY_NAME.getOrDefault(schema.name(), NONE);
    }

    /** A Decimal's declared precision (Connect's connect.decimal.precision parameter), or -1 when it has none. */
    public static int precision(Schema decimal) {
        String p = decimal.parameters() == null ? null : decimal.parameters().get(CONNECT_PRECISION);
        return p == null ? -1 : Integer.parseInt(p);
    }

    /** A Connect Decimal's scale, or -1 for Debezium's variable-scale struct. */
    public static int scale(Schema decimal) {
        if (decimal.type() == Schema.Type.STRUCT) {
            return -1;
        }
        String scale = decimal.parameters() == null ? null : decimal.parameters().get(Decimal.SCALE_FIELD);
        return scale == null ? 0 : Integer.parseInt(scale);
    }

    /** Digits of fractional seconds a time or timestamp carries: 3 for milliseconds, 6 for finer ones. */
    public static int fractionDigits(Schema schema) {
        String name = schema.name();
        return Time.LOGICAL_NAME.equals(name) || Timestamp.LOGICAL_NAME.equals(name)
                || "io.debezium.time.Time".equals(name) || "io.debezium.time.Timestamp".equals(name) ? 3 : 6;
    }

    /** A Bits schema's length in bits, or -1 when it declares none (or an unbounded one). */
    public static int bitLength(Schema bits) {
        return positive(parameter(bits, "length"));
    }

    /**
     * Whether a Bits schema stands for a varying bit string: unbounded, or marked VARBIT by Debezium's propagated
     * source type ({@code column.propagate.source.type}). Debezium's Bits alone does not tell bit(n) from varbit(n).
     */
    public static boolean varyingBits(Schema bits) {
        return bitLength(bits) < 0 || "VARBIT".equalsIgnoreCase(parameter(bits, "__debezium.source.column.type"));
    }

    private static String parameter(Schema schema, String name) {
        return schema.parameters() == null ? null : schema.parameters().get(name);
    }

    private static int positive(String number) {
        long n = number == null ? -1 : Long.parseLong(number);
        return n <= 0 || n >= Integer.MAX_VALUE ? -1 : (int) n;
    }

    /**
     * The value as the database should receive it: BigDecimal for decimals; LocalDate, LocalTime and LocalDateTime
     * (the MIN/MAX ones standing for -infinity/infinity, as pgjdbc reads them) for temporal types, timestamps with a
     * zone as wall-clock time in the session's zone; Bits and MicroDuration as PostgreSQL's input text; strings as
     * they are.
     */
    public static Object value(Schema schema, Object v, ZoneId zone) {
        String name = schema.name();
        return switch (of(schema)) {
            case DECIMAL -> v instanceof Struct s ? new BigDecimal(new BigInteger(AnsiDialect.bytes(s.get("value"))),
                    s.getInt32("scale")) : v;
            case DATE -> v instanceof java.util.Date d ? d.toInstant().atOffset(ZoneOffset.UTC).toLocalDate()
                    : epochDay((Integer) v);
            case TIME -> v instanceof java.util.Date d ? LocalTime.ofNanoOfDay(Math.floorMod(d.getTime(), 86_400_000L)
                    * 1_000_000L) : localTime(name, ((Number) v).longValue());
            case TIMESTAMP -> infinity((java.util.Date) v) != null ? infinity((java.util.Date) v)
                    : LocalDateTime.ofInstant(((java.util.Date) v).toInstant(), zone);
            case LOCAL_TIMESTAMP -> localDateTime(name, (Long) v);
            case ZONED_TIMESTAMP -> zoned((String) v, zone);
            case BITS -> bitText(schema, AnsiDialect.bytes(v));
            case INTERVAL -> v instanceof Long micros ? micros + " microseconds" : v;
            default -> v;
        };
    }

    /**
     * The value as PostgreSQL's input text: a zoned timestamp as it came, a Connect Timestamp as db.timezone's
     * wall-clock time with that zone's offset at the instant (both with their offset: wall-clock time alone, in a
     * zone with daylight saving, would be ambiguous for the repeated hour and shift a timestamptz by an hour; a
     * timestamp column ignores the offset and keeps the wall-clock time), the others as {@link #text} of their value.
     */
    static String postgresText(Schema schema, Object v, ZoneId zone) {
        return switch (of(schema)) {
            case ZONED_TIMESTAMP -> postgresYear((String) v);
            case TIMESTAMP -> infinity((java.util.Date) v) != null ? text(infinity((java.util.Date) v))
                    : postgresYear(((java.util.Date) v).toInstant().atZone(zone).toOffsetDateTime()
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            default -> text(value(schema, v, zone));
        };
    }

    /**
     * ISO 8601's signed years in PostgreSQL's words: {@code +294276-...} without the sign, year 0 and before as
     * {@code ... BC} (ISO -4712 is 4713 BC), which PostgreSQL's input reads where it refuses a signed year.
     */
    static String postgresYear(String iso) {
        if (iso.startsWith("+")) {
            return iso.substring(1);
        }
        int dash = iso.indexOf('-', 1);
        if (dash < 4 || !iso.substring(iso.startsWith("-") ? 1 : 0, dash).chars().allMatch(Character::isDigit)) {
            return iso; // infinity, -infinity
        }
        long year = Long.parseLong(iso.substring(0, dash));
        return year > 0 ? iso : String.format("%04d", 1 - year) + iso.substring(dash) + " BC";
    }

    /** Whether PostgreSQL gets the value as untyped text ({@link #postgresText}), not as a typed parameter. */
    static boolean postgresTextual(LogicalType type) {
        return type == BITS || type == INTERVAL || type == ZONED_TIMESTAMP || type == TIMESTAMP;
    }

    /**
     * PostgreSQL's input text of a {@link #value}: infinities by name, dates and timestamps outside years 1-9999 in
     * {@link #postgresYear}'s words (the text an array element or a COPY column gets must read as the typed parameter
     * a single value binds does), the others as java.time prints them.
     */
    static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value == LocalDate.MAX || value == LocalDateTime.MAX) {
            return "infinity";
        }
        if (value == LocalDate.MIN || value == LocalDateTime.MIN) {
            return "-infinity";
        }
        if (value instanceof LocalDate d && (d.getYear() < 1 || d.getYear() > 9999)
                || value instanceof LocalDateTime t && (t.getYear() < 1 || t.getYear() > 9999)) {
            return postgresYear(value.toString());
        }
        return value.toString();
    }

    /** A Connect Timestamp at the extreme longs (PostgreSQL's infinities from a CDC source), else null. */
    private static LocalDateTime infinity(java.util.Date d) {
        return d.getTime() == Long.MAX_VALUE ? LocalDateTime.MAX : d.getTime() == Long.MIN_VALUE ? LocalDateTime.MIN
                : null;
    }

    private static LocalDate epochDay(int days) {
        // Debezium's CDC sends PostgreSQL's infinities as the extreme ints
        return days == Integer.MAX_VALUE ? LocalDate.MAX : days == Integer.MIN_VALUE ? LocalDate.MIN
                : LocalDate.ofEpochDay(days);
    }

    private static LocalTime localTime(String name, long v) {
        long nanos = switch (name) {
            case "io.debezium.time.Time" -> v * 1_000_000L;
            case "io.debezium.time.MicroTime" -> v * 1_000L;
            default -> v;
        };
        // PostgreSQL's 24:00:00 is the end of the day, which LocalTime cannot hold
        return nanos >= MICROS_PER_DAY * 1_000L ? LocalTime.MAX : LocalTime.ofNanoOfDay(nanos);
    }

    private static LocalDateTime localDateTime(String name, long v) {
        if (v == Long.MAX_VALUE) {
            return LocalDateTime.MAX;
        }
        if (v == Long.MIN_VALUE) {
            return LocalDateTime.MIN;
        }
        long nanosPerUnit = switch (name) {
            case "io.debezium.time.Timestamp" -> 1_000_000L;
            case "io.debezium.time.MicroTimestamp" -> 1_000L;
            default -> 1L;
        };
        long perSecond = 1_000_000_000L / nanosPerUnit;
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(v, perSecond), Math.floorMod(v, perSecond) * nanosPerUnit);
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static int highestSetBit(byte[] littleEndian) {
        for (int b = littleEndian.length - 1; b >= 0; b--) {
            if (littleEndian[b] != 0) {
                return b * 8 + 31 - Integer.numberOfLeadingZeros(littleEndian[b] & 0xFF);
            }
        }
        return -1;
    }

    private static Object zoned(String iso, ZoneId zone) {
        return switch (iso) {
            case "infinity" -> LocalDateTime.MAX;
            case "-infinity" -> LocalDateTime.MIN;
            default -> LocalDateTime.ofInstant(OffsetDateTime.parse(iso).toInstant(), zone);
        };
    }

    /**
     * Debezium's Bits: bit 0 is the rightmost character, bytes little-endian. A bit(n) value gets its leading zeros
     * back from the length; a varying one is written from its highest set bit (its own length is not in the value).
     */
    private static String bitText(Schema schema, byte[] bytes) {
        int length = bitLength(schema);
        int n = length > 0 && !varyingBits(schema) ? length : Math.max(1, highestSetBit(bytes) + 1);
        StringBuilder text = new StringBuilder(n);
        for (int i = n - 1; i >= 0; i--) {
            int b = i / 8;
            text.append(b < bytes.length && (bytes[b] >> (i % 8) & 1) == 1 ? '1' : '0');
        }
        return text.toString();
    }
}
