package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.testing.ExampleWorker;
import io.sluice.s3.testing.S3TestServer;
import io.sluice.s3.testing.SchemaRecords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 source examples in config/, as shipped but for their bucket, endpoint and credentials, against s3proxy, with
 * the sink examples they restore: s3-sink-hourly.json then s3-source-restore.properties, s3-sink-avro.properties then
 * s3-source-avro.properties. The CSV example names Google Cloud Storage and runs with s3proxy's endpoint instead.
 */
class S3SourceExampleConfigsIT {

    @RegisterExtension
    static final ExampleWorker worker = new ExampleWorker();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long MINUTE = 60_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theHourlyEnvelopeSinkAndTheRestoreExampleBringBackEveryStoredRecordByteForByteInItsPartition() {
        String bucket = S3TestServer.newBucket();
        worker.topic("clicks", 2);
        worker.topic("clicks-restored", 2);
        long t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS).toEpochMilli();
        // record time decides: an hour's object is completed by a record ten minutes (rotate.interval.ms) after its first
        List<ProducerRecord<String, String>> clicks = List.of(click(0, t0, 0), click(0, t0 + 5 * MINUTE, 1),
                click(0, t0 + 20 * MINUTE, 2), click(0, t0 + 60 * MINUTE, 3), click(0, t0 + 75 * MINUTE, 4),
                click(1, t0 + MINUTE, 5), click(1, t0 + 12 * MINUTE, 6));
        S3SinkExampleConfigsIT.send(clicks);
        worker.create(minio(ExampleConfig.connector("s3-sink-hourly.json"), bucket));

        String hour0 = hourPath(t0);
        String hour1 = hourPath(t0 + 60 * MINUTE);
        Await.until(() -> S3TestServer.keys(bucket).size() == 3, WAIT, () -> "three completed objects, have "
                + S3TestServer.keys(bucket) + "; " + worker.rest().get("/connectors/s3-sink-hourly/status").raw());
        assertEquals(List.of("topics/clicks/" + hour0 + "/clicks+0+0000000000+0000000001.records.json.gz",
                "topics/clicks/" + hour0 + "/clicks+1+0000000000+0000000000.records.json.gz",
                "topics/clicks/" + hour1 + "/clicks+0+0000000003+0000000003.records.json.gz"), S3TestServer.keys(bucket));

