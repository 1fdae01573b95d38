package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestDatabase;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.StubSinkContext;
import java.math.BigDecimal;
import java.sql.Array;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink task against a real PostgreSQL: every write mode, key mode, type, DDL option and error path. */
class JdbcSinkTaskIT extends SinkTaskBehaviour {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("sinktask");

    @Override
    TestDatabase db() {
        return db;
    }

    @Test
    void insertModeAutoCreatesTableAndWritesEveryConnectTypeFaithfully() throws Exception {
        Schema schema = SchemaBuilder.struct().name("AllTypes")
                .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA)
                .field("i32", Schema.INT32_SCHEMA).field("i64", Schema.INT64_SCHEMA)
                .field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
                .field("flag", Schema.BOOLEAN_SCHEMA).field("text", Schema.STRING_SCHEMA)
                .field("raw", Schema.BYTES_SCHEMA).field("money", Decimal.schema(3))
                .field("day", Date.SCHEMA).field("clock", Time.SCHEMA).field("at", Timestamp.SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("counts", SchemaBuilder.array(Schema.INT64_SCHEMA).optional().build())
                .field("maybe", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        java.util.Date day = java.util.Date.from(LocalDate.of(2024, 2, 29).atStartOfDay().toInstant(ZoneOffset.UTC));
        java.util.Date clock = new java.util.Date(LocalTime.of(13, 45, 1, 123_000_000).toNanoOfDay() / 1_000_000);
        java.util.Date at = java.util.Date.from(OffsetDateTime.of(2024, 3, 1, 23, 59, 59, 999_000_000,
                ZoneOffset.UTC).toInstant());
        Struct value = new Struct(schema).put("i8", (byte) -8).put("i16", (short) 16000).put("i32", 2_000_000_000)
                .put("i64", Long.MAX_VALUE).put("f32", 1.5f).put("f64", -2.25e300).put("flag", true)
                .put("text", "tab\there\nnewline \\ back \"quote\" 'single' ünï").put("raw", new byte[] {0, 1, -1, 92})
                .put("money", new BigDecimal("-12345678901234567890.123")).put("day", day).put("clock", clock)
                .put("at", at).put("tags", List.of("a,b", "{c}", "\"d\"", "")).put("counts", null).put("maybe", null);

        task().put(List.of(record("all_types", null, null, schema, value)));

        List<Object> row = db.query("SELECT i8, i16, i32, i64, f32, f64, flag, text, raw, money, day, clock, "
                + "at AT TIME ZONE 'UTC', tags, counts, maybe FROM all_types").get(0);
        assertEquals(-8, row.get(0));
        assertEquals(16000, row.get(1));
        assertEquals("smallint", db.scalar("SELECT data_type FROM information_schema.columns "
                + "WHERE table_name='all_types' AND column_name='i16'"));
        assertEquals(2_000_000_000, row.get(2));
        assertEquals(Long.MAX_VALUE, row.get(3));
        assertEquals(1.5f, row.get(4));
        assertEquals(-2.25e300, row.get(5));
        assertEquals(true, row.get(6));
        assertEquals("tab\there\nnewline \\ back \"quote\" 'single' ünï", row.get(7));
        assertArrayEquals(new byte[] {0, 1, -1, 92}, (byte[]) row.get(8));
        assertEquals(new BigDecimal("-12345678901234567890.123"), row.get(9));
        assertEquals(java.sql.Date.valueOf("2024-02-29"), row.get(10));
        assertEquals("13:45:01.123", db.scalar("SELECT clock::text FROM all_types"));
        assertEquals(java.sql.Timestamp.valueOf("2024-03-01 23:59:59.999"), row.get(12));
        assertArrayEquals(new Object[] {"a,b", "{c}", "\"d\"", ""}, (Object[]) ((Array) row.get(13)).getArray());
        assertNull(row.get(14));
        assertNull(row.get(15));
        assertEquals("timestamp with time zone", db.scalar(
                "SELECT data_type FROM information_schema.columns WHERE table_name='all_types' AND column_name='at'"));
    }

    @Test
    void aTimestampInTheHourRepeatedWhenClocksGoBackKeepsItsInstantAndItsWallClockInDbTimezone() {
        db.execute("CREATE TABLE dst_fold (id bigint PRIMARY KEY, at_tz timestamptz, at_local timestamp)");
        Schema key = SchemaBuilder.struct().name("K").field("id", Schema.INT64_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().name("V").field("id", Schema.INT64_SCHEMA)
                .field("at_tz", Timestamp.SCHEMA).field("at_local", Timestamp.SCHEMA).build();
        // 02:30 happens twice in Berlin on 2026-10-25: 00:30Z (CEST) and 01:30Z (CET)
        java.util.Date first = java.util.Date.from(java.time.Instant.parse("2026-10-25T00:30:00Z"));
        java.util.Date second = java.util.Date.from(java.time.Instant.parse("2026-10-25T01:30:00Z"));
        // inserts go through COPY, upserts through bound parameters: both must keep the instant
        for (String mode : List.of("insert", "upsert")) {
            db.execute("TRUNCATE dst_fold");
            JdbcSinkTask task = task("db.timezone", "Europe/Berlin", "insert.mode", mode, "pk.mode", "record_key");
            List<SinkRecord> records = new ArrayList<>();
            long id = 1;
            for (java.util.Date at : List.of(first, second)) {
                records.add(record("dst_fold", key, new Struct(key).put("id", id), schema,
                        new Struct(schema).put("id", id++).put("at_tz", at).put("at_local", at)));
            }
            task.put(records);
            task.preCommit(Map.of());
            assertEquals(List.of(List.of("2026-10-25T00:30:00Z", "2026-10-25 02:30:00"),
                            List.of("2026-10-25T01:30:00Z", "2026-10-25 02:30:00")),
                    db.query("SELECT to_char(at_tz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                            + "at_local::text FROM dst_fold ORDER BY id"), mode);
            task.stop();
        }
    }

    @Test
    void kafkaPrimaryKeyModeStoresCoordinatesAndUpsertsIdempotently() {
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "kafka");
        List<SinkRecord> batch = List.of(keyed("coords", 1, "a", null), keyed("coords", 1, "b", null));
        task.put(batch);
        task.put(batch);
        assertEquals(2L, db.scalar("SELECT count(*) FROM coords"));
        assertEquals(List.of("__connect_topic", "__connect_partition", "__connect_offset"), db.query(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                        + "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'coords'::regclass AND i.indisprimary "
                        + "ORDER BY array_position(i.indkey, a.attnum)").stream().map(r -> r.get(0)).toList());
    }

    @Test
    void tableNameFormatPlacesTopicsInASchemaAndFieldsWhitelistDropsOtherFields() {
        db.execute("CREATE SCHEMA IF NOT EXISTS staging");
        task("table.name.format", "staging.kafka_${topic}", "fields.whitelist", "id,name")
                .put(List.of(keyed("orders", 7, "seven", "7.00")));
        assertEquals(List.of(List.of(7L, "seven")), db.query("SELECT * FROM staging.kafka_orders"));
    }

    @Test
    void hostileTopicTableAndFieldNamesAreQuotedNeverExecuted() {
        db.execute("CREATE TABLE victim (id int)");
        Schema schema = SchemaBuilder.struct()
                .field("id\"; DROP TABLE victim; --", Schema.INT32_SCHEMA)
                .field("Mixed Case", Schema.STRING_SCHEMA)
                .field("select", Schema.STRING_SCHEMA)
                .build();
        Struct value = new Struct(schema).put("id\"; DROP TABLE victim; --", 1).put("Mixed Case", "x")
                .put("select", "y");
        task("table.name.format", "t\"; DROP TABLE victim; --${topic}")
                .put(List.of(record("odd-topic.name_%", null, null, schema, value)));
        assertEquals(0L, db.scalar("SELECT count(*) FROM victim"), "victim table still exists");
        assertEquals(List.of(List.of(1, "x", "y")),
                db.query("SELECT * FROM \"t\"\"; DROP TABLE victim; --odd-topic.name_%\""));
        assertEquals(List.of("id\"; DROP TABLE victim; --", "Mixed Case", "select"), db.query(
                "SELECT column_name FROM information_schema.columns WHERE table_name LIKE 't\"%' "
                        + "ORDER BY ordinal_position").stream().map(r -> r.get(0)).toList());
    }

    @Test
    void autoEvolveAddsNullableColumnsAndWidensIntegers() {
        Schema v1 = SchemaBuilder.struct().name("V").field("id", Schema.INT32_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("V").field("id", Schema.INT64_SCHEMA)
                .field("note", Schema.STRING_SCHEMA).build();
        JdbcSinkTask task = task("auto.evolve", "true");
        task.put(List.of(record("evolving", null, null, v1, new Struct(v1).put("id", 1))));
        task.put(List.of(record("evolving", null, null, v2, new Struct(v2).put("id", 5_000_000_000L).put("note", "n"))));
        assertEquals(List.of(java.util.Arrays.asList(1L, null), List.of(5_000_000_000L, "n")),
                db.query("SELECT id, note FROM evolving ORDER BY id"));
        assertEquals("YES", db.scalar("SELECT is_nullable FROM information_schema.columns "
                + "WHERE table_name='evolving' AND column_name='note'"));
    }

    @Test
    void withoutAutoEvolveAColumnThatWouldRoundTheRecordsIsWarnedAboutWithTheAlterToRunAndLeftAlone() {
        db.execute("CREATE TABLE rounding (id bigint PRIMARY KEY, amount numeric(10,2), label varchar(10))");
        Schema schema = SchemaBuilder.struct().name("R").field("id", Schema.INT64_SCHEMA)
                .field("amount", Decimal.builder(4).parameter("connect.decimal.precision", "14").build())
                .field("label", Schema.STRING_SCHEMA).build();
        // another shape of the same records (a field turned optional) checks the table again: still one warning
        Schema reshaped = SchemaBuilder.struct().name("R").field("id", Schema.INT64_SCHEMA)
                .field("amount", schema.field("amount").schema()).field("label", Schema.OPTIONAL_STRING_SCHEMA).build();
        try (LogCapture logs = LogCapture.open()) {
            JdbcSinkTask task = task();
            task.put(List.of(record("rounding", null, null, schema, new Struct(schema).put("id", 1L)
                    .put("amount", new BigDecimal("1.2345")).put("label", "short"))));
            task.put(List.of(record("rounding", null, null, reshaped, new Struct(reshaped).put("id", 2L)
                    .put("amount", new BigDecimal("2.2345")))));
            task.preCommit(Map.of());
            assertEquals(1, logs.linesWith("ALTER COLUMN \"amount\" TYPE numeric(14,4)")
                    .size(), () -> "one warning naming the ALTER: " + logs.linesWith("rounding"));
            assertEquals(List.of(), logs.linesWith("\"label\""), "a varchar refuses a value too long loudly");
        }
        assertEquals("numeric(10,2)", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'rounding'::regclass AND attname = 'amount'"), "the user's column is left alone");
    }

    @Test
    void autoEvolveNeverChangesTheTypeAUserGaveAColumnFedByTextFields() {
        // a DBA's date and integer columns fed by JSON strings: auto.evolve is on to add columns, nothing more;
        // only change events of a source (records with the __op header) convert a column whose type changed
        db.execute("CREATE TABLE users_table (id bigint PRIMARY KEY, born date, score integer)");
        Schema schema = SchemaBuilder.struct().name("U").field("id", Schema.INT64_SCHEMA)
                .field("born", Schema.STRING_SCHEMA).field("score", Schema.STRING_SCHEMA).build();
        try (LogCapture logs = LogCapture.open()) {
            JdbcSinkTask task = task("auto.evolve", "true");
            task.put(List.of(record("users_table", null, null, schema, new Struct(schema).put("id", 1L)
                    .put("born", "1990-04-01").put("score", "42"))));
            task.preCommit(Map.of());
            assertEquals(List.of(), logs.linesWith("ALTER COLUMN \"born\""),
                    "no ALTER is run, nor asked for: date text into a date column is the user's design");
        }
        assertEquals(List.of(List.of("born", "date"), List.of("id", "bigint"), List.of("score", "integer")),
                db.query("SELECT column_name::text, data_type::text FROM information_schema.columns "
                        + "WHERE table_name='users_table' ORDER BY 1"), "the user's column types are left alone");
        assertEquals(List.of(List.of(1L, java.sql.Date.valueOf("1990-04-01"), 42)),
                db.query("SELECT id, born, score FROM users_table"));
    }

    @Test
    void autoEvolveLetsANotNullColumnTheRecordsNoLongerCarryHoldNull() {
        db.execute("CREATE TABLE narrowing (id bigint primary key, name text NOT NULL, "
                + "created timestamptz NOT NULL DEFAULT now())");
        Schema v1 = SchemaBuilder.struct().name("V").field("id", Schema.INT64_SCHEMA)
                .field("name", Schema.STRING_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("V").field("id", Schema.INT64_SCHEMA)
                .field("title", Schema.STRING_SCHEMA).build();
        JdbcSinkTask task = task("auto.evolve", "true", "insert.mode", "upsert", "pk.mode", "record_value",
                "pk.fields", "id");
        task.put(List.of(record("narrowing", null, null, v1, new Struct(v1).put("id", 1L).put("name", "n"))));
        // the source renamed name to title: records carry title, and no name any more
        task.put(List.of(record("narrowing", null, null, v2, new Struct(v2).put("id", 2L).put("title", "t"))));
        assertEquals(List.of(java.util.Arrays.asList(1L, "n", null), java.util.Arrays.asList(2L, null, "t")),
                db.query("SELECT id, name, title FROM narrowing ORDER BY id"));
        assertEquals(List.of(List.of("created", "NO"), List.of("id", "NO"), List.of("name", "YES")),
                db.query("SELECT column_name::text, is_nullable::text FROM information_schema.columns "
                        + "WHERE table_name='narrowing' AND column_name IN ('id', 'name', 'created') ORDER BY 1"),
                "only the column left out without a default was relaxed; the key and the defaulted column keep NOT NULL");
    }

    @Test
    void recordsThatDoNotFitGoToTheErrantReporterAndTheRestAreWritten() {
        db.execute("CREATE TABLE strict (id bigint primary key, name text NOT NULL, amount numeric(4,2))");
        StubSinkContext context = new StubSinkContext(true);
        task(context, "insert.mode", "upsert", "pk.mode", "record_key").put(List.of(
                keyed("strict", 1, "fine", "1.00"), keyed("strict", 2, null, null),
                keyed("strict", 3, "too big", "123456.00"), keyed("strict", 4, "fine too", null)));
        assertEquals(List.of(1L, 4L), db.query("SELECT id FROM strict ORDER BY id").stream().map(r -> r.get(0)).toList());
        assertEquals(2, context.errant.size());
        assertTrue(context.errors.get(0).getMessage().contains("\"name\""), context.errors.get(0).getMessage());
        assertTrue(context.errors.get(1).getMessage().contains("strict"), context.errors.get(1).getMessage());
    }

    @Test
    void aCopyThatFailsMidStreamReportsTheBadRecordAndTheConnectionWritesOnAfterwards() {
        db.execute("CREATE TABLE copied (id bigint, name text, amount numeric(4,2))");
        StubSinkContext context = new StubSinkContext(true);
        JdbcSinkTask task = task(context, "insert.mode", "insert", "connection.pool.size", "1");
        // enough rows to stream several buffers before the server sees the bad one
        String longName = "x".repeat(200);
        List<SinkRecord> batch = new ArrayList<>();
        for (long id = 0; id < 3000; id++) {
            batch.add(keyed("copied", id, id + longName, id == 2500 ? "123456.00" : "1.00"));
        }
        task.put(batch);
        // a put this large may be buffered as a consumer's backlog: the worker's preCommit writes it
        task.preCommit(Map.of());
        assertEquals(1, context.errant.size());
        assertEquals(2999L, db.scalar("SELECT count(*) FROM copied"));
        task.put(List.of(keyed("copied", 5000, "after", "2.00")));
        assertEquals(3000L, db.scalar("SELECT count(*) FROM copied"));
        // the table is known now: a put of one shape is a single autocommitted COPY, failing as a whole
        task.put(List.of(keyed("copied", 6000, "fine", "2.00"), keyed("copied", 6001, "bad", "123456.00")));
        assertEquals(2, context.errant.size());
        assertEquals(3001L, db.scalar("SELECT count(*) FROM copied"));
        task.put(List.of(keyed("copied", 7000, "last", "3.00")));
        assertEquals(3002L, db.scalar("SELECT count(*) FROM copied"));
    }

    private List<SinkRecord> keyedRange(String topic, long from, int n) {
        List<SinkRecord> records = new ArrayList<>(n);
        for (long id = from; id < from + n; id++) {
            records.add(keyed(topic, id, "n" + id, "1.00"));
        }
        return records;
    }

    @Test
    void fullPutsAreGatheredIntoOneTransactionAndWrittenBeforeOffsetsAreCommitted() {
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key", "batch.size", "1000",
                "batch.linger.ms", "600000");
        task.put(keyedRange("gathered", 0, 400));
        task.put(keyedRange("gathered", 400, 400));
        assertEquals(0L, db.scalar("SELECT count(*) FROM pg_class WHERE relname = 'gathered'"),
                "a consumer's backlog is buffered, not written put by put");
        task.put(keyedRange("gathered", 800, 400));
        // batch.size reached: one write, on the writer thread while the next puts are gathered
        Await.until(() -> Long.valueOf(1200L).equals(countIfExists("gathered")), Duration.ofSeconds(30),
                "the full batch is written");
        task.put(keyedRange("gathered", 1200, 400));
        Map<TopicPartition, OffsetAndMetadata> offered = Map.of(new TopicPartition("gathered", 0),
                new OffsetAndMetadata(1600));
        assertEquals(offered, task.preCommit(offered));
        assertEquals(1600L, db.scalar("SELECT count(*) FROM gathered"), "preCommit writes what is buffered");
        task.put(keyedRange("gathered", 1600, 50));
        assertEquals(1650L, db.scalar("SELECT count(*) FROM gathered"), "a smaller put: the consumer caught up");
    }

    @Test
    void bufferedRowsAreWrittenAfterBatchLingerMsWhenNoFurtherPutComes() {
        JdbcSinkTask task = task("insert.mode", "insert", "batch.linger.ms", "50");
        task.put(keyedRange("lingering", 0, 500));
        Await.until(() -> Long.valueOf(500L).equals(countIfExists("lingering")), Duration.ofSeconds(30),
                "the writer thread writes the lingering rows");
    }

    @Test
    void aStoppedTaskLeavesNoWriterThreadBehind() {
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(new StubSinkContext());
        task.start(Map.of("connection.url", db.url(), "auto.create", "true", "insert.mode", "insert",
                "name", "thread-check", "batch.linger.ms", "50"));
        task.put(keyedRange("thread_check", 0, 500));
        Await.until(() -> Long.valueOf(500L).equals(countIfExists("thread_check")), Duration.ofSeconds(30),
                "the writer thread writes the lingering rows");
        assertTrue(writerThreadAlive(), "the writer thread runs while the task does");

        task.stop();

        assertTrue(!writerThreadAlive(), "stop() ends the writer thread");
    }

    private static boolean writerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("sluice-jdbc-writer-thread-check") && t.isAlive());
    }

    private static Object countIfExists(String table) {
        return db.scalar("SELECT CASE WHEN to_regclass('" + table + "') IS NULL THEN 0 ELSE "
                + "(xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM " + table
                + "', false, true, '')))[1]::text::bigint END");
    }

    @Test
    void aBufferedWriteThatFailsInPreCommitCommitsNothingAndFailsTheNextPut() {
        db.execute("CREATE TABLE late_failure (id bigint primary key, name text, amount numeric(4,2))");
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key", "batch.linger.ms", "600000");
        List<SinkRecord> batch = keyedRange("late_failure", 0, 300);
        batch.add(keyed("late_failure", 999, "too big", "123456.00"));
        task.put(batch);
        assertEquals(Map.of(), task.preCommit(Map.of(new TopicPartition("late_failure", 0),
                new OffsetAndMetadata(301))));
        assertEquals(0L, db.scalar("SELECT count(*) FROM late_failure"));
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of()));
        assertTrue(e.getMessage().contains("late_failure"), e.getMessage());
    }

    @Test
    void aFullBatchFailingOnTheWriterThreadCommitsNothingAndFailsTheNextPut() {
        db.execute("CREATE TABLE pipelined_failure (id bigint primary key, name text, amount numeric(4,2))");
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key", "batch.size", "300",
                "batch.linger.ms", "600000");
        List<SinkRecord> batch = keyedRange("pipelined_failure", 0, 300);
        batch.add(keyed("pipelined_failure", 999, "too big", "123456.00"));
        // a backlog-sized put reaching batch.size goes to the writer thread: put returns at once
        task.put(batch);
        assertEquals(Map.of(), task.preCommit(Map.of(new TopicPartition("pipelined_failure", 0),
                new OffsetAndMetadata(301))));
        assertEquals(0L, db.scalar("SELECT count(*) FROM pipelined_failure"));
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(keyedRange("pipelined_failure", 2000, 1)));
        assertTrue(e.getMessage().contains("pipelined_failure"), e.getMessage());
        assertEquals(0L, db.scalar("SELECT count(*) FROM pipelined_failure"));
    }

    @Test
    void aDatabaseRefusingConnectionsAtCommitTimeKeepsTheRowsBufferedUntilItTakesThem() {
        db.passwordRole("sink_limited", "pw");
        db.execute("CREATE TABLE refused_later (id bigint primary key, name text, amount numeric(10,2))",
                "GRANT SELECT, INSERT, UPDATE ON refused_later TO sink_limited");
        JdbcSinkTask task = task("connection.url", db.bareUrl(), "connection.user", "sink_limited",
                "connection.password", "pw", "auto.create", "false", "insert.mode", "upsert", "pk.mode", "record_key",
                "batch.linger.ms", "600000");
        TopicPartition tp = new TopicPartition("refused_later", 0);
        task.put(keyedRange("refused_later", 0, 300));
        // the role may not open a connection for now: "too many connections for role" (53300), a transient refusal
        db.execute("ALTER ROLE sink_limited CONNECTION LIMIT 0");
        assertEquals(Map.of(), task.preCommit(Map.of(tp, new OffsetAndMetadata(300))),
                "nothing written, so nothing committed; the worker need not rewind");
        db.execute("ALTER ROLE sink_limited CONNECTION LIMIT -1");
        Map<TopicPartition, OffsetAndMetadata> offered = Map.of(tp, new OffsetAndMetadata(300));
        assertEquals(offered, task.preCommit(offered), "the rows kept buffered are written at the next commit");
        assertEquals(300L, db.scalar("SELECT count(*) FROM refused_later"));
    }

    @Test
    void aRefusedBatchIsDescribedByTheDatabasesErrorNotByItsStatementWithEveryRowsValues() {
        db.execute("CREATE TABLE checked (id bigint primary key, name text, amount numeric(10,2) CHECK (amount < 100))");
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key");
        List<SinkRecord> batch = new ArrayList<>();
        for (long id = 0; id < 50; id++) {
            batch.add(keyed("checked", id, "private-" + id, id == 42 ? "500.00" : "1.00"));
        }
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(batch));
        assertTrue(e.getMessage().contains("violates check constraint"), e.getMessage());
        assertTrue(!e.getMessage().contains("private-0") && !e.getMessage().contains("Batch entry"),
                "the message (logged, and a DLQ header) names the refused row, not the batch's statement with every "
                        + "other row's values: " + e.getMessage());
    }

    @Test
    void aTaskWhosePutFailedReportsNoOffsetForCommitAnyMore() {
        db.execute("CREATE TABLE failed_put (id bigint primary key, name text, amount numeric(4,2))");
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key");
        task.put(keyedRange("failed_put", 0, 10));
        assertThrows(ConnectException.class, () -> task.put(List.of(keyed("failed_put", 99, "too big", "123456.00"))));
        assertEquals(Map.of(), task.preCommit(Map.of(new TopicPartition("failed_put", 0), new OffsetAndMetadata(11))),
                "a worker closing the failed task asks for offsets: it gets none past the last commit");
    }

    @Test
    void aPermissionRefusedFailsTheTaskInsteadOfSendingEveryRecordToTheDeadLetterQueue() {
        db.passwordRole("sink_revoked", "pw");
        db.execute("CREATE TABLE revoked (id bigint primary key, name text, amount numeric(10,2))",
                "GRANT SELECT, UPDATE ON revoked TO sink_revoked");
        StubSinkContext tolerant = new StubSinkContext(true);
        JdbcSinkTask task = task(tolerant, "connection.url", db.bareUrl(), "connection.user", "sink_revoked",
                "connection.password", "pw", "auto.create", "false", "insert.mode", "upsert", "pk.mode", "record_key");
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(keyedRange("revoked", 0, 20)));
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        assertEquals(List.of(), tolerant.errant, "the records are not at fault: none is reported as errant");
    }

    @Test
    void fullBatchesOnTheWriterThreadAreWrittenInOrder() {
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key", "batch.size", "200",
                "batch.linger.ms", "600000");
        // the same keys in every batch: the table ends with the last batch's values only if batches keep their order
        for (int round = 0; round < 10; round++) {
            List<SinkRecord> batch = new ArrayList<>();
            for (long id = 0; id < 200; id++) {
                batch.add(keyed("ordered", id, "round" + round, "1.00"));
            }
            task.put(batch);
        }
        Map<TopicPartition, OffsetAndMetadata> offered = Map.of(new TopicPartition("ordered", 0),
                new OffsetAndMetadata(2000));
        assertEquals(offered, task.preCommit(offered));
        assertEquals(200L, db.scalar("SELECT count(*) FROM ordered WHERE name = 'round9'"));
    }

    @Test
    void valuesThatAreNeitherStructsNorJsonObjectsAreRejectedWithAHint() {
        // JSON objects without a schema are written (JdbcSinkSchemalessIT); a bare number names no column
        ConnectException e = assertThrows(ConnectException.class,
                () -> task().put(List.of(record("nostruct", null, null, null, 42L))));
        assertTrue(e.getMessage().contains("JSON objects (JsonConverter with schemas.enable=false)")
                && e.getMessage().contains("has a number with no schema"), e.getMessage());
    }
}
