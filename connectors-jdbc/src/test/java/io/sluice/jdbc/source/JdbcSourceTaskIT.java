package io.sluice.jdbc.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestDatabase;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source task against a real PostgreSQL: every mode, offsets across restarts, ties, delays, types. */
class JdbcSourceTaskIT extends SourceTaskHarness {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("sourcetask");

    @Override
    TestDatabase db() {
        return db;
    }

    @Test
    void bulkModeReadsTheWholeTableEveryPollInBatchesOfBatchMaxRows() throws Exception {
        db.execute("CREATE TABLE bulk_t (id int, name text)",
                "INSERT INTO bulk_t SELECT g, 'n' || g FROM generate_series(1, 25) g");
        RecordingSourceContext context = new RecordingSourceContext();
        // a round must not start again before the test has counted the previous one, however slow the machine
        JdbcSourceTask task = task(context, "tables", "public.bulk_t", "batch.max.rows", "10",
                "poll.interval.ms", "1500");
        List<SourceRecord> first = task.poll();
        assertEquals(10, first.size(), "a poll returns at most batch.max.rows");
        assertEquals("db-bulk_t", first.get(0).topic());
        assertEquals(Map.of("protocol", "1", "table", "public.bulk_t"), first.get(0).sourcePartition());
        List<SourceRecord> rest = drain(task, context);
        assertEquals(15, rest.size());
        List<Object> expected = IntStream.rangeClosed(1, 25).boxed().map(Object.class::cast).toList();
        List<SourceRecord> nextRound = collect(task, context, 25);
        assertEquals(expected, column(nextRound, "id"), "bulk reads everything again on the next round");
    }

    @Test
    void fullBatchesReadAheadOnTheReaderThreadArriveInOrderWithTheirOwnOffsets() throws Exception {
        db.execute("CREATE TABLE ahead_t (id bigint primary key, name text)",
                "INSERT INTO ahead_t SELECT g, 'n' || g FROM generate_series(1, 5000) g");
        RecordingSourceContext context = new RecordingSourceContext();
        JdbcSourceTask task = task(context, "tables", "ahead_t", "mode", "incrementing",
                "incrementing.column.name", "id", "batch.max.rows", "100");
        List<SourceRecord> all = drain(task, context);
        assertEquals(LongStream.rangeClosed(1, 5000).boxed().toList(), column(all, "id"));
        for (int i = 0; i < all.size(); i++) {
            assertEquals(Map.of("incrementing", i + 1L), all.get(i).sourceOffset(), "offset of row " + (i + 1));
        }
        // a batch is read ahead after every full one: stopping with one pending must not hang or throw
        db.execute("INSERT INTO ahead_t SELECT g, 'n' || g FROM generate_series(5001, 5300) g");
        assertEquals(100, task.poll().size());
        task.stop();
        // the worker may still call poll once after stop(): nothing, and no failure
        assertNull(task.poll());
    }

