package io.sluice.jdbc.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.testing.MariaDbDatabase;
import io.sluice.jdbc.testing.RecordingConnectorContext;
import io.sluice.jdbc.testing.TestDatabase;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source task through the MySQL/MariaDB dialect against a real MariaDB server. */
class MariaDbSourceTaskIT extends SourceTaskHarness {

    @RegisterExtension
    static final MariaDbDatabase db = new MariaDbDatabase("source");

    @Override
    TestDatabase db() {
        return db;
    }

    @Test
    void incrementingModeReadsNewRowsOnlyAndAResumedTaskStartsAfterTheCommittedOffset() throws Exception {
        db.execute("CREATE TABLE `inc t` (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(20))",
                "INSERT INTO `inc t` (name) VALUES ('n1'), ('n2'), ('n3'), ('n4'), ('n5')");
        RecordingSourceContext context = new RecordingSourceContext();
        String[] config = {"tables", "inc t", "mode", "incrementing", "incrementing.column.name", "id",
                "batch.max.rows", "2"};
        JdbcSourceTask task = task(context, config);
        List<SourceRecord> first = drain(task, context);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), column(first, "id"));
        assertEquals("db-inc t", first.get(0).topic());
        assertEquals(Map.of("incrementing", 5L), context.offsets.values().iterator().next());
        db.execute("INSERT INTO `inc t` (name) VALUES ('six')");
        assertEquals(List.of(6L), column(drain(task, context), "id"));
        task.stop();

        db.execute("INSERT INTO `inc t` (name) VALUES ('seven')");
        assertEquals(List.of(7L), column(drain(task(context, config), context), "id"));
    }

    @Test
    void timestampIncrementingModeMissesAndRepeatsNoRowWhenTiesSpanBatchesAndRestarts() throws Exception {
        db.execute("CREATE TABLE tie_t (id int PRIMARY KEY, updated datetime(3) NOT NULL)",
                "INSERT INTO tie_t VALUES (1, '2024-01-01 00:00:00'), (2, '2024-01-01 00:00:00'), "
                        + "(3, '2024-01-01 00:00:00'), (4, '2024-01-01 00:00:01'), (5, '2024-01-01 00:00:01'), "
                        + "(6, '2024-01-01 00:00:01'), (7, '2024-01-01 00:00:01'), (8, '2024-01-01 00:00:02'), "
                        + "(9, '2024-01-01 00:00:02'), (10, '2024-01-01 00:00:02.5')");
        RecordingSourceContext context = new RecordingSourceContext();
        String[] config = {"tables", "tie_t", "mode", "timestamp+incrementing", "incrementing.column.name", "id",
                "timestamp.column.name", "updated", "batch.max.rows", "2"};
        JdbcSourceTask task = task(context, config);
        List<SourceRecord> firstBatch = task.poll();
        context.commit(firstBatch);
        task.stop();
        // id 3 shares the timestamp of the rows already read: a restart mid-tie resumes after id 2
        db.execute("INSERT INTO tie_t VALUES (11, '2024-01-01 00:00:01'), (0, '2024-01-01 00:00:00')");
        JdbcSourceTask resumed = task(context, config);
        List<Object> ids = new ArrayList<>(column(firstBatch, "id"));
        ids.addAll(column(drain(resumed, context), "id"));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 11, 8, 9, 10), ids,
                "every row once, in (timestamp, id) order; the late id 0 at an already-passed time is not read");
        Map<String, Object> offset = context.offsets.values().iterator().next();
        assertEquals(10L, offset.get("incrementing"));
        assertEquals(Instant.parse("2024-01-01T00:00:02.500Z").toEpochMilli(), offset.get("timestamp"));
        db.execute("INSERT INTO tie_t VALUES (12, UTC_TIMESTAMP(3) - INTERVAL 1 SECOND)");
        assertEquals(List.of(12), column(drain(resumed, context), "id"), "the database clock bounds the read");
    }

    @Test
    void theConnectorDiscoversTheDatabasesTablesAndATaskReadsThemByDatabaseAndTable() throws Exception {
        db.execute("CREATE TABLE found_a (id int PRIMARY KEY)", "CREATE TABLE found_b (id int PRIMARY KEY)",
                "CREATE TABLE skipped (id int)", "INSERT INTO found_b VALUES (1), (2)");
        JdbcSourceConnector connector = new JdbcSourceConnector();
        connector.initialize(new RecordingConnectorContext());
        connector.start(Map.of("connection.url", db.url(), "topic.prefix", "m-",
                "table.include.list", "found_a,found_b"));
        List<Map<String, String>> configs;
        try {
            configs = connector.taskConfigs(1);
        } finally {
            connector.stop();
        }
        assertEquals(List.of(new TableId(db.name(), "found_a"), new TableId(db.name(), "found_b")),
                TableId.parseList(configs.get(0).get("tables")));
        Map<String, String> props = new HashMap<>(configs.get(0));
        props.put("tables", TableId.formatList(List.of(new TableId(db.name(), "found_b"))));
        // one bulk round: the next must not start before the test has counted this one
        props.put("poll.interval.ms", "600000");
        RecordingSourceContext context = new RecordingSourceContext();
        JdbcSourceTask task = task(context, props.entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new));
        List<SourceRecord> records = drain(task, context);
        assertEquals(List.of(1, 2), column(records, "id"));
        assertEquals("m-found_b", records.get(0).topic());
    }

    @Test
    void mariaDbTypesMapToConnectSchemasAndNullsArePreserved() throws Exception {
        db.execute("CREATE TABLE types_t (id int NOT NULL, tiny tinyint, flag boolean, small smallint, "
                        + "medium mediumint, big bigint, f float, d double, n decimal(10,3), t text, vc varchar(5), "
                        + "raw varbinary(4), blobby blob, day date, clock time(3), dt datetime(3), ts timestamp(3) NULL, "
                        + "j json)",
                "INSERT INTO types_t VALUES (1, -8, true, 7, 70000, 9000000000, 1.25, 2.5, 1234567.891, 'text ü', "
                        + "'vc', x'00ff', x'0102', '2024-02-29', '13:14:15.678', '2024-01-02 03:04:05.006', "
                        + "'2024-01-02 03:04:05.006', '{\"a\": 1}')",
                "INSERT INTO types_t (id) VALUES (2)");
        RecordingSourceContext context = new RecordingSourceContext();
        List<SourceRecord> records = drain(task(context, "tables", "types_t"), context);
        Struct full = (Struct) records.get(0).value();
        Schema schema = full.schema();
        assertEquals(Schema.Type.INT32, schema.field("id").schema().type());
        assertEquals((byte) -8, full.get("tiny"));
        assertEquals(true, full.get("flag"));
        assertEquals((short) 7, full.get("small"));
        assertEquals(70000, full.get("medium"));
        assertEquals(9_000_000_000L, full.get("big"));
        assertEquals(1.25f, full.get("f"));
        assertEquals(2.5, full.get("d"));
        assertEquals(Decimal.LOGICAL_NAME, schema.field("n").schema().name());
        assertEquals(new BigDecimal("1234567.891"), full.get("n"));
        assertEquals("text ü", full.get("t"));
        assertEquals("vc", full.get("vc"));
        assertArrayEquals(new byte[] {0, -1}, (byte[]) full.get("raw"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) full.get("blobby"));
        assertEquals(Date.LOGICAL_NAME, schema.field("day").schema().name());
        assertEquals(Instant.parse("2024-02-29T00:00:00Z"), ((java.util.Date) full.get("day")).toInstant());
        assertEquals(Time.LOGICAL_NAME, schema.field("clock").schema().name());
        assertEquals((13 * 3600 + 14 * 60 + 15) * 1000L + 678, ((java.util.Date) full.get("clock")).getTime());
        assertEquals(Timestamp.LOGICAL_NAME, schema.field("dt").schema().name());
        assertEquals(Instant.parse("2024-01-02T03:04:05.006Z"), ((java.util.Date) full.get("dt")).toInstant());
        assertEquals(Instant.parse("2024-01-02T03:04:05.006Z"), ((java.util.Date) full.get("ts")).toInstant());
        assertEquals("{\"a\": 1}", full.get("j"));
        Struct empty = (Struct) records.get(1).value();
        for (Field f : schema.fields()) {
            if (!f.name().equals("id")) {
                assertNull(empty.get(f), f.name() + " stays null");
            }
        }
    }
}
