package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records without schemas (JsonConverter with schemas.enable=false, or JSON object text through StringConverter)
 * written by a real worker from the test broker into real PostgreSQL tables, typed by the tables' columns.
 */
class JdbcSinkSchemalessIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("schemaless");

    @TempDir
    Path dir;

    private static Map<String, String> sink(String topic, String table, String converter) {
        return sink(db.url(), topic, table, converter);
    }

    /** A sink of schemaless records: JSON keys without schemas, values through this converter (without schemas). */
    static Map<String, String> sink(String url, String topic, String table, String converter) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector");
        config.put("topics", topic);
        config.put("connection.url", url);
        config.put("table.name.format", table);
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("key.converter.schemas.enable", "false");
        config.put("value.converter", converter);
        config.put("value.converter.schemas.enable", "false");
        return config;
    }

    static String topic(String name) {
        return KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic(name).replace('-', '_'), 1);
    }

    @Test
    void schemalessJsonObjectsAreUpsertedIntoAnExistingTableTypedByItsColumns() {
        String topic = topic("people");
        db.execute("CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, score double precision,"
                + " born date, seen timestamptz, active boolean, balance numeric(12,2), tags jsonb, small integer,"
                + " nick text DEFAULT 'none')");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>("{\"id\":1}", "{\"id\":1,\"name\":\"Ann\",\"score\":1.5,\"born\":\"1990-04-01\","
                        + "\"seen\":\"2024-05-06T07:08:09.123Z\",\"active\":true,\"balance\":12.34,"
                        + "\"tags\":{\"a\":[1,2],\"b\":\"x\\ty\"},\"small\":7}"),
                new SimpleEntry<>("{\"id\":2}", "{\"id\":2,\"name\":\"Bob\\n\\\"B\\\"\",\"score\":3,"
                        + "\"seen\":1700000000000,\"active\":false,\"balance\":\"99.50\",\"tags\":[\"t\"]}"),
                new SimpleEntry<>("{\"id\":3}", "{\"id\":3,\"name\":\"Cy\",\"nick\":\"c\"}"),
                new SimpleEntry<>("{\"id\":1}", "{\"id\":1,\"name\":\"Ann again\",\"score\":null}"),
                new SimpleEntry<>("{\"id\":3}", null)));
        Map<String, String> config = sink(topic, "people", "org.apache.kafka.connect.json.JsonConverter");
        config.put("insert.mode", "upsert");
        config.put("pk.mode", "record_key");
        config.put("delete.enabled", "true");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("people-sink", config).status());
            Await.until(() -> ids("people").equals(List.of(1L, 2L)) && row(1).startsWith("1|Ann again|"),
                    Duration.ofSeconds(60), "rows 1 and 2 upserted, 3 deleted; have " + ids("people"));
            // an upsert updates the columns the record names: the others keep what the first record gave them
            assertEquals("1|Ann again|-|1990-04-01|2024-05-06 07:08:09.123|t|12.34|{\"a\": [1, 2], \"b\": \"x\\ty\"}|7|none",
                    row(1));
            assertEquals("2|Bob\n\"B\"|3|-|2023-11-14 22:13:20|f|99.50|[\"t\"]|-|none", row(2));
            assertEquals(3.0, db.scalar("SELECT score FROM people WHERE id = 2"));
        }
    }

    @Test
    void jsonTextThroughStringConverterIsInsertedKeyedByTheTablesPrimaryKey() {
        String topic = topic("events");
        db.execute("CREATE TABLE events (event_id bigint PRIMARY KEY, kind text, payload json)");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>(null, "{\"event_id\":10,\"kind\":\"click\",\"payload\":{\"x\":1}}"),
                new SimpleEntry<>(null, " {\"kind\":\"view\", \"event_id\":11}\n"),
                new SimpleEntry<>(null, "{\"event_id\":12,\"kind\":\"caf\\u00e9 \\ud83d\\ude00\"}")));
        Map<String, String> config = sink(topic, "events", "org.apache.kafka.connect.storage.StringConverter");
        config.put("insert.mode", "insert");
        config.put("pk.mode", "record_value");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("events-sink", config).status());
            Await.until(() -> ids("events", "event_id").equals(List.of(10L, 11L, 12L)), Duration.ofSeconds(60),
                    "three events inserted; have " + ids("events", "event_id"));
            assertEquals("{\"x\":1}", db.scalar("SELECT payload::text FROM events WHERE event_id = 10"));
            assertEquals("view", db.scalar("SELECT kind FROM events WHERE event_id = 11"));
            assertEquals("café 😀", db.scalar("SELECT kind FROM events WHERE event_id = 12"));
        }
    }

    @Test
    void jsonWithSchemasReadRawThroughByteArrayConverterWritesThePayloadTypedByTheTable() {
        String topic = topic("rawenvelope");
        db.execute("CREATE TABLE raw_envelope (id bigint PRIMARY KEY, name text, seq bigint, at timestamptz)");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>(JdbcSinkPipelineIT.key(1), JdbcSinkPipelineIT.value(1, "one", 5)),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(2), JdbcSinkPipelineIT.value(2, "two", 6))));
        Map<String, String> config = sink(topic, "raw_envelope", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("pk.mode", "record_value");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-sink", config).status());
            Await.until(() -> ids("raw_envelope").equals(List.of(1L, 2L)), Duration.ofSeconds(60),
                    "both payloads inserted; have " + ids("raw_envelope"));
            assertEquals("2|two|6|1970-01-01 00:00:06", db.scalar("SELECT concat_ws('|', id, name, seq,"
                    + " (at AT TIME ZONE 'UTC')::text) FROM raw_envelope WHERE id = 2"));
        }
    }

    @Test
    void autoCreateMakesTheTableFromTheFirstRecordAndAutoEvolveAddsNewMembers() {
        String topic = topic("auto");
        String table = "auto_" + topic;
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>("{\"id\":1}", "{\"id\":1,\"name\":\"a\",\"ratio\":0.5,\"ok\":true,\"meta\":{\"k\":1},"
                        + "\"missing\":null}"),
                new SimpleEntry<>("{\"id\":2}", "{\"id\":2,\"name\":\"b\",\"added\":42}")));
        Map<String, String> config = sink(topic, table, "org.apache.kafka.connect.json.JsonConverter");
        config.put("insert.mode", "upsert");
        config.put("pk.mode", "record_key");
        config.put("auto.create", "true");
        config.put("auto.evolve", "true");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("auto-sink", config).status());
            Await.until(() -> ids(table).equals(List.of(1L, 2L)), Duration.ofSeconds(60),
                    "both rows written; have " + ids(table));
            // the key comes first, the others in the record's order (its bytes are read; a map in another runtime)
            assertEquals(List.of("id", "bigint", "NO"), columns(table).get(0));
            assertEquals(List.of(List.of("added", "bigint", "YES"), List.of("id", "bigint", "NO"),
                    List.of("meta", "text", "YES"), List.of("missing", "text", "YES"), List.of("name", "text", "YES"),
                    List.of("ok", "boolean", "YES"), List.of("ratio", "double precision", "YES")),
                    columns(table).stream().sorted((a, b) -> a.get(0).toString().compareTo(b.get(0).toString())).toList());
            assertEquals("{\"k\":1}", db.scalar("SELECT meta FROM \"" + table + "\" WHERE id = 1"));
            assertEquals(42L, db.scalar("SELECT added FROM \"" + table + "\" WHERE id = 2"));
        }
    }

    @Test
    void anUnknownMemberFailsTheTaskAndAMissingTableTheCreationNamingThemWithoutTheRecordsValues() {
        String topic = topic("unknown");
        db.execute("CREATE TABLE known_cols (id bigint PRIMARY KEY, name text)");
        KafkaTestBroker.produce(topic, List.of(new SimpleEntry<>("{\"id\":1}",
                "{\"id\":1,\"name\":\"n\",\"secret_col\":\"hunter2\"}")));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            Map<String, String> config = sink(topic, "known_cols", "org.apache.kafka.connect.json.JsonConverter");
            config.put("pk.mode", "record_key");
            assertEquals(201, rest.createConnector("unknown-member", config).status());
            String trace = failedTrace(rest, "unknown-member");
            assertTrue(trace.contains("has no column \"secret_col\"") && trace.contains("auto.evolve=true"), trace);
            assertFalse(trace.contains("hunter2"), trace);

            // a table that is missing is found when the connector is created, as for records with schemas
            config.put("table.name.format", "no_such_table");
            RestClient.Response refused = rest.createConnector("missing-table", config);
            assertEquals(400, refused.status());
            assertTrue(refused.body().path("message").asText().contains("no_such_table")
                    && refused.body().path("message").asText().contains("auto.create=true"), refused.body().toString());
            assertEquals(0L, db.scalar("SELECT count(*) FROM known_cols"));
        }
    }

    @Test
    void aColumnAddedByHandWhileRunningTakesTheNewMemberAndAutoEvolveNeverWidensOrRelaxesExistingColumns() {
        String topic = topic("altered");
        db.execute("CREATE TABLE altered (id bigint PRIMARY KEY, qty smallint NOT NULL, code varchar(8), ratio real)");
        KafkaTestBroker.produce(topic, List.of(new SimpleEntry<>("{\"id\":1}",
                "{\"id\":1,\"qty\":2,\"code\":\"a\",\"ratio\":0.5}")));
        Map<String, String> config = sink(topic, "altered", "org.apache.kafka.connect.json.JsonConverter");
        config.put("insert.mode", "upsert");
        config.put("pk.mode", "record_key");
        config.put("auto.evolve", "true");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("altered-sink", config).status());
            Await.until(() -> ids("altered").equals(List.of(1L)), Duration.ofSeconds(60), "the first row is written");
            // the sink described the table already: the column added now must be found, not refused
            db.execute("ALTER TABLE altered ADD COLUMN region text");
            KafkaTestBroker.produce(topic, List.of(new SimpleEntry<>("{\"id\":2}",
                    "{\"id\":2,\"qty\":3,\"region\":\"eu\"}")));
            Await.until(() -> ids("altered").equals(List.of(1L, 2L)), Duration.ofSeconds(60),
                    "the row with the new member is written; task " + rest.taskState("altered-sink", 0));
            assertEquals("eu", db.scalar("SELECT region FROM altered WHERE id = 2"));
            // a record without qty is refused by its NOT NULL column; the table's types stay as they were
            KafkaTestBroker.produce(topic, List.of(new SimpleEntry<>("{\"id\":3}", "{\"id\":3,\"code\":\"c\"}")));
            String trace = failedTrace(rest, "altered-sink");
            assertTrue(trace.contains("\"qty\" is NOT NULL"), trace);
            assertEquals(List.of(List.of("id", "bigint", "NO"), List.of("qty", "smallint", "NO"),
                    List.of("code", "character varying", "YES"), List.of("ratio", "real", "YES"),
                    List.of("region", "text", "YES")), columns("altered"));
        }
    }

    @Test
    void recordsThatDoNotFitGoToTheDeadLetterQueueAndTheOthersAreWritten() {
        String topic = topic("tolerated");
        db.execute("CREATE TABLE tolerated (id bigint PRIMARY KEY, amount integer, at timestamptz)");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>(null, "{\"id\":1,\"amount\":5}"),
                new SimpleEntry<>(null, "{\"id\":2,\"amount\":\"lots\"}"),
                new SimpleEntry<>(null, "{\"id\":3,\"amount\":"),
                new SimpleEntry<>(null, "{\"id\":4,\"at\":\"yesterday\"}"),
                new SimpleEntry<>(null, "[1,2]"),
                new SimpleEntry<>(null, "{\"id\":6,\"amount\":99999999999}"),
                new SimpleEntry<>(null, "{\"id\":7,\"amount\":7,\"at\":\"2024-01-02 03:04:05\"}")));
        Map<String, String> config = sink(topic, "tolerated", "org.apache.kafka.connect.storage.StringConverter");
        config.put("pk.mode", "record_value");
        config.put("pk.fields", "id");
        toDeadLetterQueue(config, topic);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("tolerated-sink", config).status());
            Await.until(() -> ids("tolerated").equals(List.of(1L, 7L)) && Topics.recordsIn(topic + "-dlq") == 5,
                    Duration.ofSeconds(60), "rows 1 and 7 written, 5 records in the DLQ; have " + ids("tolerated")
                            + ", " + Topics.recordsIn(topic + "-dlq"));
            assertEquals("2024-01-02 03:04:05", db.scalar("SELECT (at AT TIME ZONE 'UTC')::text FROM tolerated WHERE id = 7"));
            assertEquals("RUNNING", rest.taskState("tolerated-sink", 0));
        }
    }

    @Test
    void tombstonesKeyedByJsonObjectTextDeleteTheRowsTheirKeysUpserted() {
        String single = topic("del_t");
        String composite = topic("del_pair");
        db.execute("CREATE TABLE del_t (event_id bigint PRIMARY KEY, kind text)");
        db.execute("CREATE TABLE del_pair (id1 int, id2 text, kind text, PRIMARY KEY (id1, id2))");
        KafkaTestBroker.produce(single, List.of(
                new SimpleEntry<>("{\"event_id\":60}", "{\"kind\":\"obj\"}"),
                new SimpleEntry<>("{\"event_id\":61}", "{\"kind\":\"kept\"}")));
        KafkaTestBroker.produce(composite, List.of(
                new SimpleEntry<>("{\"id1\":1,\"id2\":\"x\"}", "{\"kind\":\"obj\"}"),
                new SimpleEntry<>("{\"id1\":1,\"id2\":\"y\"}", "{\"kind\":\"kept\"}")));
        Map<String, String> byField = stringKeyedDeletes(single, "del_t");
        byField.put("pk.fields", "event_id");
        Map<String, String> byKeyMembers = stringKeyedDeletes(composite, "del_pair");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("del-t-sink", byField).status());
            assertEquals(201, rest.createConnector("del-pair-sink", byKeyMembers).status());
            Await.until(() -> ids("del_t", "event_id").equals(List.of(60L, 61L)) && ids("del_pair", "id1").size() == 2,
                    Duration.ofSeconds(60), "rows upserted; have " + ids("del_t", "event_id"));
            // the tombstones come after the upserts have been written: a delete of its own, not folded in a batch
            KafkaTestBroker.produce(single, List.of(new SimpleEntry<>("{\"event_id\":60}", null)));
            KafkaTestBroker.produce(composite, List.of(new SimpleEntry<>(" {\"id1\":1,\"id2\":\"x\"}", null)));
            Await.until(() -> ids("del_t", "event_id").equals(List.of(61L))
                            && db.query("SELECT id2 FROM del_pair").equals(List.of(List.of("y"))),
                    Duration.ofSeconds(60), "rows 60 and (1,x) deleted; have " + ids("del_t", "event_id") + ", "
                            + db.query("SELECT id2 FROM del_pair") + "; tasks " + rest.taskState("del-t-sink", 0)
                            + ", " + rest.taskState("del-pair-sink", 0) + "; DLQ " + Topics.recordsIn(single + "-dlq")
                            + ", " + Topics.recordsIn(composite + "-dlq"));
            assertEquals(0, Topics.recordsIn(single + "-dlq"));
            assertEquals(0, Topics.recordsIn(composite + "-dlq"));
        }
    }

    @Test
    void aCompositeKeyDeleteInABatchWithOtherKeysDeletesItsRowAndWritesTheOthers() {
        String topic = topic("d7");
        db.execute("CREATE TABLE d7 (id1 int, id2 text, kind text, PRIMARY KEY (id1, id2))");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>("{\"id1\":1,\"id2\":\"x\"}", "{\"kind\":\"a\"}"),
                new SimpleEntry<>("{\"id1\":2,\"id2\":\"y\"}", "{\"kind\":\"b\"}"),
                new SimpleEntry<>("{\"id1\":1,\"id2\":\"x\"}", null),
                new SimpleEntry<>("{\"id1\":3,\"id2\":\"z\"}", "{\"kind\":\"c\"}")));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("d7-sink", stringKeyedDeletes(topic, "d7")).status());
            Await.until(() -> db.query("SELECT id1, id2, kind FROM d7 ORDER BY id1").equals(
                            List.of(List.of(2, "y", "b"), List.of(3, "z", "c"))),
                    Duration.ofSeconds(60), "(1,x) deleted, (2,y) and (3,z) written; have "
                            + db.query("SELECT id1, id2, kind FROM d7 ORDER BY id1") + "; task "
                            + rest.taskState("d7-sink", 0) + "; DLQ " + Topics.recordsIn(topic + "-dlq"));
            assertEquals("RUNNING", rest.taskState("d7-sink", 0));
            assertEquals(0, Topics.recordsIn(topic + "-dlq"));
        }
    }

    @Test
    void aTombstoneKeyedByAColumnTheTableLacksGoesToTheDeadLetterQueueAndDeletesNothing() {
        String topic = topic("d8");
        db.execute("CREATE TABLE d8 (id1 int, id2 text, kind text, PRIMARY KEY (id1, id2))");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>("{\"id1\":1,\"id2\":\"x\"}", "{\"kind\":\"a\"}"),
                new SimpleEntry<>("{\"id1\":2,\"id2\":\"y\"}", "{\"kind\":\"b\"}"),
                new SimpleEntry<>("{\"id1\":2,\"id2\":\"y\",\"zone\":\"eu\"}", null),
                new SimpleEntry<>("{\"id1\":3,\"id2\":\"z\"}", "{\"kind\":\"c\"}")));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("d8-sink", stringKeyedDeletes(topic, "d8")).status());
            Await.until(() -> Topics.recordsIn(topic + "-dlq") == 1 && db.query("SELECT id1 FROM d8").size() == 3,
                    Duration.ofSeconds(60), "the tombstone in the DLQ, the three rows written; have "
                            + db.query("SELECT id1, id2, kind FROM d8 ORDER BY id1") + "; task "
                            + rest.taskState("d8-sink", 0) + "; DLQ " + Topics.recordsIn(topic + "-dlq"));
            // its key is not the row (2,y)'s: deleting by the columns it shares with the table would be a guess
            assertEquals(List.of(List.of(1, "x", "a"), List.of(2, "y", "b"), List.of(3, "z", "c")),
                    db.query("SELECT id1, id2, kind FROM d8 ORDER BY id1"));
            assertEquals("RUNNING", rest.taskState("d8-sink", 0));
        }
    }

    @Test
    void isoTimestampsAndTimesKeepTheirMicroseconds() {
        String topic = topic("micros");
        db.execute("CREATE TABLE micros (id bigint PRIMARY KEY, ts timestamp, t time, tstz timestamptz)");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>(null, "{\"id\":12,\"ts\":\"2026-01-01T10:00:00.999999\",\"t\":\"10:00:00.123456\","
                        + "\"tstz\":\"2026-01-01T10:00:00.000001Z\"}"),
                new SimpleEntry<>(null, "{\"id\":13,\"ts\":\"2026-01-01 10:00:00.1234567\",\"t\":\"23:59:59.999999\","
                        + "\"tstz\":\"2026-01-01T12:00:00.123456+02:00\"}"),
                new SimpleEntry<>(null, "{\"id\":14,\"ts\":1767261600123,\"t\":3600001,\"tstz\":1767261600123}")));
        Map<String, String> config = sink(topic, "micros", "org.apache.kafka.connect.json.JsonConverter");
        config.put("pk.mode", "record_value");
        config.put("pk.fields", "id");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("micros-sink", config).status());
            Await.until(() -> ids("micros").equals(List.of(12L, 13L, 14L)), Duration.ofSeconds(60),
                    "three rows written; have " + ids("micros") + "; task " + rest.taskState("micros-sink", 0));
            String row = "SELECT concat_ws('|', ts, t, (tstz AT TIME ZONE 'UTC')::text) FROM micros WHERE id = ";
            assertEquals("2026-01-01 10:00:00.999999|10:00:00.123456|2026-01-01 10:00:00.000001", db.scalar(row + 12));
            // PostgreSQL keeps microseconds: a seventh digit is rounded by the server, as it would round the text
            assertEquals("2026-01-01 10:00:00.123457|23:59:59.999999|2026-01-01 10:00:00.123456", db.scalar(row + 13));
            // numbers are epoch milliseconds (Connect's convention), as before
            assertEquals("2026-01-01 10:00:00.123|01:00:00.001|2026-01-01 10:00:00.123", db.scalar(row + 14));
        }
    }

    /** A StringConverter key and value, pk.mode=record_key, deletes on, errors to a DLQ so none fails the task. */
    private static Map<String, String> stringKeyedDeletes(String topic, String table) {
        Map<String, String> config = sink(topic, table, "org.apache.kafka.connect.storage.StringConverter");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("insert.mode", "upsert");
        config.put("pk.mode", "record_key");
        config.put("delete.enabled", "true");
        toDeadLetterQueue(config, topic);
        return config;
    }

    /** Errors tolerated, each refused record sent to the topic's DLQ, topic + "-dlq". */
    static void toDeadLetterQueue(Map<String, String> config, String topic) {
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", topic + "-dlq");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
    }

    private static String failedTrace(RestClient rest, String connector) {
        Await.until(() -> "FAILED".equals(rest.taskState(connector, 0)), Duration.ofSeconds(60),
                connector + " fails");
        return rest.get("/connectors/" + connector + "/status").body().path("tasks").get(0).path("trace").asText();
    }

    /** A row of people as text, '-' for NULL, so one assertion shows every column. */
    private static String row(long id) {
        return (String) db.scalar("SELECT concat_ws('|', id, name, coalesce(score::text, '-'), coalesce(born::text, '-'),"
                + " (seen AT TIME ZONE 'UTC')::text, active, balance, tags, coalesce(small::text, '-'), nick)"
                + " FROM people WHERE id = " + id);
    }

    private static List<List<Object>> columns(String table) {
        return db.query("SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns"
                + " WHERE table_name = '" + table + "' ORDER BY ordinal_position");
    }

    private static List<Long> ids(String table) {
        return ids(table, "id");
    }

    private static List<Long> ids(String table, String column) {
        try {
            return db.query("SELECT " + column + " FROM \"" + table + "\" ORDER BY 1").stream()
                    .map(r -> ((Number) r.get(0)).longValue()).toList();
        } catch (IllegalStateException notYetCreated) {
            return List.of();
        }
    }
}
