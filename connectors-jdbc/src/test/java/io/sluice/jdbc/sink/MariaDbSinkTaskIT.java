package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.MariaDbDatabase;
import io.sluice.jdbc.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink task through the MySQL/MariaDB dialect against a real MariaDB server. */
class MariaDbSinkTaskIT extends SinkTaskBehaviour {

    @RegisterExtension
    static final MariaDbDatabase db = new MariaDbDatabase("sink");

    @Override
    TestDatabase db() {
        return db;
    }

    private Object columnType(String table, String column) {
        return db.scalar("SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() "
                + "AND table_name = '" + table + "' AND column_name = '" + column + "'");
    }

    @Test
    void insertModeAutoCreatesATableOfMySqlTypesAndEveryConnectTypeRoundTrips() {
        Schema schema = SchemaBuilder.struct().name("AllTypes")
                .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA)
                .field("i32", Schema.INT32_SCHEMA).field("i64", Schema.INT64_SCHEMA)
                .field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
                .field("flag", Schema.BOOLEAN_SCHEMA).field("text", Schema.STRING_SCHEMA)
                .field("raw", Schema.BYTES_SCHEMA).field("money", Decimal.schema(3))
                .field("day", Date.SCHEMA).field("clock", Time.SCHEMA).field("at", Timestamp.SCHEMA)
                .field("maybe", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        java.util.Date day = java.util.Date.from(LocalDate.of(2024, 2, 29).atStartOfDay().toInstant(ZoneOffset.UTC));
        java.util.Date clock = new java.util.Date(LocalTime.of(13, 45, 1, 123_000_000).toNanoOfDay() / 1_000_000);
        java.util.Date at = java.util.Date.from(OffsetDateTime.of(2024, 3, 1, 23, 59, 59, 999_000_000,
                ZoneOffset.UTC).toInstant());
        Struct value = new Struct(schema).put("i8", (byte) -8).put("i16", (short) 16000).put("i32", 2_000_000_000)
                .put("i64", Long.MAX_VALUE).put("f32", 1.5f).put("f64", -2.25e300).put("flag", true)
                .put("text", "tab\there\nnewline \\ back `tick` \"quote\" 'single' ünï 😀")
                .put("raw", new byte[] {0, 1, -1, 92})
                .put("money", new BigDecimal("-12345678901234567890.123")).put("day", day).put("clock", clock)
                .put("at", at).put("maybe", null);

        task().put(List.of(record("all_types", null, null, schema, value)));

        List<Object> row = db.query("SELECT i8, i16, i32, i64, f32, f64, flag, text, raw, money, day, "
                + "CAST(clock AS CHAR), at, maybe FROM all_types").get(0);
        assertEquals(List.of(-8, 16000, 2_000_000_000, Long.MAX_VALUE, 1.5f, -2.25e300),
                List.of(((Number) row.get(0)).intValue(), ((Number) row.get(1)).intValue(), row.get(2), row.get(3),
                        row.get(4), row.get(5)));
        assertEquals(true, row.get(6));
        assertEquals("tab\there\nnewline \\ back `tick` \"quote\" 'single' ünï 😀", row.get(7));
        assertArrayEquals(new byte[] {0, 1, -1, 92}, (byte[]) row.get(8));
        assertEquals(new BigDecimal("-12345678901234567890.123"), row.get(9));
        assertEquals(java.sql.Date.valueOf("2024-02-29"), row.get(10));
        assertEquals("13:45:01.123", row.get(11));
        assertEquals(LocalDateTime.of(2024, 3, 1, 23, 59, 59, 999_000_000),
                ((java.sql.Timestamp) row.get(12)).toLocalDateTime(), "db.timezone UTC: UTC wall-clock time");
        assertEquals(null, row.get(13));
        assertEquals("tinyint(4)", columnType("all_types", "i8"));
        assertEquals("bigint(20)", columnType("all_types", "i64"));
        assertEquals("decimal(65,3)", columnType("all_types", "money"));
        assertEquals("datetime(3)", columnType("all_types", "at"));
    }

    @Test
    void autoEvolveAddsNullableColumnsAndWidensIntegersKeepingNotNull() {
        Schema v1 = SchemaBuilder.struct().name("V").field("id", Schema.INT32_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("V").field("id", Schema.INT64_SCHEMA)
                .field("note", Schema.STRING_SCHEMA).build();
        JdbcSinkTask task = task("auto.evolve", "true");
        task.put(List.of(record("evolving", null, null, v1, new Struct(v1).put("id", 1))));
        assertEquals("int(11)", columnType("evolving", "id"));
        task.put(List.of(record("evolving", null, null, v2, new Struct(v2).put("id", 5_000_000_000L).put("note", "n"))));
        assertEquals(List.of(Arrays.asList(1L, null), List.of(5_000_000_000L, "n")),
                db.query("SELECT id, note FROM evolving ORDER BY id"));
        assertEquals("bigint(20)", columnType("evolving", "id"));
        assertEquals("NO", db.scalar("SELECT is_nullable FROM information_schema.columns WHERE table_schema = "
                + "DATABASE() AND table_name = 'evolving' AND column_name = 'id'"));
        assertEquals("YES", db.scalar("SELECT is_nullable FROM information_schema.columns WHERE table_schema = "
                + "DATABASE() AND table_name = 'evolving' AND column_name = 'note'"));
    }

    @Test
    void hostileTopicTableAndFieldNamesAreBacktickQuotedNeverExecuted() {
        db.execute("CREATE TABLE victim (id int)");
        Schema schema = SchemaBuilder.struct()
                .field("id`; DROP TABLE victim; --", Schema.INT32_SCHEMA)
                .field("Mixed Case", Schema.STRING_SCHEMA)
                .field("select", Schema.STRING_SCHEMA)
                .build();
        Struct value = new Struct(schema).put("id`; DROP TABLE victim; --", 1).put("Mixed Case", "x")
                .put("select", "y");
        task("insert.mode", "upsert", "pk.mode", "record_value", "pk.fields", "id`; DROP TABLE victim; --",
                "table.name.format", "t`; DROP TABLE victim; --${topic}")
                .put(List.of(record("odd-topic_%", null, null, schema, value)));
        assertEquals(0L, db.scalar("SELECT count(*) FROM victim"), "victim table still exists");
        assertEquals(List.of(List.of(1, "x", "y")), db.query("SELECT * FROM `t``; DROP TABLE victim; --odd-topic_%`"));
        assertEquals(List.of("id`; DROP TABLE victim; --", "Mixed Case", "select"), db.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
                        + "AND table_name LIKE 't`%' ORDER BY ordinal_position").stream().map(r -> r.get(0)).toList());
    }

    @Test
    void timestampsAreWrittenAsWallClockTimeInDbTimezone() {
        Schema schema = SchemaBuilder.struct().field("at", Timestamp.SCHEMA).build();
        java.util.Date at = java.util.Date.from(OffsetDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneOffset.UTC).toInstant());
        task("db.timezone", "Asia/Kolkata").put(List.of(record("zoned", null, null, schema,
                new Struct(schema).put("at", at))));
        assertEquals("2024-07-01 17:30:00.000", db.scalar("SELECT CAST(at AS CHAR) FROM zoned"));
    }
}
