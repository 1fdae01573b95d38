package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON text read raw (ByteArrayConverter), as the sink reads it on its task thread and types it by a plan per run
 * of records with the same members: bad bytes, misfits, nested values and columns added while it runs.
 */
class JdbcSinkRawJsonIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("rawjson");

    @TempDir
    Path dir;

    private static Map<String, String> rawSink(String topic, String table) {
        Map<String, String> config = JdbcSinkSchemalessIT.sink(db.url(), topic, table,
                "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("pk.mode", "record_value");
        return config;
    }

    private static String topic(String name) {
        return JdbcSinkSchemalessIT.topic(name);
    }

    private static void produce(String topic, List<byte[]> values) {
        Map<String, Object> config = new HashMap<>(KafkaTestBroker.clientConfig());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, null, value));
            }
            producer.flush();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void badBytesAndMisfitMembersGoToTheDeadLetterQueueAsProducedAndTheRowsAroundThemAreWritten() {
        String topic = topic("rawbad");
        db.execute("CREATE TABLE raw_bad (id bigint PRIMARY KEY, qty integer, price double precision, at timestamptz)");
        byte[] notUtf8Json = {'{', '"', 'i', 'd', '"', ':', '2', ',', '"', 'q', (byte) 0xff, 0x01, '"', ':', '1', '}'};
        List<byte[]> values = List.of(
                utf8("{\"id\":1,\"qty\":5,\"price\":12.34}"),
                notUtf8Json,
                utf8("{\"id\":3,\"qty\":\"many\",\"price\":1.5}"),
                utf8("{\"id\":4,\"qty\":4,\"price\":true}"),
                utf8("{\"id\":5,\"qty\":5,\"price\":0.1,\"at\":\"later\"}"),
                utf8("{\"id\":6,\"qty\":6,\"price\":"),
                utf8("{\"id\":7,\"qty\":7,\"price\":1e-7}"));
        produce(topic, values);
        Map<String, String> config = rawSink(topic, "raw_bad");
        JdbcSinkSchemalessIT.toDeadLetterQueue(config, topic);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-bad-sink", config).status());
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestBroker.consumeAllBytes(topic + "-dlq", 5,
                    Duration.ofSeconds(60));
            // each refused record reaches the DLQ with the bytes it was produced with (those that are not JSON when
            // they are read, the misfits when they are typed: compared as a set)
            assertEquals(latin1(values.subList(1, 6)), latin1(dead.stream().map(ConsumerRecord::value).toList()));
            Await.until(() -> ids("raw_bad").equals(List.of(1L, 7L)), Duration.ofSeconds(60),
                    "rows 1 and 7 written; have " + ids("raw_bad"));
            assertEquals(12.34, db.scalar("SELECT price FROM raw_bad WHERE id = 1"));
            assertEquals(1e-7, db.scalar("SELECT price FROM raw_bad WHERE id = 7"));
            assertEquals("RUNNING", rest.taskState("raw-bad-sink", 0));
        }
    }

    @Test
    void nestedObjectsAndArraysLandInJsonAndJsonbColumnsAndDecimalsKeepEveryDigit() {
        String topic = topic("rawnested");
        db.execute("CREATE TABLE raw_nested (id bigint PRIMARY KEY, doc jsonb, list json, note text,"
                + " amount numeric(30,10), ratio double precision)");
        produce(topic, List.of(
                utf8("{\"id\":1,\"doc\":{\"a\":{\"b\":[1,2.50,\"x\\ty\"]},\"c\":null},\"list\":[{\"k\":1},[]],"
                        + "\"note\":{\"as\":\"text\"},\"amount\":12345678901234567890.0123456789,\"ratio\":0.30000000000000004}"),
                utf8("{\"id\":2,\"doc\":[true,false],\"list\":{},\"note\":[1],\"amount\":-1e-10,\"ratio\":-2.5E3}")));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-nested-sink", rawSink(topic, "raw_nested")).status());
            Await.until(() -> ids("raw_nested").equals(List.of(1L, 2L)), Duration.ofSeconds(60),
                    "both rows written; have " + ids("raw_nested") + "; task " + rest.taskState("raw-nested-sink", 0));
            assertEquals("{\"a\": {\"b\": [1, 2.50, \"x\\ty\"]}, \"c\": null}",
                    db.scalar("SELECT doc::text FROM raw_nested WHERE id = 1"));
            assertEquals("[{\"k\":1},[]]", db.scalar("SELECT list::text FROM raw_nested WHERE id = 1"));
            assertEquals("{\"as\":\"text\"}", db.scalar("SELECT note FROM raw_nested WHERE id = 1"));
            assertEquals("12345678901234567890.0123456789", db.scalar("SELECT amount::text FROM raw_nested WHERE id = 1"));
            assertEquals(0.30000000000000004, db.scalar("SELECT ratio FROM raw_nested WHERE id = 1"));
            assertEquals("[true, false]|{}|[1]|-0.0000000001|-2500",
                    db.scalar("SELECT concat_ws('|', doc, list, note, amount, ratio) FROM raw_nested WHERE id = 2"));
        }
    }

    @Test
    void aColumnAddedWhileRunningTakesTheNewMemberAndRecordsWithoutItStillFillTheirs() {
        String topic = topic("rawaltered");
        db.execute("CREATE TABLE raw_altered (id bigint PRIMARY KEY, name text)");
        List<byte[]> first = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            first.add(utf8("{\"id\":" + i + ",\"name\":\"n" + i + "\"}"));
        }
        produce(topic, first);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-altered-sink", rawSink(topic, "raw_altered")).status());
            Await.until(() -> count("raw_altered") == 200, Duration.ofSeconds(60), "the first 200 rows are written");
            db.execute("ALTER TABLE raw_altered ADD COLUMN region text");
            // members in another order, the new one, then the old shape again: each run of records gets its plan
            produce(topic, List.of(utf8("{\"name\":\"m\",\"region\":\"eu\",\"id\":201}"),
                    utf8("{\"id\":202,\"name\":\"o\"}"), utf8("{\"region\":\"us\",\"id\":203}")));
            Await.until(() -> count("raw_altered") == 203, Duration.ofSeconds(60),
                    "the rows with the new member are written; task " + rest.taskState("raw-altered-sink", 0));
            assertEquals("m|eu", db.scalar("SELECT concat_ws('|', name, region) FROM raw_altered WHERE id = 201"));
            assertEquals("o|-", db.scalar("SELECT concat_ws('|', name, coalesce(region, '-')) FROM raw_altered WHERE id = 202"));
            assertEquals("-|us", db.scalar("SELECT concat_ws('|', coalesce(name, '-'), region) FROM raw_altered WHERE id = 203"));
            assertEquals("n200", db.scalar("SELECT name FROM raw_altered WHERE id = 200"));
        }
    }

    /** Byte strings one char per byte, sorted, so sets of records compare in one assertion that shows them. */
    private static List<String> latin1(List<byte[]> values) {
        return values.stream().map(v -> new String(v, StandardCharsets.ISO_8859_1)).sorted().toList();
    }

    private static long count(String table) {
        return ((Number) db.scalar("SELECT count(*) FROM " + table)).longValue();
    }

    private static List<Long> ids(String table) {
        return db.query("SELECT id FROM " + table + " ORDER BY 1").stream()
                .map(r -> ((Number) r.get(0)).longValue()).toList();
    }
}
