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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON text read raw, as the sink reads it on its task thread and types it by a plan per run of records with the
 * same members: bad bytes, misfits, nested values and columns added while it runs. Each story runs twice: values
 * through ByteArrayConverter, and through JsonConverter with schemas.enable=false, whose objects the runtime leaves
 * unconverted for a sink without transformations, so the sink reads the records' original bytes the same way.
 */
class JdbcSinkRawJsonIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("rawjson");

    @TempDir
    Path dir;

    static final String BYTE_ARRAY = "org.apache.kafka.connect.converters.ByteArrayConverter";
    static final String JSON = "org.apache.kafka.connect.json.JsonConverter";

    private static Map<String, String> rawSink(String topic, String table, String converter) {
        Map<String, String> config = JdbcSinkSchemalessIT.sink(db.url(), topic, table, converter);
        config.put("key.converter", BYTE_ARRAY);
        config.put("pk.mode", "record_value");
        return config;
    }

    /** The story's table for this converter: each run has its own. */
    private static String table(String name, String converter) {
        String table = name + (converter.equals(JSON) ? "_json" : "_bytes");
        db.execute("DROP TABLE IF EXISTS " + table);
        return table;
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

    @ParameterizedTest
    @ValueSource(strings = {BYTE_ARRAY, JSON})
    void badBytesAndMisfitMembersGoToTheDeadLetterQueueAsProducedAndTheRowsAroundThemAreWritten(String converter) {
        String topic = topic("rawbad");
        String badTable = table("raw_bad", converter);
        db.execute("CREATE TABLE " + badTable + " (id bigint PRIMARY KEY, qty integer, price double precision, at timestamptz)");
        byte[] notUtf8Json = {'{', '"', 'i', 'd', '"', ':', '2', ',', '"', 'q', (byte) 0xff, 0x01, '"', ':', '1', '}'};
        List<byte[]> values = List.of(
                utf8("{\"id\":1,\"qty\":5,\"price\":12.34}"),
                notUtf8Json,
                utf8("{\"id\":3,\"qty\":\"many\",\"price\":1.5}"),
                utf8("{\"id\":4,\"qty\":4,\"price\":true}"),
                utf8("{\"id\":5,\"qty\":5,\"price\":0.1,\"at\":\"later\"}"),
                utf8("{\"id\":6,\"qty\":6,\"price\":"),
                utf8("{\"id\":7,\"qty\":7,\"price\":1e-7,\"at\":null}"));
        produce(topic, values);
        Map<String, String> config = rawSink(topic, badTable, converter);
        JdbcSinkSchemalessIT.toDeadLetterQueue(config, topic);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-bad-sink", config).status());
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestBroker.consumeAllBytes(topic + "-dlq", 5,
                    Duration.ofSeconds(60));
            // each refused record reaches the DLQ with the bytes it was produced with (those that are not JSON when
            // they are read, the misfits when they are typed: compared as a set)
            assertEquals(latin1(values.subList(1, 6)), latin1(dead.stream().map(ConsumerRecord::value).toList()));
            Await.until(() -> ids(badTable).equals(List.of(1L, 7L)), Duration.ofSeconds(60),
                    "rows 1 and 7 written; have " + ids(badTable));
            assertEquals(12.34, db.scalar("SELECT price FROM " + badTable + " WHERE id = 1"));
            assertEquals(1e-7, db.scalar("SELECT price FROM " + badTable + " WHERE id = 7"));
            assertEquals(true, db.scalar("SELECT at IS NULL FROM " + badTable + " WHERE id = 7"));
            assertEquals("RUNNING", rest.taskState("raw-bad-sink", 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {BYTE_ARRAY, JSON})
    void nestedObjectsAndArraysLandInJsonAndJsonbColumnsAndDecimalsKeepEveryDigit(String converter) {
        String topic = topic("rawnested");
        String nestedTable = table("raw_nested", converter);
        db.execute("CREATE TABLE " + nestedTable + " (id bigint PRIMARY KEY, doc jsonb, list json, note text,"
                + " amount numeric(30,10), ratio double precision)");
        produce(topic, List.of(
                utf8("{\"id\":1,\"doc\":{\"a\":{\"b\":[1,2.50,\"x\\ty\"]},\"c\":null},\"list\":[{\"k\":1},[]],"
                        + "\"note\":{\"as\":\"text\"},\"amount\":12345678901234567890.0123456789,\"ratio\":0.30000000000000004}"),
                utf8("{\"id\":2,\"doc\":[true,false],\"list\":{},\"note\":[1],\"amount\":-1e-10,\"ratio\":-2.5E3}")));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-nested-sink", rawSink(topic, nestedTable, converter)).status());
            Await.until(() -> ids(nestedTable).equals(List.of(1L, 2L)), Duration.ofSeconds(60),
                    "both rows written; have " + ids(nestedTable) + "; task " + rest.taskState("raw-nested-sink", 0));
            assertEquals("{\"a\": {\"b\": [1, 2.50, \"x\\ty\"]}, \"c\": null}",
                    db.scalar("SELECT doc::text FROM " + nestedTable + " WHERE id = 1"));
            assertEquals("[{\"k\":1},[]]", db.scalar("SELECT list::text FROM " + nestedTable + " WHERE id = 1"));
            assertEquals("{\"as\":\"text\"}", db.scalar("SELECT note FROM " + nestedTable + " WHERE id = 1"));
            assertEquals("12345678901234567890.0123456789", db.scalar("SELECT amount::text FROM " + nestedTable + " WHERE id = 1"));
            assertEquals(0.30000000000000004, db.scalar("SELECT ratio FROM " + nestedTable + " WHERE id = 1"));
            assertEquals("[true, false]|{}|[1]|-0.0000000001|-2500",
                    db.scalar("SELECT concat_ws('|', doc, list, note, amount, ratio) FROM " + nestedTable + " WHERE id = 2"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {BYTE_ARRAY, JSON})
    void aColumnAddedWhileRunningTakesTheNewMemberAndRecordsWithoutItStillFillTheirs(String converter) {
        String topic = topic("rawaltered");
        String alteredTable = table("raw_altered", converter);
        db.execute("CREATE TABLE " + alteredTable + " (id bigint PRIMARY KEY, name text)");
        List<byte[]> first = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            first.add(utf8("{\"id\":" + i + ",\"name\":\"n" + i + "\"}"));
        }
        produce(topic, first);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-altered-sink", rawSink(topic, alteredTable, converter)).status());
            Await.until(() -> count(alteredTable) == 200, Duration.ofSeconds(60), "the first 200 rows are written");
            db.execute("ALTER TABLE " + alteredTable + " ADD COLUMN region text");
            // members in another order, the new one, then the old shape again: each run of records gets its plan
            produce(topic, List.of(utf8("{\"name\":\"m\",\"region\":\"eu\",\"id\":201}"),
                    utf8("{\"id\":202,\"name\":\"o\"}"), utf8("{\"region\":\"us\",\"id\":203}")));
            Await.until(() -> count(alteredTable) == 203, Duration.ofSeconds(60),
                    "the rows with the new member are written; task " + rest.taskState("raw-altered-sink", 0));
            assertEquals("m|eu", db.scalar("SELECT concat_ws('|', name, region) FROM " + alteredTable + " WHERE id = 201"));
            assertEquals("o|-", db.scalar("SELECT concat_ws('|', name, coalesce(region, '-')) FROM " + alteredTable + " WHERE id = 202"));
            assertEquals("-|us", db.scalar("SELECT concat_ws('|', coalesce(name, '-'), region) FROM " + alteredTable + " WHERE id = 203"));
            assertEquals("n200", db.scalar("SELECT name FROM " + alteredTable + " WHERE id = 200"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {BYTE_ARRAY, JSON})
    void textReachesTextColumnsAsWrittenWhetherPlainEscapedOrNotAsciiAndATextKeyUpserts(String converter) {
        String topic = topic("rawtext");
        String textTable = table("raw_text", converter);
        db.execute("CREATE TABLE " + textTable + " (code text PRIMARY KEY, note text, label varchar(40), tag uuid)");
        List<byte[]> values = new ArrayList<>(List.of(
                utf8("{\"code\":\"a\",\"note\":\"first\",\"label\":\"plain ~ text\","
                        + "\"tag\":\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\"}"),
                utf8("{\"code\":\"b\",\"note\":\"tab\\there \\\"q\\\" back\\\\slash\",\"label\":\"\"}"),
                utf8("{\"code\":\"c\",\"note\":\"caf\u00e9 \ud83d\ude00\",\"label\":\"\\u00e9\"}"),
                utf8("{\"code\":\"a\",\"note\":\"last\"}")));
        produce(topic, values);
        Map<String, String> config = rawSink(topic, textTable, converter);
        config.put("insert.mode", "upsert");
        config.put("pk.fields", "code");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-text-sink", config).status());
            Await.until(() -> count(textTable) == 3, Duration.ofSeconds(60),
                    "3 rows written; task " + rest.taskState("raw-text-sink", 0));
            // the same text key again updates its row (upsert leaves the columns the record has no member for)
            assertEquals("last|plain ~ text|1b4e28ba-2fa1-11d2-883f-0016d3cca427", db.scalar(
                    "SELECT concat_ws('|', note, label, tag) FROM " + textTable + " WHERE code = 'a'"));
            assertEquals("tab\there \"q\" back\\slash|", db.scalar(
                    "SELECT concat_ws('|', note, label) FROM " + textTable + " WHERE code = 'b'"));
            assertEquals("caf\u00e9 \ud83d\ude00|\u00e9", db.scalar(
                    "SELECT concat_ws('|', note, label) FROM " + textTable + " WHERE code = 'c'"));
            assertEquals("RUNNING", rest.taskState("raw-text-sink", 0));
        }
    }

    /** JSON numbers a double column takes from their digits, each with the double Java reads from them. */
    private static final List<String> DOUBLES = List.of("1e300", "-1E+300", "-0.0", "-0", "5e-324", "4.9e-324",
            "1.7976931348623157e308", "2.2250738585072014E-308", "4.9e-310", "0.1", "0.30000000000000004", "123.456", "-7.25",
            "0.1000000000000000055511151231257827021181583404541015625", "12", "9007199254740993",
            "1e400", "-1e400", "1e-400", "0e500");

    @ParameterizedTest
    @ValueSource(strings = {BYTE_ARRAY, JSON})
    void doublesLongsAndDecimalsReachTheirColumnsAsTheSameValuesJavaReadsFromTheJsonAndUpsertKeepsThem(String converter) {
        String topic = topic("rawnum");
        String numTable = table("raw_numbers", converter);
        db.execute("CREATE TABLE " + numTable + " (id bigint PRIMARY KEY, ratio double precision, big bigint,"
                + " amount numeric(40,20), note text)");
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < DOUBLES.size(); i++) {
            values.add(utf8("{\"id\":" + i + ",\"ratio\":" + DOUBLES.get(i) + ",\"note\":\"n" + i + "\"}"));
        }
        values.add(utf8("{\"id\":100,\"ratio\":2.5,\"big\":9223372036854775807,\"amount\":0.12345678901234567890}"));
        values.add(utf8("{\"id\":101,\"ratio\":null,\"big\":-9223372036854775808,\"amount\":-1.5e-3}"));
        values.add(utf8("{\"id\":0,\"ratio\":-2.75}")); // upserts row 0 again: the last value wins
        produce(topic, values);
        Map<String, String> config = rawSink(topic, numTable, converter);
        config.put("insert.mode", "upsert");
        config.put("pk.fields", "id");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-num-sink", config).status());
            int rows = DOUBLES.size() + 2;
            Await.until(() -> count(numTable) == rows && Double.valueOf(-2.75).equals(
                    db.scalar("SELECT ratio FROM " + numTable + " WHERE id = 0")), Duration.ofSeconds(60),
                    rows + " rows written; task " + rest.taskState("raw-num-sink", 0));
            for (int i = 1; i < DOUBLES.size(); i++) {
                String text = DOUBLES.get(i);
                // a JSON integer is an integer first ("-0" is 0), then the column's double
                double want = text.matches("-?[0-9]+") ? new java.math.BigDecimal(text).doubleValue()
                        : Double.parseDouble(text);
                Object got = db.scalar("SELECT ratio FROM " + numTable + " WHERE id = " + i);
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits((Double) got),
                        text + " was stored as " + got);
                assertEquals("n" + i, db.scalar("SELECT note FROM " + numTable + " WHERE id = " + i));
            }
            assertEquals("2.5|9223372036854775807|0.12345678901234567890", db.scalar(
                    "SELECT concat_ws('|', ratio, big, amount) FROM " + numTable + " WHERE id = 100"));
            assertEquals("-|-9223372036854775808|-0.00150000000000000000", db.scalar(
                    "SELECT concat_ws('|', coalesce(ratio::text, '-'), big, amount) FROM " + numTable + " WHERE id = 101"));
            assertEquals("RUNNING", rest.taskState("raw-num-sink", 0));
        }
    }

    @org.junit.jupiter.api.Test
    void transformationsSeeJsonConverterObjectsAsMapsAndTheTableGetsWhatTheyMadeOfThem() {
        String topic = topic("rawsmt");
        String table = table("raw_smt", JSON);
        db.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, origin text, doc jsonb)");
        produce(topic, List.of(utf8("{\"id\":1,\"nm\":\"a\",\"doc\":{\"k\":[1]}}"), utf8("{\"id\":2,\"nm\":null}")));
        Map<String, String> config = rawSink(topic, table, JSON);
        config.put("transforms", "rename,origin");
        config.put("transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value");
        config.put("transforms.rename.renames", "nm:name");
        config.put("transforms.origin.type", "org.apache.kafka.connect.transforms.InsertField$Value");
        config.put("transforms.origin.static.field", "origin");
        config.put("transforms.origin.static.value", "app");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("raw-smt-sink", config).status());
            Await.until(() -> ids(table).equals(List.of(1L, 2L)), Duration.ofSeconds(60),
                    "both rows written; have " + ids(table) + "; task " + rest.taskState("raw-smt-sink", 0));
            assertEquals("a|app|{\"k\": [1]}", db.scalar("SELECT concat_ws('|', name, origin, doc) FROM " + table
                    + " WHERE id = 1"));
            assertEquals("-|app", db.scalar("SELECT concat_ws('|', coalesce(name, '-'), origin) FROM " + table
                    + " WHERE id = 2"));
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
