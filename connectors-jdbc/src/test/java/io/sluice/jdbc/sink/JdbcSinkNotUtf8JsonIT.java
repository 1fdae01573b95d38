package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tester's JSON lines held bytes that are not UTF-8 (read by the file source with encoding.errors=keep): read raw,
 * the sink wrote them as U+FFFD, changing the user's data, where JsonConverter refuses them. JSON text must be
 * UTF-8 (RFC 8259 §8.1), so such a record is malformed JSON on every path: raw text (ByteArrayConverter), an
 * envelope read raw, and JsonConverter's objects whose original bytes the sink reads.
 */
class JdbcSinkNotUtf8JsonIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("notutf8");

    @TempDir
    Path dir;

    private static final String BYTE_ARRAY = JdbcSinkRawJsonIT.BYTE_ARRAY;
    private static final String JSON = JdbcSinkRawJsonIT.JSON;
    private static final String ENVELOPE_SCHEMA = "{\"type\":\"struct\",\"fields\":[{\"field\":\"note\",\"type\":\"string\"}]}";

    /** Text with raw bytes spliced in where the string has a '%' (one per call). */
    private static byte[] json(String text, int... raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (b == '%') {
                for (int r : raw) {
                    out.write(r);
                }
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static Map<String, String> sink(String topic, String table, String converter) {
        Map<String, String> config = JdbcSinkSchemalessIT.sink(db.url(), topic, table, converter);
        config.put("key.converter", converter);
        config.put("pk.mode", "record_key");
        return config;
    }

    private static String table(String name, String converter) {
        String table = name + (converter.equals(JSON) ? "_json" : "_bytes");
        db.execute("DROP TABLE IF EXISTS " + table);
        db.execute("CREATE TABLE " + table + " (code text PRIMARY KEY, note text, doc jsonb, list json)");
        return table;
    }

    private static void produce(String topic, List<KeyValue> records) {
        Map<String, Object> config = new HashMap<>(KafkaTestBroker.clientConfig());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (KeyValue r : records) {
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()));
            }
            producer.flush();
        }
    }

    /** A record's key and value bytes as produced. */
    private record KeyValue(byte[] key, byte[] value) {
    }

    private static KeyValue record(byte[] key, byte[] value) {
        return new KeyValue(key, value);
    }

    private static byte[] key(String code) {
        return json("{\"code\":\"" + code + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {BYTE_ARRAY, JSON})
    void aRecordWhoseJsonTextIsNotUtf8GoesToTheDeadLetterQueueWithItsReasonAndNoRowIsWrittenAltered(String converter) {
        String topic = JdbcSinkSchemalessIT.topic("notutf8");
        String table = table("not_utf8", converter);
        List<KeyValue> bad = List.of(
                record(key("b"), json("{\"note\":\"x%y\"}", 0x80)), // a lone continuation byte
                record(key("c"), json("{\"note\":\"x%\"}", 0xE6, 0x97)), // a sequence cut at the string's end
                record(key("d"), json("{\"note\":\"%\"}", 0xC0, 0xAF)), // an overlong '/'
                record(key("e"), json("{\"note\":\"%\"}", 0xED, 0xA0, 0x80)), // a surrogate encoded in UTF-8
                record(key("f"), json("{\"doc\":{\"s\":[\"%\"]}}", 0xE9)), // nested, for a jsonb column
                record(key("g"), json("{\"list\":[\"%\"]}", 0xE9)), // nested, for a json column
                record(key("h"), json("{\"note\":\"\\t%\"}", 0xE9)), // after an escape
                record(json("{\"code\":\"k%\"}", 0xE9), json("{\"note\":\"fine\"}")), // in a text key
                record(key("i"), json("{\"schema\":" + ENVELOPE_SCHEMA + ",\"payload\":{\"note\":\"%\"}}", 0xE9)));
        produce(topic, List.of(record(key("a"), json("{\"note\":\"caf\u00e9 \ud83d\ude00\","
                + "\"doc\":{\"s\":\"\ud83d\ude00\"},\"list\":[\"\u00e9\"]}"))));
        produce(topic, bad);
        produce(topic, List.of(record(key("\ud83d\ude00"), json("{\"note\":\"last\"}"))));
        Map<String, String> config = sink(topic, table, converter);
        JdbcSinkSchemalessIT.toDeadLetterQueue(config, topic);
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("not-utf8-sink", config).status());
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestBroker.consumeAllBytes(topic + "-dlq", bad.size(),
                    Duration.ofSeconds(60));
            // each refused record reaches the DLQ as it was produced, with a reason naming the byte, not the text
            assertEquals(latin1(bad.stream().map(KeyValue::value).toList()), latin1(dead.stream().map(ConsumerRecord::value).toList()));
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                String reason = header(d, "__connect.errors.exception.message");
                if (converter.equals(BYTE_ARRAY)) {
                    assertTrue(reason.contains("is not a JSON object: Malformed JSON value: a string is not valid UTF-8"
                            + " (JSON text must be) at byte ") && reason.contains(" in member \""), reason);
                } else {
                    assertEquals(JSON, header(d, "__connect.errors.class.name"), reason);
                }
            }
            Await.until(() -> codes(table).equals(List.of("a", "\ud83d\ude00")), Duration.ofSeconds(60),
                    "rows a and the emoji written; have " + codes(table) + "; task " + rest.taskState("not-utf8-sink", 0));
            // valid 4-byte characters pass unchanged in text, jsonb, json and the key
            assertEquals("caf\u00e9 \ud83d\ude00|{\"s\": \"\ud83d\ude00\"}|[\"\u00e9\"]", db.scalar(
                    "SELECT concat_ws('|', note, doc, list) FROM " + table + " WHERE code = 'a'"));
            assertEquals("last", db.scalar("SELECT note FROM " + table + " WHERE code = '\ud83d\ude00'"));
            assertEquals("RUNNING", rest.taskState("not-utf8-sink", 0));
        }
    }

    @Test
    void aRecordWhoseJsonTextIsNotUtf8FailsTheTaskNamingTheProblemWhenNoErrorIsTolerated() {
        String topic = JdbcSinkSchemalessIT.topic("notutf8none");
        String table = table("not_utf8_none", BYTE_ARRAY);
        produce(topic, List.of(record(key("b"), json("{\"note\":\"x%y\"}", 0xE9))));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("not-utf8-none", sink(topic, table, BYTE_ARRAY)).status());
            Await.until(() -> "FAILED".equals(rest.taskState("not-utf8-none", 0)), Duration.ofSeconds(60),
                    "the task fails");
            String trace = rest.get("/connectors/not-utf8-none/status").body().path("tasks").get(0).path("trace").asText();
            assertTrue(trace.contains("a string is not valid UTF-8 (JSON text must be) at byte 10 in member \"note\""),
                    trace);
            assertEquals(0L, ((Number) db.scalar("SELECT count(*) FROM " + table)).longValue());
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<String> latin1(List<byte[]> values) {
        return values.stream().map(v -> new String(v, StandardCharsets.ISO_8859_1)).sorted().toList();
    }

    private static List<String> codes(String table) {
        return db.query("SELECT code FROM " + table + " ORDER BY code COLLATE \"C\"").stream()
                .map(r -> (String) r.get(0)).toList();
    }
}