        worker.create(minio(ExampleConfig.connector("s3-source-restore.properties"), bucket));
        List<String> restored = KafkaTestBroker.consumeAllBytes("clicks-restored", 4, WAIT).stream()
                .map(S3SourceExampleConfigsIT::describe).sorted().toList();
        assertEquals(List.of(describe(clicks.get(0)), describe(clicks.get(1)), describe(clicks.get(3)),
                describe(clicks.get(5))).stream().sorted().toList(), restored, "the stored records, exactly");
    }

    @Test
    void theAvroSinkAndSourceExamplesRestoreEachValueWithItsSchemaAndFindAPartitionThatAppearsLater() throws Exception {
        String bucket = S3TestServer.newBucket();
        worker.topic("orders", 2);
        worker.topic("orders-restored", 2);
        // three orders of schema v1, 10,000 of v2, one of v1 again: a new schema starts a new object
        List<Map.Entry<String, String>> first = new ArrayList<>(SchemaRecords.json(0, 3, Long.MAX_VALUE, 5));
        first.addAll(SchemaRecords.json(3, 10_003, 0, 5));
        first.addAll(SchemaRecords.json(10_003, 10_004, Long.MAX_VALUE, 5));
        S3SinkExampleConfigsIT.send(first.stream().map(e -> new ProducerRecord<String, String>("orders", 0, null, e.getValue()))
                .toList());
        worker.create(ExampleWorker.onTestServer("s3-sink-avro.properties", "my-archive", bucket));
        Await.until(() -> S3SinkIT.storedCount(bucket, "topics/orders/partition=0/") == 10_003, WAIT,
                () -> "the orders before the last stored, have " + S3TestServer.keys(bucket));
        for (String key : S3TestServer.keys(bucket)) {
            ObjectNames.StoredObject name = ObjectNames.parse(key).orElseThrow();
            assertTrue(name.end() - name.start() < 10_000 && (name.end() < 3 || name.start() >= 3), key
                    + ": at most 10,000 records, of one schema");
            try (DataFileStream<Object> avro = new DataFileStream<>(
                    new ByteArrayInputStream(S3TestServer.read(bucket, key)), new GenericDatumReader<>())) {
                assertEquals("deflate", avro.getMetaString("avro.codec"), key);
            }
        }

        worker.create(ExampleWorker.onTestServer("s3-source-avro.properties", "my-archive", bucket));
        List<ConsumerRecord<String, String>> restored = KafkaTestBroker.consumeAll("orders-restored", 10_003, WAIT);
        assertEquals(first.subList(0, 10_003).stream().map(e -> json(e.getValue())).toList(),
                restored.stream().map(r -> json(r.value())).toList(), "every value with its schema, in order");
        assertTrue(restored.stream().allMatch(r -> r.partition() == 0));

        // a partition the connector has not seen: found at its next listing (s3.poll.interval.ms)
        List<Map.Entry<String, String>> later = new ArrayList<>(SchemaRecords.json(20_000, 20_002, Long.MAX_VALUE, 5));
        later.addAll(SchemaRecords.json(20_002, 20_003, 0, 5));
        S3SinkExampleConfigsIT.send(later.stream().map(e -> new ProducerRecord<String, String>("orders", 1, null, e.getValue()))
                .toList());
        List<ConsumerRecord<String, String>> all = KafkaTestBroker.consumeAll("orders-restored", 10_005, WAIT);
        assertEquals(later.subList(0, 2).stream().map(e -> json(e.getValue())).toList(),
                all.stream().filter(r -> r.partition() == 1).map(r -> json(r.value())).toList());
    }

    @Test
    void theCsvExampleReadsEveryRowUnderItsPrefixAsAStructOfStringsNamedByTheHeaderGzipIncluded() throws Exception {
        String bucket = S3TestServer.newBucket();
        worker.topic("customers", 1);
        S3TestServer.put(bucket, "exports/customers/2026-12-01.csv",
                "id,name,city\n1,Ann,Oslo\n2,\"Bob, Jr\",Rome\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "exports/customers/2026-12-02.csv.gz", gzip("id,name,city\n3,Cid,Lima\n"));
        S3TestServer.put(bucket, "exports/suppliers/2026-12-01.csv", "id,name\n9,Not a customer\n".getBytes(StandardCharsets.UTF_8));
        worker.create(ExampleConfig.connector("s3-source-csv.properties")
                .replace("s3.bucket.name", "my-landing-zone", bucket)
                .replace("store.url", "https://storage.googleapis.com", S3TestServer.endpoint())
                .replace("aws.access.key.id", "GOOG1EXAMPLEHMACKEY", S3TestServer.ACCESS_KEY)
                .secretsFile(worker.secrets()));

        List<JsonNode> rows = KafkaTestBroker.consumeAll("customers", 3, WAIT).stream().map(r -> json(r.value())).toList();
        assertEquals(List.of("{\"id\":\"1\",\"name\":\"Ann\",\"city\":\"Oslo\"}", "{\"id\":\"2\",\"name\":\"Bob, Jr\",\"city\":"
                + "\"Rome\"}", "{\"id\":\"3\",\"name\":\"Cid\",\"city\":\"Lima\"}"), rows.stream()
                .map(r -> r.path("payload").toString()).toList(), "every row in key order, the .gz one decompressed");
        assertEquals(Set.of("string"), types(rows.get(0)), "a struct of strings");
    }

    @Test
    void theJsonLinesExampleReadsBothPrefixesIntoOneTopic() throws Exception {
        String bucket = S3TestServer.newBucket();
        worker.topic("landing-events", 1);
        S3TestServer.put(bucket, "events/2026/12-01.jsonl", "{\"e\":1}\n{\"e\":2}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "events/2026/12-02.jsonl.gz", gzip("{\"e\":3}\n"));
        S3TestServer.put(bucket, "clicks/a.jsonl", "{\"c\":1}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "events/2025/old.jsonl", "{\"e\":0}\n".getBytes(StandardCharsets.UTF_8));
        worker.create(ExampleConfig.connector("s3-source-jsonlines.properties")
                .replace("s3.bucket.name", "my-landing-zone", bucket)
                .replace("store.url", "http://127.0.0.1:9000", S3TestServer.endpoint())
                .replace("aws.access.key.id", "minio", S3TestServer.ACCESS_KEY)
                .replace("aws.secret.access.key", "minio-secret", S3TestServer.SECRET_KEY));

        Set<String> values = new TreeSet<>();
        KafkaTestBroker.consumeAll("landing-events", 4, WAIT).forEach(r -> values.add(r.value()));
        assertEquals(Set.of("{\"c\":1}", "{\"e\":1}", "{\"e\":2}", "{\"e\":3}"), values, "both prefixes, nothing else");
    }

    /** An example of the MinIO store at 127.0.0.1:9000 pointed at the test server and bucket. */
    private static ExampleConfig minio(ExampleConfig example, String bucket) {
        return example.replace("s3.bucket.name", "my-archive", bucket)
                .replace("store.url", "http://127.0.0.1:9000", S3TestServer.endpoint())
                .replace("aws.access.key.id", "minio", S3TestServer.ACCESS_KEY)
                .secretsFile(worker.secrets());
    }

    private static ProducerRecord<String, String> click(int partition, long timestamp, int n) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", ("t-" + n).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>("clicks", partition, timestamp, "user-" + (n % 3), "{\"click\":" + n + "}", headers);
    }

    private static String hourPath(long millis) {
        return DateTimeFormatter.ofPattern("'year'=yyyy/'month'=MM/'day'=dd/'hour'=HH").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(millis));
    }

    private static String describe(ProducerRecord<String, String> r) {
        return r.partition() + "|" + r.timestamp() + "|" + r.key() + "|" + r.value() + "|"
                + new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8);
    }

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        return r.partition() + "|" + r.timestamp() + "|" + new String(r.key(), StandardCharsets.UTF_8) + "|"
                + new String(r.value(), StandardCharsets.UTF_8) + "|"
                + new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8);
    }

    private static Set<String> types(JsonNode jsonWithSchema) {
        Set<String> types = new TreeSet<>();
        jsonWithSchema.path("schema").path("fields").forEach(f -> types.add(f.path("type").asText()));
        return types;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
