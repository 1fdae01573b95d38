package io.sluice.jdbc.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * Debezium's logical types as the sink reads them: the column type each dialect creates for them and the value it
 * writes, so that a replica built from CDC events has the source's types (not integers and text) and exact values.
 */
class LogicalTypeTest {
    private static final Schema VARIABLE_DECIMAL = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
            .version(1).field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();
    private static final Schema DATE = named(SchemaBuilder.int32(), "io.debezium.time.Date");
    private static final Schema TIME_MS = named(SchemaBuilder.int32(), "io.debezium.time.Time");
    private static final Schema MICRO_TIME = named(SchemaBuilder.int64(), "io.debezium.time.MicroTime");
    private static final Schema TIMESTAMP_MS = named(SchemaBuilder.int64(), "io.debezium.time.Timestamp");
    private static final Schema MICRO_TIMESTAMP = named(SchemaBuilder.int64(), "io.debezium.time.MicroTimestamp");
    private static final Schema NANO_TIMESTAMP = named(SchemaBuilder.int64(), "io.debezium.time.NanoTimestamp");
    private static final Schema ZONED_TIMESTAMP = named(SchemaBuilder.string(), "io.debezium.time.ZonedTimestamp");
    private static final Schema ZONED_TIME = named(SchemaBuilder.string(), "io.debezium.time.ZonedTime");
    private static final Schema UUID = named(SchemaBuilder.string(), "io.debezium.data.Uuid");
    private static final Schema JSON = named(SchemaBuilder.string(), "io.debezium.data.Json");
    private static final Schema BITS = named(SchemaBuilder.bytes().parameter("length", "10"), "io.debezium.data.Bits");
    private static final Schema MICRO_DURATION = named(SchemaBuilder.int64(), "io.debezium.time.MicroDuration");
    private static final Schema NUMERIC_10_3 = Decimal.builder(3).parameter("connect.decimal.precision", "10")
            .optional().build();

    private static Schema named(SchemaBuilder builder, String name) {
        return builder.name(name).version(1).optional().build();
    }

    @Test
    void postgresCreatesTheColumnTypeTheEventCameFrom() {
        PostgresDialect pg = new PostgresDialect(ZoneOffset.UTC);
        List<Schema> schemas = List.of(VARIABLE_DECIMAL, NUMERIC_10_3, Decimal.schema(2), DATE, TIME_MS, MICRO_TIME,
                TIMESTAMP_MS, MICRO_TIMESTAMP, NANO_TIMESTAMP, ZONED_TIMESTAMP, ZONED_TIME, UUID, JSON, BITS,
                MICRO_DURATION, SchemaBuilder.array(DATE).build());
        assertEquals(List.of("numeric", "numeric(10,3)", "numeric", "date", "time(3)", "time", "timestamp(3)",
                "timestamp", "timestamp", "timestamptz", "timetz", "uuid", "jsonb", "bit(10)", "interval", "date[]"),
                schemas.stream().map(s -> pg.sqlType(s, false)).toList());
    }

    @Test
    void mysqlCreatesTheNearestColumnTypes() {
        MySqlDialect mysql = new MySqlDialect(ZoneOffset.UTC);
        List<Schema> schemas = List.of(VARIABLE_DECIMAL, NUMERIC_10_3, DATE, MICRO_TIME, TIMESTAMP_MS,
                MICRO_TIMESTAMP, ZONED_TIMESTAMP, JSON, UUID);
        assertEquals(List.of("DECIMAL(65,30)", "DECIMAL(10,3)", "DATE", "TIME(6)", "DATETIME(3)", "DATETIME(6)",
                "DATETIME(6)", "JSON", "TEXT"), schemas.stream().map(s -> mysql.sqlType(s, false)).toList());
    }

