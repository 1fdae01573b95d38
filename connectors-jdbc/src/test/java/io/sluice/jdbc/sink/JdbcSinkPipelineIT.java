package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sink loaded from the plugin path by a real worker, reading JSON with schemas from the test broker. */
class JdbcSinkPipelineIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("sinkpipe");

    @TempDir
    Path dir;

    static String key(long id) {
        return "{\"schema\":{\"type\":\"struct\",\"name\":\"Key\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"}]},"
                + "\"payload\":{\"id\":" + id + "}}";
    }

    static String value(long id, String name, long seq) {
        return "{\"schema\":{\"type\":\"struct\",\"name\":\"Value\",\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"seq\",\"type\":\"int64\"},"
                + "{\"field\":\"at\",\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"}]},"
                + "\"payload\":{\"id\":" + id + ",\"name\":\"" + name + "\",\"seq\":" + seq + ",\"at\":" + (seq * 1000)
                + "}}";
    }

    static Map<String, String> sinkConfig(String topic, String url) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector");
        config.put("topics", topic);
        config.put("connection.url", url);
        config.put("insert.mode", "upsert");
        config.put("pk.mode", "record_key");
        config.put("delete.enabled", "true");
        config.put("auto.create", "true");
        config.put("table.name.format", "sink_${topic}");
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("key.converter.schemas.enable", "true");
        config.put("value.converter.schemas.enable", "true");
        return config;
    }

    @Test
    void jsonRecordsWithSchemasBecomeUpsertedRowsAndTombstonesDeleteThem() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders").replace('-', '_'), 1);
        KafkaTestBroker.produce(topic, List.of(new SimpleEntry<>(key(1), value(1, "first", 1)),
                new SimpleEntry<>(key(2), value(2, "second", 2)), new SimpleEntry<>(key(1), value(1, "again", 3)),
                new SimpleEntry<>(key(3), value(3, "third", 4)), new SimpleEntry<>(key(2), null)));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("jdbc-sink", sinkConfig(topic, db.url())).status());
            String table = "sink_" + topic;
            Await.until(() -> safeRows(table).equals(List.of("1:again:3", "3:third:4")), Duration.ofSeconds(60),
                    "rows 1 and 3 upserted, 2 deleted; have " + safeRows(table));
            assertEquals("1970-01-01 00:00:04+00", db.scalar("SELECT (at AT TIME ZONE 'UTC')::text || '+00' FROM \""
                    + table + "\" WHERE id = 3"));
        }
    }

    /** A flat struct (the runtime reads its payload without Jackson): doubles, 64-bit limits, text and nulls. */
    static String flat(long id, String ratio, String big, String note) {
        return "{\"schema\":{\"type\":\"struct\",\"name\":\"Flat\",\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"ratio\",\"type\":\"double\",\"optional\":true},"
                + "{\"field\":\"big\",\"type\":\"int64\",\"optional\":true},"
                + "{\"field\":\"small\",\"type\":\"int32\",\"optional\":true,\"default\":7},"
                + "{\"field\":\"note\",\"type\":\"string\",\"optional\":true}]},"
                + "\"payload\":{\"id\":" + id + ",\"ratio\":" + ratio + ",\"big\":" + big + ",\"note\":" + note + "}}";
    }

    @Test
    void flatJsonWithSchemasRowsKeepDoublesLongLimitsTextAndNullsExactlyAndUpsertReplacesThem() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("flat").replace('-', '_'), 1);
        List<String> ratios = List.of("1e300", "-0.0", "5e-324", "0.1", "123.456", "-7.25", "0.05", "1.7976931348623157E308",
                "0.30000000000000004", "9999999.5", "1234567.000001");
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < ratios.size(); i++) {
            records.add(new SimpleEntry<>(key(i), flat(i, ratios.get(i), i % 2 == 0 ? "9223372036854775807"
                    : "-9223372036854775808", note(i))));
        }
        records.add(new SimpleEntry<>(key(100), flat(100, "null", "null", "null")));
        records.add(new SimpleEntry<>(key(0), flat(0, "2.5", "1", "\"again\"")));
        KafkaTestBroker.produce(topic, records);
        Map<String, String> config = sinkConfig(topic, db.url());
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("jdbc-flat", config).status());
            String table = "sink_" + topic;
            Await.until(() -> count(table) == ratios.size() + 1 && "again".equals(safeScalar(
                    "SELECT note FROM \"" + table + "\" WHERE id = 0")), Duration.ofSeconds(60),
                    "rows written and row 0 upserted; task " + rest.taskState("jdbc-flat", 0));
            for (int i = 1; i < ratios.size(); i++) {
                Object got = db.scalar("SELECT ratio FROM \"" + table + "\" WHERE id = " + i);
                // the double Apache's converter reads (through a BigDecimal, so "-0.0" is 0.0)
                assertEquals(Double.doubleToRawLongBits(new java.math.BigDecimal(ratios.get(i)).doubleValue()),
                        Double.doubleToRawLongBits((Double) got), ratios.get(i) + " was stored as " + got);
                assertEquals((i % 2 == 0 ? "9223372036854775807" : "-9223372036854775808") + "|7|n" + i
                        + (i % 3 == 0 ? " tab\t back\\slash caf\u00e9 \u20ac" : " plain ~ text"),
                        db.scalar("SELECT concat_ws('|', big, small, note) FROM \"" + table + "\" WHERE id = " + i));
            }
            assertEquals("2.5|1|7|again", db.scalar("SELECT concat_ws('|', ratio, big, small, note) FROM \"" + table
                    + "\" WHERE id = 0"));
            assertEquals("-|-|7|-", db.scalar("SELECT concat_ws('|', coalesce(ratio::text, '-'), coalesce(big::text, '-'),"
                    + " small, coalesce(note, '-')) FROM \"" + table + "\" WHERE id = 100"));
            assertEquals("RUNNING", rest.taskState("jdbc-flat", 0));
        }
    }

    /** Every third note escaped and not ASCII (the Jackson path), the others plain (read straight from the bytes). */
    private static String note(int i) {
        return "\"n" + i + (i % 3 == 0 ? " tab\\t back\\\\slash caf\u00e9 \u20ac\"" : " plain ~ text\"");
    }

    private static Object safeScalar(String sql) {
        try {
            return db.scalar(sql);
        } catch (IllegalStateException notYetCreated) {
            return null;
        }
    }

    @Test
    void workerKilledMidStreamAndRestartedLeavesTheUpsertTableExact() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("crash").replace('-', '_'), 2);
        TreeMap<Long, String> expected = new TreeMap<>();
        List<Map.Entry<String, String>> first = batch(0, 20_000, expected);
        KafkaTestBroker.produce(topic, first);
        String table = "sink_" + topic;
        Map<String, String> config = sinkConfig(topic, db.url());
        config.put("tasks.max", "2");
        config.put("consumer.override.max.poll.records", "200");
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("jdbc-crash-cluster"),
                "plugin.path", TestWorkers.pluginPath(dir).toString(),
                "offset.flush.interval.ms", "1000"))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("jdbc-crash", config).status());
            Await.until(() -> count(table) > 0, Duration.ofSeconds(60), "first rows written");
            worker.kill();
            KafkaTestBroker.produce(topic, batch(20_000, 10_000, expected));

            worker.start();
            List<String> want = new ArrayList<>();
            expected.forEach((id, row) -> want.add(row));
            Await.until(() -> safeRows(table).equals(want), Duration.ofSeconds(120),
                    "table equals the last record per key; " + count(table) + " rows, log: " + worker.tail());
        }
    }

    /** Records seq in [from, from+n) over 500 keys, every 7th a tombstone; expected gets the last state per key. */
    private static List<Map.Entry<String, String>> batch(int from, int n, TreeMap<Long, String> expected) {
        List<Map.Entry<String, String>> records = new ArrayList<>(n);
        for (long seq = from; seq < from + n; seq++) {
            long id = seq % 500;
            if (seq % 7 == 0) {
                records.add(new SimpleEntry<>(key(id), null));
                expected.remove(id);
            } else {
                records.add(new SimpleEntry<>(key(id), value(id, "n" + seq, seq)));
                expected.put(id, id + ":n" + seq + ":" + seq);
            }
        }
        return records;
    }

    private static long count(String table) {
        try {
            return (Long) db.scalar("SELECT count(*) FROM \"" + table + "\"");
        } catch (IllegalStateException notYetCreated) {
            return 0;
        }
    }

    private static List<String> rows(String table) {
        return db.query("SELECT id, name, seq FROM \"" + table + "\" ORDER BY id").stream()
                .map(r -> r.get(0) + ":" + r.get(1) + ":" + r.get(2)).toList();
    }

    private static List<String> safeRows(String table) {
        try {
            return rows(table);
        } catch (IllegalStateException notYetCreated) {
            return List.of();
        }
    }
}
