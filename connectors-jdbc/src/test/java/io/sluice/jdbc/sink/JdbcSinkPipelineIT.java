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