    @Test
    void valuesAreWrittenInPostgresInputSyntaxWithTheirExactValue() {
        List<SinkColumn> columns = List.of(new SinkColumn("n", VARIABLE_DECIMAL, false),
                new SinkColumn("d", DATE, false), new SinkColumn("t", TIME_MS, false),
                new SinkColumn("mt", MICRO_TIME, false), new SinkColumn("ts", MICRO_TIMESTAMP, false),
                new SinkColumn("nts", NANO_TIMESTAMP, false), new SinkColumn("z", ZONED_TIMESTAMP, false),
                new SinkColumn("b", BITS, false), new SinkColumn("i", MICRO_DURATION, false));
        BigDecimal exact = new BigDecimal("-12345678901234567890.123456789");
        Struct decimal = new Struct(VARIABLE_DECIMAL).put("scale", exact.scale())
                .put("value", exact.unscaledValue().toByteArray());
        Object[] row = {decimal, 19_782, 47_655_123, 47_655_123_456L, -2_208_988_799_999_999L,
                1_709_212_455_123_456_789L, "2024-02-29T11:14:15.123456Z", new byte[] {0b101, 0b10}, 3_600_000_001L};
        Object[] infinite = {null, Integer.MAX_VALUE, null, null, Long.MIN_VALUE, null, "infinity", null, null};
        String text = new String(new CopyTextEncoder(ZoneId.of("Europe/Paris")).encode(columns,
                Arrays.asList(row, infinite)), StandardCharsets.UTF_8);
        assertEquals("-12345678901234567890.123456789\t2024-02-29\t13:14:15.123\t13:14:15.123456\t"
                + "1900-01-01T00:00:00.000001\t2024-02-29T13:14:15.123456789\t2024-02-29T11:14:15.123456Z\t"
                + "1000000101\t3600000001 microseconds\n"
                + "\\N\tinfinity\t\\N\t\\N\t-infinity\t\\N\tinfinity\t\\N\t\\N\n", text);
    }

    @Test
    void arrayElementsBeforeYearOneOrAfterYear9999AreWrittenInPostgresWordsAsSingleValuesAre() {
        ZoneId utc = ZoneOffset.UTC;
        // 4713-01-01 BC, the first day PostgreSQL holds, and its last date in year 5874897
        assertEquals("4713-01-01 BC", CopyTextEncoder.plainText(DATE, -2_440_550, utc));
        assertEquals("5874897-12-31", CopyTextEncoder.plainText(DATE, 2_145_042_905, utc));
        assertEquals("0001-12-31T23:59:59.999999 BC",
                CopyTextEncoder.plainText(MICRO_TIMESTAMP, -62_135_596_800_000_001L, utc));
        assertEquals("294276-12-31T23:59:59.999", CopyTextEncoder.plainText(TIMESTAMP_MS, 9_224_318_015_999_999L, utc));
        assertEquals("1999-12-31T23:59:59.999", CopyTextEncoder.plainText(TIMESTAMP_MS, 946_684_799_999L, utc));
    }

    @Test
    void varyingBitStringsGetBitVaryingAndOnlyTheirOwnDigits() {
        Schema unbounded = named(SchemaBuilder.bytes().parameter("length", String.valueOf(Integer.MAX_VALUE)),
                "io.debezium.data.Bits");
        Schema varbit10 = named(SchemaBuilder.bytes().parameter("length", "10")
                .parameter("__debezium.source.column.type", "VARBIT")
                .parameter("__debezium.source.column.length", "10"), "io.debezium.data.Bits");
        PostgresDialect pg = new PostgresDialect(ZoneOffset.UTC);
        assertEquals(List.of("bit varying", "bit varying(10)", "bit(10)"),
                Stream.of(unbounded, varbit10, BITS).map(s -> pg.sqlType(s, false)).toList());
        List<SinkColumn> columns = List.of(new SinkColumn("u", unbounded, false),
                new SinkColumn("v", varbit10, false), new SinkColumn("b", BITS, false));
        Object[] small = {new byte[] {0b101}, new byte[] {0b101}, new byte[] {0b101}};
        Object[] wide = {new byte[] {0, 0, 1}, new byte[] {(byte) 0xFF, 0b11}, new byte[0]};
        assertEquals("101\t101\t0000000101\n10000000000000000\t1111111111\t0000000000\n",
                new String(new CopyTextEncoder(ZoneOffset.UTC).encode(columns, Arrays.asList(small, wide)),
                        StandardCharsets.UTF_8));
    }
}