    @Test
    void incrementingModeReadsOnlyNewRowsAndAResumedTaskStartsAfterTheCommittedOffset() throws Exception {
        db.execute("CREATE TABLE inc_t (id bigserial primary key, name text)",
                "INSERT INTO inc_t (name) SELECT 'n' || g FROM generate_series(1, 5) g");
        RecordingSourceContext context = new RecordingSourceContext();
        String[] config = {"tables", "inc_t", "mode", "incrementing", "incrementing.column.name", "id"};
        JdbcSourceTask task = task(context, config);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), column(drain(task, context), "id"));
        assertEquals(Map.of("incrementing", 5L), context.offsets.values().iterator().next());
        db.execute("INSERT INTO inc_t (name) VALUES ('six')");
        assertEquals(List.of(6L), column(drain(task, context), "id"));
        task.stop();

        db.execute("INSERT INTO inc_t (name) VALUES ('seven')");
        JdbcSourceTask resumed = task(context, config);
        assertEquals(List.of(7L), column(drain(resumed, context), "id"));
    }

    @Test
    void aLostConnectionIsRetriedAndEveryRowArrivesOnceInOrder() throws Exception {
        db.execute("CREATE TABLE lost_t (id bigint primary key, name text)",
                "INSERT INTO lost_t SELECT g, 'n' || g FROM generate_series(1, 3000) g");
        RecordingSourceContext context = new RecordingSourceContext();
        JdbcSourceTask task = task(context, "tables", "lost_t", "mode", "incrementing", "incrementing.column.name", "id",
                "batch.max.rows", "100");
        List<SourceRecord> all = new ArrayList<>(task.poll());
        context.commit(all);
        // the server ends the task's session mid-result (as a restart or failover would): 57P01, then a dead connection
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND pid <> pg_backend_pid()");
        all.addAll(collect(task, context, 2900));
        assertEquals(LongStream.rangeClosed(1, 3000).boxed().toList(), column(all, "id"),
                "the failed batch is read again from the last returned offset: nothing skipped, nothing twice");
    }

    @Test
    void columnsAddedDroppedAndRetypedWhileTheTaskRunsAreReadWithTheNewSchema() throws Exception {
        db.execute("CREATE TABLE alter_t (id bigserial primary key, name text NOT NULL, qty int)",
                "INSERT INTO alter_t (name, qty) VALUES ('first', 1)");
        RecordingSourceContext context = new RecordingSourceContext();
        JdbcSourceTask task = task(context, "tables", "alter_t", "mode", "incrementing", "incrementing.column.name",
                "id");
        List<SourceRecord> read = new ArrayList<>(drain(task, context));
        // pgjdbc makes a statement run five times a server-side prepared one, whose plan fixes the result columns
        for (int i = 0; i < 8; i++) {
            db.execute("INSERT INTO alter_t (name, qty) VALUES ('before" + i + "', " + i + ")");
            read.addAll(collect(task, context, 1));
        }
        db.execute("ALTER TABLE alter_t ADD COLUMN note text", "INSERT INTO alter_t (name, qty, note) VALUES ('added', 2, 'n')");
        Struct added = (Struct) collect(task, context, 1).get(0).value();
        assertEquals("n", added.get("note"));
        db.execute("ALTER TABLE alter_t DROP COLUMN name", "INSERT INTO alter_t (qty) VALUES (3)");
        Struct dropped = (Struct) collect(task, context, 1).get(0).value();
        assertNull(dropped.schema().field("name"));
        db.execute("ALTER TABLE alter_t ALTER COLUMN qty TYPE bigint", "INSERT INTO alter_t (qty) VALUES (9000000000)");
        Struct retyped = (Struct) collect(task, context, 1).get(0).value();
        assertEquals(Schema.Type.INT64, retyped.schema().field("qty").schema().type());
        assertEquals(9_000_000_000L, retyped.get("qty"));
        db.execute("ALTER TABLE alter_t RENAME COLUMN note TO remark", "INSERT INTO alter_t (qty, remark) VALUES (4, 'r')");
        assertEquals("r", ((Struct) collect(task, context, 1).get(0).value()).get("remark"));
        assertEquals(9, read.size());
    }

    @Test
    void timestampIncrementingModeMissesAndRepeatsNoRowWhenTiesSpanBatchesAndRestarts() throws Exception {
        db.execute("CREATE TABLE tie_t (id int primary key, updated timestamp NOT NULL)",
                "INSERT INTO tie_t SELECT g, timestamp '2024-01-01 00:00:00' + ((g / 4) || ' seconds')::interval "
                        + "FROM generate_series(1, 10) g");
        RecordingSourceContext context = new RecordingSourceContext();
        String[] config = {"tables", "tie_t", "mode", "timestamp+incrementing", "incrementing.column.name", "id",
                "timestamp.column.name", "updated", "batch.max.rows", "3"};
        JdbcSourceTask task = task(context, config);
        List<SourceRecord> firstBatch = task.poll();
        context.commit(firstBatch);
        task.stop();
        // id 3 and 4..7 share timestamps with rows already read; a restart mid-tie resumes after id 3
        db.execute("INSERT INTO tie_t VALUES (11, timestamp '2024-01-01 00:00:01'), "
                + "(0, timestamp '2024-01-01 00:00:00')");
        JdbcSourceTask resumed = task(context, config);
        List<Object> ids = new ArrayList<>(column(firstBatch, "id"));
        ids.addAll(column(drain(resumed, context), "id"));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 11, 8, 9, 10), ids,
                "every row once, in (timestamp, id) order; the late id 0 at an already-passed time is by design not read");
        Map<String, Object> offset = context.offsets.values().iterator().next();
        assertEquals(10L, offset.get("incrementing"));
        assertEquals(Instant.parse("2024-01-01T00:00:02Z").toEpochMilli(), offset.get("timestamp"));
    }

    @Test
    void timestampModeWaitsTheDelayBeforeReadingRecentRows() throws Exception {
        db.execute("CREATE TABLE delay_t (id int, at timestamptz)",
                "INSERT INTO delay_t VALUES (1, now() - interval '1 hour'), (2, now() + interval '1 hour')");
        RecordingSourceContext context = new RecordingSourceContext();
        JdbcSourceTask task = task(context, "tables", "delay_t", "mode", "timestamp", "timestamp.column.name", "at",
                "timestamp.delay.interval.ms", "60000");
        assertEquals(List.of(1), column(drain(task, context), "id"), "the row within the delay is left for later");
        db.execute("UPDATE delay_t SET at = now() - interval '2 minutes' WHERE id = 2");
        assertEquals(List.of(2), column(drain(task, context), "id"));
    }

    @Test
    void queryModeFiltersTheQueryAsASubqueryAndUsesThePrefixAsTopic() throws Exception {
        db.execute("CREATE TABLE q_a (id int primary key, v text)", "CREATE TABLE q_b (id int, w text)",
                "INSERT INTO q_a VALUES (1, 'a1'), (2, 'a2')", "INSERT INTO q_b VALUES (1, 'b1'), (2, 'b2')");
        RecordingSourceContext context = new RecordingSourceContext();
        JdbcSourceTask task = task(context, "query", "SELECT a.id, a.v, b.w FROM q_a a JOIN q_b b ON a.id = b.id "
                + "WHERE b.w <> 'none'", "mode", "incrementing", "incrementing.column.name", "id",
                "topic.prefix", "joined");
        List<SourceRecord> records = drain(task, context);
        assertEquals(List.of("b1", "b2"), column(records, "w"));
        assertEquals("joined", records.get(0).topic());
        assertEquals(Map.of("query", "SELECT a.id, a.v, b.w FROM q_a a JOIN q_b b ON a.id = b.id WHERE b.w <> 'none'"),
                records.get(0).sourcePartition());
    }

    @Test
    void postgresTypesMapToConnectSchemasFaithfullyAndNullsArePreserved() throws Exception {
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE types_t (id int NOT NULL, n numeric(10,3), n_free numeric, small int2, big int8, "
                        + "f4 float4, f8 float8, flag boolean, t text, vc varchar(5), ch char(3), raw bytea, d date, "
                        + "tm time, ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb, ints int4[], "
                        + "texts text[], m mood)",
                "INSERT INTO types_t VALUES (1, 1234567.891, 1.5, 7, 9000000000, 1.25, 2.5, true, 'text', 'vc', "
                        + "'ab', '\\x00ff', '2024-02-29', '13:14:15.678', '2024-01-02 03:04:05.006', "
                        + "'2024-01-02 03:04:05.006+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}', "
                        + "'{\"b\": [2]}', '{1,NULL,3}', '{\"x,y\",z}', 'happy')",
                "INSERT INTO types_t (id) VALUES (2)");
        RecordingSourceContext context = new RecordingSourceContext();
        List<SourceRecord> records = drain(task(context, "tables", "types_t"), context);
        Struct full = (Struct) records.get(0).value();
        Schema schema = full.schema();
        assertEquals(Schema.Type.INT32, schema.field("id").schema().type());
        assertTrue(!schema.field("id").schema().isOptional() && schema.field("n").schema().isOptional());
        assertEquals(Decimal.LOGICAL_NAME, schema.field("n").schema().name());
        assertEquals(new BigDecimal("1234567.891"), full.get("n"));
        assertEquals("1.5", full.get("n_free"));
        assertEquals((short) 7, full.get("small"));
        assertEquals(9_000_000_000L, full.get("big"));
        assertEquals(1.25f, full.get("f4"));
        assertEquals(2.5, full.get("f8"));
        assertEquals(true, full.get("flag"));
        assertEquals("text", full.get("t"));
        assertEquals("vc", full.get("vc"));
        assertEquals("ab ", full.get("ch"));
        assertArrayEquals(new byte[] {0, -1}, (byte[]) full.get("raw"));
        assertEquals(Date.LOGICAL_NAME, schema.field("d").schema().name());
        assertEquals(Instant.parse("2024-02-29T00:00:00Z"), ((java.util.Date) full.get("d")).toInstant());
        assertEquals(Time.LOGICAL_NAME, schema.field("tm").schema().name());
        assertEquals((13 * 3600 + 14 * 60 + 15) * 1000L + 678, ((java.util.Date) full.get("tm")).getTime());
        assertEquals(Timestamp.LOGICAL_NAME, schema.field("ts").schema().name());
        assertEquals(Instant.parse("2024-01-02T03:04:05.006Z"), ((java.util.Date) full.get("ts")).toInstant(),
                "timestamp without time zone read in db.timezone (UTC)");
        assertEquals(Instant.parse("2024-01-02T01:04:05.006Z"), ((java.util.Date) full.get("tstz")).toInstant());
        assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", full.get("u"));
        assertEquals("{\"a\": 1}", full.get("j"));
        assertEquals("{\"b\": [2]}", full.get("jb"));
        assertEquals(java.util.Arrays.asList(1, null, 3), full.get("ints"));
        assertEquals(List.of("x,y", "z"), full.get("texts"));
        assertEquals("happy", full.get("m"));
        Struct empty = (Struct) records.get(1).value();
        for (org.apache.kafka.connect.data.Field f : schema.fields()) {
            if (!f.name().equals("id")) {
                assertNull(empty.get(f), f.name() + " stays null");
            }
        }
    }

    @Test
    void numericMappingChoosesIntegerFloatOrDecimalByPrecisionAndScale() throws Exception {
        db.execute("CREATE TABLE num_t (p2 numeric(2,0), p4 numeric(4,0), p9 numeric(9,0), p18 numeric(18,0), "
                        + "p30 numeric(30,0), s numeric(10,2))",
                "INSERT INTO num_t VALUES (12, 1234, 123456789, 123456789012345678, 1, 12.34)");
        for (String mapping : List.of("none", "precision_only", "best_fit")) {
            RecordingSourceContext context = new RecordingSourceContext();
            Struct row = (Struct) drain(task(context, "tables", "num_t", "numeric.mapping", mapping), context)
                    .get(0).value();
            List<String> types = row.schema().fields().stream()
                    .map(f -> f.schema().name() != null ? "Decimal" : f.schema().type().toString()).toList();
            switch (mapping) {
                case "none" -> assertEquals(List.of("Decimal", "Decimal", "Decimal", "Decimal", "Decimal", "Decimal"),
                        types);
                case "precision_only" -> assertEquals(List.of("INT8", "INT16", "INT32", "INT64", "Decimal", "Decimal"),
                        types);
                default -> {
                    assertEquals(List.of("INT8", "INT16", "INT32", "INT64", "Decimal", "FLOAT64"), types);
                    assertEquals(12.34, row.get("s"));
                    assertEquals(123456789012345678L, row.get("p18"));
                }
            }
        }
    }
}
