package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.s3.format.ParquetCodecs;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.testing.BytesInputFile;
import io.sluice.s3.testing.ExampleWorker;
import io.sluice.s3.testing.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 sink examples in config/, as shipped but for their bucket, endpoint and credentials, writing to s3proxy:
 * each stores the objects its comments describe. s3-sink-gcs.properties names Google Cloud Storage, whose XML API is
 * S3's: it runs here against s3proxy with its endpoint and HMAC key id replaced (its ${env:...} secret as shipped).
 */
class S3SinkExampleConfigsIT {

    @RegisterExtension
    static final ExampleWorker worker = new ExampleWorker();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long HOUR = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJsonExampleStoresGzippedJsonLinesOneObjectPerTenThousandRecordsOrPerHourOfRecordTime() {
        String bucket = S3TestServer.newBucket();
        worker.topic("orders", 1);
        worker.topic("payments", 1);
        long now = System.currentTimeMillis();
        List<String> orders = IntStream.range(0, 10_000).mapToObj(i -> "{\"id\":" + i + ",\"total\":" + i + ".5}").toList();
        send(orders.stream().map(v -> new ProducerRecord<String, String>("orders", 0, now, null, v)).toList());
        long t0 = now - 3 * HOUR;
        send(List.of(payment(t0, 1), payment(t0 + HOUR / 2, 2), payment(t0 + HOUR + 60_000, 3)));
        worker.create(ExampleWorker.onTestServer("s3-sink-json.properties", "my-archive", bucket));

        String ordersObject = "topics/orders/partition=0/orders+0+0000000000+0000009999.json.gz";
        String paymentsObject = "topics/payments/partition=0/payments+0+0000000000+0000000001.json.gz";
        Await.until(() -> S3TestServer.keys(bucket).size() == 2, WAIT, () -> "two objects, have "
                + S3TestServer.keys(bucket) + "; " + worker.rest().get("/connectors/s3-sink-json/status").raw());
        assertEquals(List.of(ordersObject, paymentsObject), S3TestServer.keys(bucket),
                "10,000 orders in one object; the first two payments, completed by one an hour of record time later");
        List<String> stored = lines(bucket, ordersObject);
        assertEquals(orders.size(), stored.size());
        for (int i = 0; i < orders.size(); i++) {
            assertEquals(json(orders.get(i)), json(stored.get(i)), "each value a JSON line (gzip: the name ends in .gz)");
        }
        assertEquals(List.of("{\"id\":1}", "{\"id\":2}"), lines(bucket, paymentsObject));
    }

    @Test
    void theGcsExampleWritesRawBytesThroughTheS3ApiWithItsHmacSecretFromTheEnvironment() {
        assertEquals(S3TestServer.SECRET_KEY, System.getenv("GCS_HMAC_SECRET"), "failsafe sets the example's variable");
        String bucket = S3TestServer.newBucket();
        worker.topic("events", 1);
        List<String> events = IntStream.range(0, 5_000).mapToObj(i -> "event " + i + " \u00e9").toList();
        send(events.stream().map(v -> new ProducerRecord<String, String>("events", v)).toList());
        worker.create(ExampleConfig.connector("s3-sink-gcs.properties")
                .replace("s3.bucket.name", "my-gcs-bucket", bucket)
                .replace("store.url", "https://storage.googleapis.com", S3TestServer.endpoint())
                .replace("aws.access.key.id", "GOOG1E...", S3TestServer.ACCESS_KEY));

        String object = "topics/events/partition=0/events+0+0000000000+0000004999.bin";
        Await.until(() -> S3TestServer.keys(bucket).contains(object), WAIT, () -> "one object of 5,000 records, have "
                + S3TestServer.keys(bucket) + "; " + worker.rest().get("/connectors/s3-sink-gcs/status").raw());
        assertEquals(String.join("\n", events) + "\n", new String(S3TestServer.read(bucket, object), StandardCharsets.UTF_8),
                "each value's bytes as they were, each followed by the default separator");
    }

    @Test
    void theParquetExampleWritesZstdParquetFilesUnderTheCountryOfEachOrder() throws Exception {
        String bucket = S3TestServer.newBucket();
        worker.topic("orders", 1);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        // fewer orders than flush.size (100,000): the last two, of a new schema, complete the open files
        for (int i = 0; i < 2_000; i++) {
            records.add(new ProducerRecord<>("orders", order(i, i % 10 == 0 ? "FR" : "DE", "")));
        }
        records.add(new ProducerRecord<>("orders", order(2_000, "DE", ",\"channel\":\"web\"")));
        records.add(new ProducerRecord<>("orders", order(2_010, "FR", ",\"channel\":\"web\"")));
        send(records);
        worker.create(ExampleWorker.onTestServer("s3-sink-parquet.json", "my-lake", bucket));

        Map<String, Long> rows = new HashMap<>();
        Await.until(() -> rowsUnder(bucket, "topics/orders/country=DE/", rows) == 1_800
                && rowsUnder(bucket, "topics/orders/country=FR/", rows) == 200, WAIT, () -> "every order stored, "
                + "have " + rows + "; " + worker.rest().get("/connectors/s3-sink-parquet/status").raw());
        for (String key : S3TestServer.keys(bucket)) {
            assertTrue(key.endsWith(".zstd.parquet"), key);
            try (ParquetFileReader reader = parquet(bucket, key)) {
                assertEquals(CompressionCodecName.ZSTD,
                        reader.getFooter().getBlocks().get(0).getColumns().get(0).getCodec(), key);
            }
        }
    }

    /** The rows of the completed Parquet objects under prefix, each object read once into rows. */
    private static long rowsUnder(String bucket, String prefix, Map<String, Long> rows) {
        long total = 0;
        for (String key : S3TestServer.keys(bucket)) {
            if (key.startsWith(prefix) && ObjectNames.parse(key).isPresent()) {
                total += rows.computeIfAbsent(key, k -> {
                    try (ParquetFileReader reader = parquet(bucket, k)) {
                        return reader.getRecordCount();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return total;
    }

    private static ParquetFileReader parquet(String bucket, String key) throws IOException {
        ParquetReadOptions options = new ParquetReadOptions.Builder(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs()).build();
        return new ParquetFileReader(new BytesInputFile(S3TestServer.read(bucket, key)), options);
    }

    private static ProducerRecord<String, String> payment(long timestamp, int id) {
        return new ProducerRecord<>("payments", 0, timestamp, null, "{\"id\":" + id + "}");
    }

    /** An order as JsonConverter with schemas writes it; extra adds fields to both schema and payload. */
    private static String order(long id, String country, String extra) {
        String extraField = extra.isEmpty() ? "" : ",{\"field\":\"channel\",\"type\":\"string\"}";
        return "{\"schema\":{\"type\":\"struct\",\"name\":\"Order\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"country\",\"type\":\"string\"},{\"field\":\"amount\",\"type\":\"double\"}" + extraField
                + "]},\"payload\":{\"id\":" + id + ",\"country\":\"" + country + "\",\"amount\":" + (id * 0.25) + extra + "}}";
    }

    /** Sends records (with their partitions, timestamps and headers) and waits until each is acknowledged. */
    static void send(List<ProducerRecord<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                KafkaTestBroker.bootstrapServers(), "linger.ms", "20", "batch.size", "262144"),
                new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = records.stream().map(producer::send).toList();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce", e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String bucket, String key) {
        return new String(S3TestServer.read(bucket, key), StandardCharsets.UTF_8).lines().toList();
    }
}
