package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.s3.testing.OldRecordTopics;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import io.sluice.s3.testing.SchemaRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 sink then the S3 source in a real worker: the restored topic holds exactly the original records. */
class S3SourceRoundTripIT {

    private static final int PARTITIONS = 3;
    /** Bytes in, bytes out: byte-exact copies of keys, values and headers. */
    private static final Map<String, String> BYTES = Map.of(
            "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
            "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
            "header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");

    @TempDir
    Path dir;

    @Test
    void sinkThenSourceRestoresKeysValuesPartitionsHeadersAndTimestampsExactlyAndResumesAfterRestart()
            throws Exception {
        String bucket = S3TestServer.newBucket();
        String original = OldRecordTopics.create(KafkaTestBroker.uniqueTopic("s3-rt-src"), PARTITIONS);
        String restored = OldRecordTopics.create(KafkaTestBroker.uniqueTopic("s3-rt-dst"), PARTITIONS);
        produce(original, 0, 300);

        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));
        Map<String, String> bytes = BYTES;

        Map<String, String> sink = new HashMap<>(S3TestServer.connectorSettings(bucket));
        sink.putAll(Map.of("connector.class", "io.sluice.s3.sink.S3SinkConnector", "topics", original,
                "topics.dir", "backup", "format.class", "envelope", "s3.compression.type", "gzip",
                "flush.size", "40", "rotate.schedule.interval.ms", "1000"));
        sink.putAll(bytes);
        Map<String, String> source = new HashMap<>(S3TestServer.connectorSettings(bucket));
        source.putAll(Map.of("connector.class", "io.sluice.s3.source.S3SourceConnector", "topics", original,
                "topic.mapping", original + ":" + restored, "topics.dir", "backup", "format.class", "envelope",
                "tasks.max", "2", "s3.poll.interval.ms", "500", "batch.max.records", "50"));
        source.putAll(bytes);

        try (TestWorker worker = cluster.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("backup", sink).status());
            Await.until(() -> S3SinkIT.storedCount(bucket, "backup/") == 300, Duration.ofSeconds(60), "backed up");
            assertEquals(201, rest.createConnector("restore", source).status());
            assertSameRecords(original, restored, 300);
            produce(original, 300, 360);
            Await.until(() -> S3SinkIT.storedCount(bucket, "backup/") == 360, Duration.ofSeconds(60),
                    "new records backed up");
            assertSameRecords(original, restored, 360);
        }
        // a new worker of the same cluster resumes both connectors from their committed offsets
        produce(original, 360, 420);
        try (TestWorker worker = cluster.start()) {
            Await.until(() -> S3SinkIT.storedCount(bucket, "backup/") == 420, Duration.ofSeconds(60),
                    "records after the restart backed up: " + S3TestServer.keys(bucket));
            assertSameRecords(original, restored, 420);
        }
    }

    @Test
    void avroEnvelopeObjectsRestoreKeysValuesPartitionsHeadersAndTimestampsExactly() throws Exception {
        String bucket = S3TestServer.newBucket();
        String original = OldRecordTopics.create(KafkaTestBroker.uniqueTopic("s3-avenv-src"), PARTITIONS);
        String restored = OldRecordTopics.create(KafkaTestBroker.uniqueTopic("s3-avenv-dst"), PARTITIONS);
        produce(original, 0, 200);
        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));
        Map<String, String> sink = new HashMap<>(S3TestServer.connectorSettings(bucket));
        sink.putAll(Map.of("connector.class", "io.sluice.s3.sink.S3SinkConnector", "topics", original,
                "format.class", "avro", "avro.envelope", "true", "avro.codec", "deflate", "flush.size", "30",
                "rotate.schedule.interval.ms", "1000"));
        sink.putAll(BYTES);
        Map<String, String> source = new HashMap<>(S3TestServer.connectorSettings(bucket));
        source.putAll(Map.of("connector.class", "io.sluice.s3.source.S3SourceConnector", "topics", original,
                "topic.mapping", original + ":" + restored, "format.class", "avro", "s3.poll.interval.ms", "500"));
        source.putAll(BYTES);

        try (TestWorker worker = cluster.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("backup-avenv", sink).status());
            Await.until(() -> S3SinkIT.storedCount(bucket, "topics/") == 200, Duration.ofSeconds(60), "backed up");
            assertTrue(S3TestServer.keys(bucket).stream().allMatch(k -> k.endsWith(".records.avro")),
                    S3TestServer.keys(bucket).toString());
            assertEquals(201, rest.createConnector("restore-avenv", source).status());
            assertSameRecords(original, restored, 200);
        }
    }

    @Test
    void avroObjectsRestoreValuesWithTheirSchemasToTheSamePartitionsFoundWhileTheSourceRuns() {
        String bucket = S3TestServer.newBucket();
        String original = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-avro-src"), PARTITIONS);
        String restored = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-avro-dst"), PARTITIONS);
        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));
        Map<String, String> json = Map.of("value.converter", SchemaRecords.CONVERTER,
                "value.converter.schemas.enable", "true");
        Map<String, String> sink = new HashMap<>(S3TestServer.connectorSettings(bucket));
        sink.putAll(Map.of("connector.class", "io.sluice.s3.sink.S3SinkConnector", "topics", original,
                "format.class", "avro", "avro.codec", "zstandard", "flush.size", "40",
                "rotate.schedule.interval.ms", "1000"));
        sink.putAll(json);
        Map<String, String> source = new HashMap<>(S3TestServer.connectorSettings(bucket));
        source.putAll(Map.of("connector.class", "io.sluice.s3.source.S3SourceConnector", "topics", original,
                "topic.mapping", original + ":" + restored, "format.class", "avro", "tasks.max", "2",
                "s3.poll.interval.ms", "500"));
        source.putAll(json);

        try (TestWorker worker = cluster.start()) {
            RestClient rest = worker.rest();
            // the source starts on an empty bucket: it must find the partitions as the sink writes them
            assertEquals(201, rest.createConnector("restore-avro", source).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("restore-avro", 0)), Duration.ofSeconds(30),
                    "source running");
            KafkaTestBroker.produce(original, SchemaRecords.json(0, 300, 150, 10));
            assertEquals(201, rest.createConnector("backup-avro", sink).status());
            Await.until(() -> S3SinkIT.storedCount(bucket, "topics/") == 300, Duration.ofSeconds(60), "backed up");
            assertEquals(valuesByPartition(original, 300), valuesByPartition(restored, 300),
                    "every value, its schema included, in the same partition and order");
        }
    }

    /** The values of each partition of topic, in offset order. */
    private static Map<Integer, List<String>> valuesByPartition(String topic, int count) {
        Map<Integer, List<String>> out = new java.util.TreeMap<>();
        for (ConsumerRecord<String, String> r : KafkaTestBroker.consumeAll(topic, count, Duration.ofSeconds(90))) {
            out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
        }
        return out;
    }

    /** Each partition of restored holds the records of the same partition of original, in order, nothing more. */
    private static void assertSameRecords(String original, String restored, int count) {
        List<String> expected = describe(KafkaTestBroker.consumeAll(original, count, Duration.ofSeconds(30)));
        List<String> actual = describe(KafkaTestBroker.consumeAll(restored, count, Duration.ofSeconds(60)));
        assertEquals(expected, actual);
    }

    private static List<String> describe(List<ConsumerRecord<String, String>> records) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            StringBuilder headers = new StringBuilder();
            for (Header h : r.headers()) {
                headers.append(h.key()).append('=').append(h.value() == null ? "null"
                        : new String(h.value(), StandardCharsets.UTF_8)).append(';');
            }
            out.add(r.partition() + "|" + r.key() + "|" + r.value() + "|" + r.timestamp() + "|" + headers);
        }
        out.sort(null); // per-partition order is checked through the sequence numbers in keys and values
        return out;
    }

    private static void produce(String topic, int from, int to) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                if (i % 7 == 0) {
                    headers.add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
                }
                String key = i % 50 == 0 ? null : "k-" + i;
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, 1_700_000_000_000L + i, key,
                        "value-" + i, headers)).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
